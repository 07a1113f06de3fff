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
import java.util.Optional;

/**
 * BISMO, the bit-serial matrix-multiply overlay (Umuroglu, Rasnayake, Sjalander, FPL 2018).
 *
 * <p>The array is Dm x Dn dot-product units, each Dk binary lanes wide; one cycle multiplies one
 * bit plane of a Dm x Dk block of weights by one bit plane of a Dk x Dn block of activations. A
 * w-bit by a-bit product therefore takes w*a cycles per tile. A convolution runs as one matrix
 * product per group (M = output channels per group, K = input channels per group x kernel
 * area, N = batch x output pixels), each padded to whole tiles: this is what the overlay does for
 * any matrix, and it is why depthwise layers (M = 1, K = 9) use a small fraction of the array.
 *
 * <p>The fetch, execute and result stages run concurrently, so a layer takes the longer of its
 * compute time and its DRAM time. Energy: board power over the latency plus DRAM energy per bit.
 */
public record Bismo(
    int dm,
    int dk,
    int dn,
    double clockHz,
    double dramBytesPerSecond,
    double lhsBufferBits,
    double rhsBufferBits,
    int batch,
    double efficiency,
    double powerWatts,
    double dramPjPerBit)
    implements CostModel, java.io.Serializable {

  public Bismo {
    Checks.positive("dm", dm, "dk", dk, "dn", dn, "batch", batch);
    Checks.positive(
        "clockHz",
        clockHz,
        "dramBytesPerSecond",
        dramBytesPerSecond,
        "lhsBufferBits",
        lhsBufferBits,
        "rhsBufferBits",
        rhsBufferBits,
        "efficiency",
        efficiency);
    Checks.nonNegative("powerWatts", powerWatts, "dramPjPerBit", dramPjPerBit);
    if (efficiency > 1)
      throw new TargetParameterException("BISMO efficiency " + efficiency + " is above 1.");
  }

  @Override
  public String kind() {
    return "bismo";
  }

  /** Peak binary operations per second (2 per binary multiply-accumulate), as the paper counts them. */
  public double peakBinaryOpsPerSecond() {
    return 2.0 * dm * dk * dn * clockHz;
  }

  @Override
  public Optional<Roof> roof(Bits b) {
    return Optional.of(new Roof(
        (double) dm * dk * dn * clockHz * efficiency / (b.weights() * b.activations()),
        dramBytesPerSecond));
  }

  /**
   * Its DRAM traffic, with board power over that time: the overlay has no element-wise unit, so the arithmetic (an
   * addition, a pooling, a look-up) is not modelled.
   */
  @Override
  public Optional<TensorCost> price(int index, TensorWorkload op) {
    TensorCost t = Traffic.trafficOnly(index, op, batch, dramBytesPerSecond * 8, dramPjPerBit);
    Cost c =
        new Cost(t.cost().seconds(), t.cost().joules() + powerWatts * t.cost().seconds());
    return Optional.of(new TensorCost(
        index, op.name(), op.op(), t.dramBytes(), t.operations(), 0, t.memorySeconds(), c));
  }

  @Override
  public LayerCost price(int index, LayerWorkload l, Bits b) {
    return price(index, l, b, TensorWidths.of(b));
  }

  @Override
  public LayerCost price(int index, LayerWorkload l, Bits b, TensorWidths t) {
    double macs = (double) l.macs() * batch;
    double cycles = Traffic.tiles(l, batch, dm, dk, dn) * b.weights() * b.activations();
    double compute = cycles / (clockHz * efficiency);
    double bits = Traffic.buffered(l, b, t, batch, lhsBufferBits, rhsBufferBits);
    double memory = bits / 8 / dramBytesPerSecond;
    double seconds = Math.max(compute, memory);
    double joules = powerWatts * seconds + bits * dramPjPerBit * 1e-12;
    return new LayerCost(
        index, l.name(), b, macs, bits / 8, compute, memory, new Cost(seconds, joules));
  }
}
