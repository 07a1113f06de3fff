package bitlab.dsl.hardware;

import bitlab.BitlabException;
import bitlab.hardware.Bits;
import bitlab.hardware.LayerCost;
import bitlab.hardware.LayerWorkload;
import bitlab.hardware.Target;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Per-layer tables that set several pricings of the same layers side by side, in microseconds per image (a run's
 * time divided by the target's batch), the unit a hand calculation uses.
 */
public final class PerLayer {

  private PerLayer() {}

  /** A row per layer and a column per pair: each layer's time per image under each uniform pair. */
  public static Table latencies(
      Target target, String model, List<LayerWorkload> layers, List<Bits> pairs) {
    if (pairs.isEmpty())
      throw new BitlabException(
          "Give at least one bit pair to price, e.g. latencies(target, layers, W8A8, W4A4).");
    Table t = Table.create(model + " on " + target.name() + ": us per image", names(layers));
    for (Bits b : pairs) {
      DoubleColumn c = Comparison.number(b.toString(), 2);
      for (LayerCost l : price(target, model, layers, b)) c.append(micros(l, target));
      t.addColumns(c);
    }
    return t;
  }

  /**
   * The time per image each layer saves with one weight bit less and with one activation bit less than
   * {@code base}: which bit is worth removing where.
   */
  public static Table oneBitSavings(
      Target target, String model, List<LayerWorkload> layers, Bits base) {
    if (base.weights() < 2
        || base.activations() < 2
        || base.weights() > 8
        || base.activations() > 8)
      throw new BitlabException("Savings are measured from a pair of 2 to 8 bits on each side, not "
          + base + "; start from e.g. W8A8.");
    List<LayerCost> from = price(target, model, layers, base);
    List<LayerCost> lessW =
        price(target, model, layers, Bits.of(base.weights() - 1, base.activations()));
    List<LayerCost> lessA =
        price(target, model, layers, Bits.of(base.weights(), base.activations() - 1));
    DoubleColumn w = Comparison.number("one weight bit, us", 2);
    DoubleColumn a = Comparison.number("one activation bit, us", 2);
    for (int i = 0; i < layers.size(); i++) {
      w.append(micros(from.get(i), target) - micros(lessW.get(i), target));
      a.append(micros(from.get(i), target) - micros(lessA.get(i), target));
    }
    return Table.create(
        model + " on " + target.name() + ": time per image saved by one bit less than " + base,
        names(layers),
        w,
        a);
  }

  /** Layer, bits, time per image, intensity and bound: {@link CostReport#bounds()} per image instead of per run. */
  static Table perImage(CostReport r) {
    StringColumn layer = StringColumn.create("layer");
    StringColumn bits = StringColumn.create("bits");
    DoubleColumn micros = Comparison.number("us per image", 2);
    DoubleColumn intensity = Comparison.number("MAC/byte", 1);
    StringColumn bound = StringColumn.create("bound");
    for (LayerCost c : r.cost().layers()) {
      layer.append(c.layer());
      bits.append(c.bits().toString());
      micros.append(micros(c, r.target()));
      intensity.append(c.intensity());
      bound.append(c.bound().name().toLowerCase(java.util.Locale.ROOT));
    }
    return Table.create(
        r.model() + " on " + r.target().name() + " (batch " + r.target().batch() + "), " + r.label()
            + ", per image",
        layer,
        bits,
        micros,
        intensity,
        bound);
  }

  private static List<LayerCost> price(
      Target target, String model, List<LayerWorkload> layers, Bits b) {
    return CostReport.price(target, model, layers, Policies.uniform(layers, b))
        .cost()
        .layers();
  }

  private static double micros(LayerCost c, Target target) {
    return 1e6 * c.cost().seconds() / target.batch();
  }

  private static StringColumn names(List<LayerWorkload> layers) {
    return StringColumn.create("layer", layers.stream().map(LayerWorkload::name).toList());
  }
}
