package bitlab.hardware.kind;

import bitlab.hardware.Bits;
import bitlab.hardware.Cost;
import bitlab.hardware.CostModel;
import bitlab.hardware.LayerCost;
import bitlab.hardware.LayerWorkload;
import bitlab.hardware.Roof;
import bitlab.hardware.TensorCost;
import bitlab.hardware.TensorWidths;
import bitlab.hardware.TensorWorkload;
import java.util.Optional;

/**
 * BitFusion (Sharma et al., ISCA 2018): a systolic array of fusion units, each made of sixteen
 * 2-bit bit-bricks that fuse into one 8x8 multiplier or split into several narrower ones.
 *
 * <p>Per cycle a unit does {@code floor(8/max(a,2)) * floor(8/max(w,2))} products at widths up to
 * 8 (2-bit granularity: 3 bits cost what 4 bits cost, 1 bit what 2 bits cost); wider operands
 * (16, 32) are fused over time, 8/bits per operand. The extra products a unit gains from narrow
 * widths widen the array along the reduction (K) dimension: rows x speed-up lanes of K, columns
 * of output channels, one output position per cycle. Each group of a convolution is its own
 * matrix product padded to whole tiles, so depthwise layers use one column and few rows.
 *
 * <p>DRAM traffic with the input/weight buffers as in {@link Traffic}; compute and DRAM overlap.
 * Energy: a fused 8x8 multiply-accumulate scales with the bit-bricks it uses
 * ({@code ceil(w/2)*ceil(a/2)} of 16), plus DRAM energy per bit.
 */
public record BitFusion(
    int rows,
    int columns,
    double clockHz,
    double dramBitsPerCycle,
    double inputBufferBits,
    double weightBufferBits,
    double outputBufferBits,
    int batch,
    double mac8x8Pj,
    double dramPjPerBit)
    implements CostModel, java.io.Serializable {

  public BitFusion {
    Checks.positive("rows", rows, "columns", columns, "batch", batch);
    Checks.positive(
        "clockHz",
        clockHz,
        "dramBitsPerCycle",
        dramBitsPerCycle,
        "inputBufferBits",
        inputBufferBits,
        "weightBufferBits",
        weightBufferBits,
        "outputBufferBits",
        outputBufferBits);
    Checks.nonNegative("mac8x8Pj", mac8x8Pj, "dramPjPerBit", dramPjPerBit);
  }

  @Override
  public String kind() {
    return "bitfusion";
  }

  /** Products one fusion unit does per cycle at these widths, relative to one 8x8 product. */
  public static double speedup(Bits b) {
    return lanes(b.weights()) * lanes(b.activations());
  }

  private static double lanes(int bits) {
    return bits <= 8 ? Math.floorDiv(8, Math.max(bits, 2)) : 8.0 / bits;
  }

  @Override
  public Optional<Roof> roof(Bits b) {
    return Optional.of(
        new Roof(rows * columns * speedup(b) * clockHz, dramBitsPerCycle * clockHz / 8));
  }

  /** Its DRAM traffic: the fused-brick array has no element-wise unit, so the arithmetic is not modelled. */
  @Override
  public Optional<TensorCost> price(int index, TensorWorkload op) {
    return Optional.of(
        Traffic.trafficOnly(index, op, batch, dramBitsPerCycle * clockHz, dramPjPerBit));
  }

  @Override
  public LayerCost price(int index, LayerWorkload l, Bits b) {
    return price(index, l, b, TensorWidths.of(b));
  }

  @Override
  public LayerCost price(int index, LayerWorkload l, Bits b, TensorWidths t) {
    double s = speedup(b);
    double computeCycles;
    if (s >= 1) {
      computeCycles = Traffic.tiles(l, batch, columns, (int) Math.round(rows * s), 1);
    } else {
      computeCycles = Traffic.tiles(l, batch, columns, rows, 1) / s;
    }
    double compute = computeCycles / clockHz;
    double bits = Traffic.buffered(l, b, t, batch, weightBufferBits, inputBufferBits);
    double memory = bits / dramBitsPerCycle / clockHz;
    double seconds = Math.max(compute, memory);
    double bricks = Math.ceil(b.weights() / 2.0) * Math.ceil(b.activations() / 2.0);
    double macs = (double) l.macs() * batch;
    double joules = (macs * mac8x8Pj * bricks / 16 + bits * dramPjPerBit) * 1e-12;
    return new LayerCost(
        index, l.name(), b, macs, bits / 8, compute, memory, new Cost(seconds, joules));
  }
}
