package bitlab.integer;

import bitlab.integer.kernel.ConvGeometry;
import bitlab.model.Op;
import bitlab.model.Shape;

/**
 * The geometry the integer executor runs a convolution with, dilated ones included: a kernel of {@code k} taps
 * {@code d} apart is the dense kernel of {@code d(k-1)+1} taps whose other entries are zero, so a dilated layer runs
 * on the executor's ordinary kernels with zero codes inserted between its taps. The output is the same integer for
 * integer (the inserted products are zero); the cost is the extra multiply-accumulates on those zeros ({@code d²}
 * times fewer useful ones for a large kernel, 2.8x more work for a 3x3 kernel at dilation 2), which is also what
 * {@link MeasuredTarget} times for such a layer.
 */
final class DilatedKernel {
  private DilatedKernel() {}

  /** The geometry of {@code c} reading a {@code in} feature map, its kernel dilated out. */
  static ConvGeometry geometry(Op.Conv2d c, Shape in) {
    return new ConvGeometry(
        c.in(),
        c.out(),
        span(c.kernelH(), c.dilationH()),
        span(c.kernelW(), c.dilationW()),
        c.strideH(),
        c.strideW(),
        c.padH(),
        c.padW(),
        c.groups(),
        in.height(),
        in.width());
  }

  /**
   * Weight codes {@code [out][in/groups][kH][kW]} spread over the dense kernel of {@link #geometry}, zeros between
   * the taps; the codes themselves when {@code c} is not dilated.
   */
  static byte[] codes(Op.Conv2d c, byte[] codes) {
    if (!c.dilated()) return codes;
    int kh = c.kernelH(), kw = c.kernelW(), dh = c.dilationH(), dw = c.dilationW();
    int sh = span(kh, dh), sw = span(kw, dw);
    int filters = codes.length / (kh * kw);
    byte[] out = new byte[filters * sh * sw];
    for (int f = 0; f < filters; f++) {
      for (int i = 0; i < kh; i++) {
        for (int j = 0; j < kw; j++)
          out[(f * sh + i * dh) * sw + j * dw] = codes[(f * kh + i) * kw + j];
      }
    }
    return out;
  }

  private static int span(int k, int d) {
    return d * (k - 1) + 1;
  }
}
