package bitlab.integer.kernel;

/**
 * The panel product in plain Java (4 x 2 blocks of scalar accumulators): the kernel that works
 * on every JVM, used when the Vector API is not there.
 */
final class PlainGemmKernel extends PanelConvKernel {

  PlainGemmKernel(
      ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint, int threads) {
    super(g, weights, inputUnsigned, inputZeroPoint, threads, Decoder.PLAIN);
  }

  @Override
  public String name() {
    return "plain-gemm";
  }

  @Override
  void micro(int[] a, int aOff, int[] b, int cols, int[] out, int o, int rs) {
    int kLen = k;
    for (int c = 0; c < cols; c += 2) {
      int s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (int kk = 0, ai = aOff, bi = c; kk < kLen; kk++, ai += MR, bi += NR) {
        int b0 = b[bi], b1 = b[bi + 1];
        int a0 = a[ai], a1 = a[ai + 1], a2 = a[ai + 2], a3 = a[ai + 3];
        s00 += a0 * b0;
        s01 += a0 * b1;
        s10 += a1 * b0;
        s11 += a1 * b1;
        s20 += a2 * b0;
        s21 += a2 * b1;
        s30 += a3 * b0;
        s31 += a3 * b1;
      }
      int d = o + c;
      out[d] = s00;
      out[d + 1] = s01;
      d += rs;
      out[d] = s10;
      out[d + 1] = s11;
      d += rs;
      out[d] = s20;
      out[d + 1] = s21;
      d += rs;
      out[d] = s30;
      out[d + 1] = s31;
    }
  }
}
