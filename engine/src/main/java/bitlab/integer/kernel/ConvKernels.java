package bitlab.integer.kernel;

/** Where the integer executor gets its convolution kernels. */
public final class ConvKernels {
  private ConvKernels() {}

  /**
   * The plain-loop kernel.
   *
   * @param weights signed weight codes {@code [out][in/groups][kH][kW]}
   */
  public static ConvKernel reference(ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint) {
    check(g, weights, inputUnsigned, inputZeroPoint);
    return new ReferenceConvKernel(g, weights, inputUnsigned, inputZeroPoint);
  }

  /** The fastest kernel available for this layer; same accumulators as {@link #reference}. */
  public static ConvKernel best(ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint) {
    return reference(g, weights, inputUnsigned, inputZeroPoint);
  }

  static void check(ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint) {
    if (weights.length != g.weightSize()) {
      throw new IllegalArgumentException("Expected " + g.weightSize() + " weight codes for " + g + " but got " + weights.length + ".");
    }
    int lo = inputUnsigned ? 0 : -128, hi = inputUnsigned ? 255 : 127;
    if (inputZeroPoint < lo || inputZeroPoint > hi) {
      throw new IllegalArgumentException("Input zero point " + inputZeroPoint + " is outside the code range [" + lo + ", " + hi + "].");
    }
  }
}
