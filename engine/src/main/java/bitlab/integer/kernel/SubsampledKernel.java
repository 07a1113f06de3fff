package bitlab.integer.kernel;

/**
 * A convolution whose stride differs by axis ({@code sH x sW}, e.g. 2x1), run exactly on the ordinary kernels: the
 * layer runs at the stride {@code s = gcd(sH, sW)} along both axes, and every {@code sH/s}-th row and {@code sW/s}-th
 * column of its accumulators is kept. Output {@code (y, x)} of the strided layer reads the window at
 * {@code (y·sH, x·sW)}, which is output {@code (y·sH/s, x·sW/s)} of the layer at stride {@code s}, so the sums are the
 * same integers. The cost is the rows and columns computed and dropped: {@code sH·sW/s²} times the useful
 * multiply-accumulates (2x for a 2x1 stride).
 */
final class SubsampledKernel implements ConvKernel {
  private final ConvGeometry g;
  private final ConvKernel inner;
  private final int rowStep;
  private final int columnStep;

  private SubsampledKernel(ConvGeometry g, ConvKernel inner) {
    this.g = g;
    this.inner = inner;
    int s = inner.geometry().stride();
    this.rowStep = g.strideH() / s;
    this.columnStep = g.strideW() / s;
  }

  /** {@link ConvKernels#best} for the layer at the common stride, its sums subsampled to {@code g}'s strides. */
  static ConvKernel of(
      ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint, int threads) {
    ConvGeometry common = g.withStride(gcd(g.strideH(), g.strideW()));
    return new SubsampledKernel(
        g, ConvKernels.best(common, weights, inputUnsigned, inputZeroPoint, threads));
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /** The kernel that runs the layer at the common stride. */
  ConvKernel inner() {
    return inner;
  }

  @Override
  public ConvGeometry geometry() {
    return g;
  }

  @Override
  public void accumulate(byte[] input, int batch, int[] acc) {
    ConvGeometry c = inner.geometry();
    int[] full = new int[batch * c.outputSize()];
    inner.accumulate(input, batch, full);
    int ih = c.outH(), iw = c.outW(), oh = g.outH(), ow = g.outW();
    for (int plane = 0; plane < batch * g.outChannels(); plane++) {
      for (int y = 0; y < oh; y++) {
        int from = (plane * ih + y * rowStep) * iw, to = (plane * oh + y) * ow;
        for (int x = 0; x < ow; x++) acc[to + x] = full[from + x * columnStep];
      }
    }
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public String detail(int batch) {
    return "strides " + g.strideH() + "x" + g.strideW() + " run at stride "
        + inner.geometry().stride() + ", keeping " + every(rowStep, "row") + " and "
        + every(columnStep, "column");
  }

  private static String every(int n, String what) {
    return n == 1 ? "every " + what : "1 " + what + " in " + n;
  }

  @Override
  public boolean settled(int batch) {
    return inner.settled(batch);
  }
}
