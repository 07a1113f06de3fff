package bitlab.hardware.kind;

import bitlab.hardware.Bits;
import bitlab.hardware.LayerWorkload;
import bitlab.hardware.TensorWidths;

/**
 * DRAM bits a layer moves, shared by the accelerator kinds.
 *
 * <p>Weights move at the weight width, input activations at the activation width, and outputs
 * at the activation width as well (the next layer's width is not known when one layer is priced;
 * requantizing to the layer's own width is the usual case and keeps layers independent, which a
 * per-layer table needs), unless {@link TensorWidths} say how a quantized model stores them (its
 * placement: an 8-bit residual stream, a residual Add's second branch). With on-chip buffers: when the weights or the inputs fit, every operand
 * crosses DRAM once; otherwise one operand stays resident chunk by chunk and the other is
 * streamed again for each chunk, in whichever loop order moves fewer bits.
 */
final class Traffic {

  private Traffic() {}

  /** Bits moved with unlimited buffers (every operand once). */
  static double compulsory(LayerWorkload l, Bits b, TensorWidths t, int batch) {
    return weightBits(l, b)
        + (double) batch
            * (l.inputElements() * t.input() + l.outputElements() * t.output() + addend(t));
  }

  /** Bits moved with a weight buffer and an input buffer of the given capacities (bits). */
  static double buffered(
      LayerWorkload l,
      Bits b,
      TensorWidths t,
      int batch,
      double weightBufferBits,
      double inputBufferBits) {
    double w = weightBits(l, b);
    double in = (double) batch * l.inputElements() * t.input();
    double out = (double) batch * (l.outputElements() * t.output() + addend(t));
    if (w <= weightBufferBits || in <= inputBufferBits) return w + in + out;
    double weightsResident = w + in * Math.ceil(w / weightBufferBits);
    double inputsResident = in + w * Math.ceil(in / inputBufferBits);
    return Math.min(weightsResident, inputsResident) + out;
  }

  /** An addend is streamed in as the output is written: it travels like the output, once. */
  private static double addend(TensorWidths t) {
    return (double) t.addendElements() * t.addend();
  }

  /**
   * An operator without weights on a machine whose model has no element-wise unit (a multiply-accumulate array): its
   * tensors' DRAM traffic at {@code bitsPerSecond}, {@code pjPerBit}; its arithmetic is not modelled (zero).
   */
  static bitlab.hardware.TensorCost trafficOnly(
      int index,
      bitlab.hardware.TensorWorkload op,
      int batch,
      double bitsPerSecond,
      double pjPerBit) {
    double bits = (double) op.bits() * batch;
    double memory = bits / bitsPerSecond;
    return new bitlab.hardware.TensorCost(
        index,
        op.name(),
        op.op(),
        bits / 8,
        (double) op.operations() * batch,
        0,
        memory,
        new bitlab.hardware.Cost(memory, bits * pjPerBit * 1e-12));
  }

  static double weightBits(LayerWorkload l, Bits b) {
    return (double) l.weights() * b.weights();
  }

  /** Tiles of a Dm x Dk x Dn array that the layer's per-group matrix products occupy. */
  static double tiles(LayerWorkload l, int batch, int dm, int dk, long dn) {
    return (double) l.groups()
        * ceilDiv(l.outputChannelsPerGroup(), dm)
        * ceilDiv(l.reduction(), dk)
        * ceilDiv(batch * l.outputPixels(), dn);
  }

  static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
