package bitlab.hardware.kind;

import bitlab.hardware.Bits;
import bitlab.hardware.Cost;
import bitlab.hardware.CostModel;
import bitlab.hardware.LayerCost;
import bitlab.hardware.LayerWorkload;
import bitlab.hardware.Roof;
import bitlab.hardware.TargetParameterException;
import bitlab.hardware.TensorCost;
import bitlab.hardware.TensorWidths;
import bitlab.hardware.TensorWorkload;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A roofline machine (Williams, Waterman, Patterson, CACM 2009): a peak multiply-accumulate rate
 * per arithmetic tier and one memory bandwidth. A (w, a) pair runs on the narrowest tier at least
 * as wide as both operands (a CPU without sub-byte instructions runs 4-bit work on its 8-bit
 * units); a layer takes the longer of MACs / (peak x efficiency) and compulsory bytes / bandwidth.
 * Energy: active power over the latency plus DRAM energy per bit.
 *
 * <p>{@code peakMacsPerSecond} maps a tier width to its rate; the widest tier must cover 32 bits.
 */
public record Roofline(
    Map<Integer, Double> peakMacsPerSecond,
    double bytesPerSecond,
    int batch,
    double efficiency,
    double powerWatts,
    double dramPjPerBit)
    implements CostModel, java.io.Serializable {

  public Roofline {
    peakMacsPerSecond = Map.copyOf(new TreeMap<>(peakMacsPerSecond));
    if (peakMacsPerSecond.keySet().stream().noneMatch(k -> k >= 32)) {
      throw new TargetParameterException(
          "A roofline needs a peak rate for a tier of 32 bits or more.");
    }
    peakMacsPerSecond.forEach((k, v) -> Checks.positive("peakMacs" + k, v));
    Checks.positive("bytesPerSecond", bytesPerSecond, "batch", batch, "efficiency", efficiency);
    Checks.nonNegative("powerWatts", powerWatts, "dramPjPerBit", dramPjPerBit);
  }

  @Override
  public String kind() {
    return "roofline";
  }

  /** The peak rate the pair runs at: the narrowest tier covering both widths. */
  public double peak(Bits b) {
    return peak(Math.max(b.weights(), b.activations()));
  }

  /** The peak rate of the narrowest tier at least {@code need} bits wide (the widest tier beyond them all). */
  private double peak(int need) {
    int best = Integer.MAX_VALUE;
    for (int tier : peakMacsPerSecond.keySet()) {
      if (tier >= need && tier < best) best = tier;
    }
    if (best == Integer.MAX_VALUE) best = java.util.Collections.max(peakMacsPerSecond.keySet());
    return peakMacsPerSecond.get(best);
  }

  /** Arithmetic intensity at which this pair's roof turns from memory to compute (MACs per byte). */
  public double ridge(Bits b) {
    return peak(b) * efficiency / bytesPerSecond;
  }

  @Override
  public Optional<Roof> roof(Bits b) {
    return Optional.of(new Roof(peak(b) * efficiency, bytesPerSecond));
  }

  /**
   * An operator without weights: one element-wise operation at the tier of its widest tensor counts as one
   * multiply-accumulate, against its tensors' traffic; the longer of the two, as for a layer.
   */
  @Override
  public Optional<TensorCost> price(int index, TensorWorkload op) {
    double ops = (double) op.operations() * batch;
    double compute = ops / (peak(op.widestBits()) * efficiency);
    double bits = (double) op.bits() * batch;
    double memory = bits / 8 / bytesPerSecond;
    double seconds = Math.max(compute, memory);
    double joules = powerWatts * seconds + bits * dramPjPerBit * 1e-12;
    return Optional.of(new TensorCost(
        index, op.name(), op.op(), bits / 8, ops, compute, memory, new Cost(seconds, joules)));
  }

  @Override
  public LayerCost price(int index, LayerWorkload l, Bits b) {
    return price(index, l, b, TensorWidths.of(b));
  }

  @Override
  public LayerCost price(int index, LayerWorkload l, Bits b, TensorWidths t) {
    double macs = (double) l.macs() * batch;
    double compute = macs / (peak(b) * efficiency);
    double bits = Traffic.compulsory(l, b, t, batch);
    double memory = bits / 8 / bytesPerSecond;
    double seconds = Math.max(compute, memory);
    double joules = powerWatts * seconds + bits * dramPjPerBit * 1e-12;
    return new LayerCost(
        index, l.name(), b, macs, bits / 8, compute, memory, new Cost(seconds, joules));
  }
}
