package bitlab.integer;

import bitlab.integer.kernel.ConvKernels;
import bitlab.integer.kernel.Parallel;
import bitlab.integer.kernel.WideRequant;
import bitlab.model.Shape;
import bitlab.quant.QuantParams;
import bitlab.quant.Rounding;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Brings one or more tensors to an output scale and joins them along channels: Concat (one dyadic
 * multiplier {@code S_i / S_out} per input) or, with one input, a standalone ReLU/ReLU6 or any
 * requantization. {@code clamp(round((q − z_i)·M_i) + z_out, lo, hi)}.
 */
public record RescaleStep(
    String node,
    String op,
    List<String> inputs,
    Shape shape,
    int[] zeroPoints,
    Dyadic[] multipliers,
    QuantParams out,
    int lo,
    int hi,
    Rounding rounding)
    implements Step {

  @Override
  public int outputBits() {
    return out.spec().bits();
  }

  @Override
  public String rescaling() {
    return Dyadic.range(multipliers);
  }

  /** One input is rescaled element by element, in whichever layout it comes; a Concat joins NCHW planes. */
  @Override
  public boolean takesNhwc() {
    return inputs.size() == 1;
  }

  /** Eight codes at a time in 64-bit lanes where the CPU has AVX-512 ({@link WideRequant}). */
  private static final boolean VECTOR = ConvKernels.vectorRequant();

  @Override
  public IntTensor run(List<IntTensor> in) {
    if (in.size() == 1) return one(in.get(0));
    int batch = in.get(0).batch();
    CodeBuffer o = new CodeBuffer(batch * (int) shape.elements(), out);
    int outPer = (int) shape.elements();
    int offset = 0;
    for (int k = 0; k < in.size(); k++) {
      IntTensor x = in.get(k);
      int per = x.size();
      for (int n = 0; n < batch; n++) {
        for (int i = 0; i < per; i++) {
          o.put(
              n * outPer + offset + i,
              Requant.code(
                  x.code(n * per + i) - zeroPoints[k],
                  multipliers[k],
                  rounding,
                  out.zeroPoint(0),
                  lo,
                  hi));
        }
      }
      offset += per;
    }
    return o.tensor(shape, batch, out);
  }

  /**
   * One tensor to the output's scale and width (the narrow view of the wide stream a layer reads, a standalone ReLU),
   * on all cores, in the input's layout.
   */
  private IntTensor one(IntTensor x) {
    short[] wideX = x.wide() ? x.wideCodes() : null;
    byte[] narrowX = x.wide() ? null : x.codes();
    int mask = !x.unsigned() ? -1 : x.wide() ? 0xFFFF : 0xFF;
    int zx = zeroPoints[0], zo = out.zeroPoint(0), mode = Requant.mode(rounding);
    Dyadic m = multipliers[0];
    boolean wideOut = IntTensor.wide(out);
    short[] wo = wideOut ? CallBuffers.shorts(x.length()) : null;
    byte[] no = wideOut ? null : CallBuffers.bytes(x.length());
    Parallel.ranges(x.length(), Requant.GRAIN, Parallel.defaultThreads(), (from, to) -> {
      int i = VECTOR
          ? WideRequant.rescale(
              wideX,
              narrowX,
              mask,
              zx,
              m.multiplier(),
              m.shift(),
              mode,
              zo,
              lo,
              hi,
              wo,
              no,
              from,
              to)
          : from;
      for (; i < to; i++) {
        long c = Requant.code(
            ((wideX != null ? wideX[i] : narrowX[i]) & mask) - zx, m, rounding, zo, lo, hi);
        if (wo != null) wo[i] = (short) c;
        else no[i] = (byte) c;
      }
    });
    return new IntTensor(shape, x.batch(), no, wo, out, x.nhwc());
  }

  @Override
  public INDArray simulate(List<INDArray> in) {
    INDArray[] parts = new INDArray[in.size()];
    for (int k = 0; k < in.size(); k++) {
      double[] x = in.get(k).dup('c').data().asDouble();
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++)
        y[i] = Requant.code(
            (long) x[i] - zeroPoints[k], multipliers[k], rounding, out.zeroPoint(0), lo, hi);
      parts[k] = Nd4j.createFromArray(y).reshape(in.get(k).shape());
    }
    return parts.length == 1 ? parts[0] : Nd4j.concat(1, parts);
  }
}
