package bitlab.hardware.kind;

import bitlab.hardware.Bits;
import bitlab.hardware.Cost;
import bitlab.hardware.CostModel;
import bitlab.hardware.LayerCost;
import bitlab.hardware.LayerWorkload;
import bitlab.hardware.LutTableException;
import bitlab.hardware.Roof;
import bitlab.hardware.TensorCost;
import bitlab.hardware.TensorWorkload;
import java.util.List;
import java.util.Optional;

/**
 * A target known only by measurement: a {@link LutTable} of per-layer, per-pair costs, scaled to
 * seconds and joules. A table says nothing about why a layer costs what it does, so its layers
 * are neither compute- nor memory-bound but {@link bitlab.hardware.Bound#UNKNOWN}. A table
 * without an energy column prices energy as zero. The operators without weights are priced from a second table of
 * the same model's measured operators ({@link LutOperators}) when the target has one, and not at all otherwise.
 *
 * @param operators the measured operators without weights, or null when the target has none
 */
public record Lut(
    LutTable table, double secondsPerUnit, double joulesPerUnit, int batch, LutOperators operators)
    implements CostModel, java.io.Serializable {

  public Lut {
    Checks.positive("secondsPerUnit", secondsPerUnit, "batch", batch);
    Checks.nonNegative("joulesPerUnit", joulesPerUnit);
  }

  /** A table of layers only: the operators without weights are not priced. */
  public Lut(LutTable table, double secondsPerUnit, double joulesPerUnit, int batch) {
    this(table, secondsPerUnit, joulesPerUnit, batch, null);
  }

  /** The operator's measured time from the operator table; empty when the target has none. */
  @Override
  public Optional<TensorCost> price(int index, TensorWorkload op) {
    if (operators == null) return Optional.empty();
    double[] r = operators.of(op.name());
    double joules = operators.hasEnergy() ? r[1] * joulesPerUnit : 0;
    return Optional.of(new TensorCost(
        index,
        op.name(),
        op.op(),
        (double) op.bits() * batch / 8,
        (double) op.operations() * batch,
        Double.NaN,
        Double.NaN,
        new Cost(r[0] * secondsPerUnit, joules)));
  }

  @Override
  public String kind() {
    return "lut";
  }

  @Override
  public void checkLayers(List<LayerWorkload> layers) {
    if (layers.size() != table.layers()) {
      throw new LutTableException(
          "Lookup table " + table.source() + " has " + table.layers() + " layers but the model has "
              + layers.size() + "; a table prices only the model it was measured on.");
    }
  }

  @Override
  public Optional<Roof> roof(Bits b) {
    return Optional.empty();
  }

  @Override
  public LayerCost price(int index, LayerWorkload layer, Bits bits) {
    if (index < 0 || index >= table.layers()) {
      throw new LutTableException("Lookup table " + table.source() + " has layers 0.."
          + (table.layers() - 1) + " and no layer " + index + " ('" + layer.name() + "').");
    }
    double units = table.latency(index, bits);
    if (Double.isNaN(units)) {
      throw new LutTableException(
          "Lookup table " + table.source() + " lacks layer " + index + " ('" + layer.name()
              + "') at " + bits + "; it covers widths 1..8 and only the wider pairs it lists.");
    }
    double joules = table.hasEnergy() ? table.energy(index, bits) * joulesPerUnit : 0;
    return LayerCost.measured(
        index,
        layer.name(),
        bits,
        (double) layer.macs() * batch,
        new Cost(units * secondsPerUnit, joules));
  }
}
