package bitlab.hardware;

import java.util.List;

/**
 * Every layer of one model priced at every bit pair on one target, so that pricing a policy
 * inside a search loop is a sum of table reads: about a hundred nanoseconds for a hundred layers,
 * with no allocation on the {@code int[]} path.
 */
public final class CostTable {

  private static final int CELLS = Bits.SLOTS * Bits.SLOTS;

  private final Target target;
  private final List<LayerWorkload> layers;
  private final double[] latency;
  private final double[] energy;

  CostTable(Target target, List<LayerWorkload> layers) {
    this.target = target;
    this.layers = List.copyOf(layers);
    int n = layers.size();
    latency = new double[n * CELLS];
    energy = new double[n * CELLS];
    for (int i = 0; i < n; i++) {
      for (int sw = 0; sw < Bits.SLOTS; sw++) {
        for (int sa = 0; sa < Bits.SLOTS; sa++) {
          int cell = i * CELLS + sw * Bits.SLOTS + sa;
          try {
            Cost c = target
                .layer(i, layers.get(i), new Bits(Bits.width(sw), Bits.width(sa)))
                .cost();
            latency[cell] = c.seconds();
            energy[cell] = c.joules();
          } catch (LutTableException missing) {
            latency[cell] = Double.NaN; // a table without 16/32-bit rows: reported if asked for
            energy[cell] = Double.NaN;
          }
        }
      }
    }
  }

  public Target target() {
    return target;
  }

  public List<LayerWorkload> layers() {
    return layers;
  }

  public int size() {
    return layers.size();
  }

  /** Latency of one layer at one pair, seconds. */
  public double latency(int layer, int wBits, int aBits) {
    return read(latency, layer, wBits, aBits);
  }

  public double energy(int layer, int wBits, int aBits) {
    return read(energy, layer, wBits, aBits);
  }

  /** Total latency in seconds of a policy given as weight and activation widths per layer. */
  public double latency(int[] wBits, int[] aBits) {
    check(wBits, aBits);
    double s = 0;
    for (int i = 0; i < wBits.length; i++) {
      double v = latency[i * CELLS + Bits.slot(wBits[i]) * Bits.SLOTS + Bits.slot(aBits[i])];
      if (Double.isNaN(v)) return read(latency, i, wBits[i], aBits[i]);
      s += v;
    }
    return s;
  }

  public double energy(int[] wBits, int[] aBits) {
    check(wBits, aBits);
    double s = 0;
    for (int i = 0; i < wBits.length; i++) {
      double v = energy[i * CELLS + Bits.slot(wBits[i]) * Bits.SLOTS + Bits.slot(aBits[i])];
      if (Double.isNaN(v)) return read(energy, i, wBits[i], aBits[i]);
      s += v;
    }
    return s;
  }

  /** Total cost of a policy. */
  public Cost total(List<Bits> policy) {
    target.checkPolicy(layers, policy);
    double s = 0;
    double j = 0;
    for (int i = 0; i < policy.size(); i++) {
      Bits b = policy.get(i);
      s += read(latency, i, b.weights(), b.activations());
      j += read(energy, i, b.weights(), b.activations());
    }
    return new Cost(s, j);
  }

  private double read(double[] values, int layer, int w, int a) {
    double v = values[layer * CELLS + Bits.slot(w) * Bits.SLOTS + Bits.slot(a)];
    if (Double.isNaN(v))
      target.layer(layer, layers.get(layer), new Bits(w, a)); // throws the table's sentence
    return v;
  }

  private void check(int[] w, int[] a) {
    if (w.length != layers.size() || a.length != layers.size()) {
      throw new PolicyException("The policy has " + w.length + " weight and " + a.length
          + " activation widths but the model has " + layers.size()
          + " quantizable layers; give one per layer.");
    }
  }
}
