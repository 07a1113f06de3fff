package bitlab.integer.kernel;

/** The plain loop: slow, obviously right, and what every faster kernel is tested against (any stride per axis). */
final class ReferenceConvKernel implements ConvKernel {
  private final ConvGeometry g;
  private final byte[] weights;
  private final boolean unsigned;
  private final int zeroPoint;

  ReferenceConvKernel(ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint) {
    this.g = g;
    this.weights = weights.clone();
    this.unsigned = inputUnsigned;
    this.zeroPoint = inputZeroPoint;
  }

  @Override
  public ConvGeometry geometry() {
    return g;
  }

  @Override
  public String name() {
    return "reference";
  }

  @Override
  public void accumulate(byte[] input, int batch, int[] acc) {
    int oh = g.outH(), ow = g.outW(), gi = g.groupIn(), go = g.outChannels() / g.groups();
    int kh = g.kernelH(), kw = g.kernelW();
    for (int n = 0; n < batch; n++) {
      int inBase = n * g.inputSize(), outBase = n * g.outputSize();
      for (int o = 0; o < g.outChannels(); o++) {
        int firstIn = (o / go) * gi;
        int wBase = o * g.fanIn();
        for (int y = 0; y < oh; y++) {
          for (int x = 0; x < ow; x++) {
            int sum = 0;
            for (int c = 0; c < gi; c++) {
              int plane = inBase + (firstIn + c) * g.inH() * g.inW();
              for (int i = 0; i < kh; i++) {
                int iy = y * g.strideH() - g.padH() + i;
                if (iy < 0 || iy >= g.inH()) continue;
                for (int j = 0; j < kw; j++) {
                  int ix = x * g.strideW() - g.padW() + j;
                  if (ix < 0 || ix >= g.inW()) continue;
                  byte b = input[plane + iy * g.inW() + ix];
                  int v = (unsigned ? b & 0xFF : b) - zeroPoint;
                  sum += v * weights[wBase + (c * kh + i) * kw + j];
                }
              }
            }
            acc[outBase + (o * oh + y) * ow + x] = sum;
          }
        }
      }
    }
  }
}
