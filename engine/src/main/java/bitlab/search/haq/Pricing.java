package bitlab.search.haq;

import bitlab.hardware.Bits;
import bitlab.hardware.CostTable;
import bitlab.hardware.LayerWorkload;
import bitlab.hardware.Target;
import java.util.Arrays;
import java.util.List;

/**
 * What a policy costs: latency and energy from a target's {@link CostTable} (a sum of table reads),
 * size from the weight counts ({@code sum(weights_i * w_i) / 8} bytes; biases stay 32-bit and are
 * left out, as in HAQ).
 */
public final class Pricing {
  private final List<LayerWorkload> layers;
  private final Target target;
  private final CostTable table;
  private final long[] weights;

  private Pricing(List<LayerWorkload> layers, Target target) {
    if (layers.isEmpty())
      throw new HaqException(
          "The model has no layer with weights (Conv or Linear): there is nothing to quantize.");
    this.layers = List.copyOf(layers);
    this.target = target;
    this.table = target == null ? null : target.table(layers);
    this.weights = layers.stream().mapToLong(LayerWorkload::weights).toArray();
  }

  /** Prices these layers on a target (null: only size budgets can be priced). */
  public static Pricing of(List<LayerWorkload> layers, Target target) {
    return new Pricing(layers, target);
  }

  public List<LayerWorkload> layers() {
    return layers;
  }

  /** The target, or null when only size is priced. */
  public Target target() {
    return target;
  }

  public String targetName() {
    return target == null ? "(no target)" : target.name();
  }

  /** The cost of a policy in base units: seconds, joules or bytes. */
  public double cost(Resource r, int[] w, int[] a) {
    if (r == Resource.SIZE) {
      if (w.length != weights.length)
        throw new HaqException(
            "A policy for " + weights.length + " layers has " + w.length + " weight widths.");
      double bits = 0;
      for (int i = 0; i < w.length; i++) bits += (double) weights[i] * w[i];
      return bits / 8;
    }
    if (table == null) {
      throw new HaqException(
          "A " + r.label()
              + " budget needs a target to price it; add .on(hardware(\"bismo-edge\")) or use a size budget.");
    }
    return r == Resource.LATENCY ? table.latency(w, a) : table.energy(w, a);
  }

  public double cost(Resource r, List<Bits> policy) {
    return cost(r, Policies.weights(policy), Policies.activations(policy));
  }

  /** Every layer at the same widths. */
  public double uniform(Resource r, int wBits, int aBits) {
    int[] w = new int[layers.size()];
    int[] a = new int[layers.size()];
    Arrays.fill(w, wBits);
    Arrays.fill(a, aBits);
    return cost(r, w, a);
  }
}
