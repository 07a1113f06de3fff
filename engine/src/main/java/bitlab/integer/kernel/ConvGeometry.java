package bitlab.integer.kernel;

/**
 * The geometry of a 2-D convolution over NCHW integer tensors, one image's worth. A linear layer is
 * a 1x1 convolution over a 1x1 map ({@link #linear}); depthwise is {@code groups == in == out}.
 * Padding is symmetric, as in the graph IR. The stride may differ by axis: oneDNN and the reference loop read both;
 * the Java kernels run one stride ({@link #stride}), and {@link ConvKernels} runs a layer whose strides differ on them
 * at a stride that divides both ({@link SubsampledKernel}).
 */
public record ConvGeometry(
    int inChannels,
    int outChannels,
    int kernelH,
    int kernelW,
    int strideH,
    int strideW,
    int padH,
    int padW,
    int groups,
    int inH,
    int inW) {

  public ConvGeometry {
    if (inChannels <= 0
        || outChannels <= 0
        || kernelH <= 0
        || kernelW <= 0
        || strideH <= 0
        || strideW <= 0
        || padH < 0
        || padW < 0
        || groups <= 0
        || inH <= 0
        || inW <= 0
        || inChannels % groups != 0
        || outChannels % groups != 0) {
      throw new IllegalArgumentException(
          "Invalid convolution geometry: channels " + inChannels + "->" + outChannels + ", kernel "
              + kernelH + "x" + kernelW + ", stride " + strideH + "x" + strideW + ", padding "
              + padH + "x" + padW
              + ", groups " + groups + ", input " + inH + "x" + inW + ".");
    }
    // fields are not assigned yet inside a compact constructor: compute from the parameters
    if (inH + 2 * padH < kernelH || inW + 2 * padW < kernelW) {
      throw new IllegalArgumentException("A " + kernelH + "x" + kernelW + " kernel does not fit a "
          + inH + "x" + inW + " input with padding " + padH + "x" + padW + ".");
    }
  }

  /** One stride for both axes. */
  public ConvGeometry(
      int inChannels,
      int outChannels,
      int kernelH,
      int kernelW,
      int stride,
      int padH,
      int padW,
      int groups,
      int inH,
      int inW) {
    this(inChannels, outChannels, kernelH, kernelW, stride, stride, padH, padW, groups, inH, inW);
  }

  public static ConvGeometry linear(int in, int out) {
    return new ConvGeometry(in, out, 1, 1, 1, 0, 0, 1, 1, 1);
  }

  /** Whether the stride is the same along both axes (what every kernel runs). */
  public boolean squareStride() {
    return strideH == strideW;
  }

  /** The stride of a {@link #squareStride} geometry. */
  public int stride() {
    if (!squareStride())
      throw new IllegalStateException("This geometry has strides " + strideH + "x" + strideW
          + "; the Java kernels run one stride (see SubsampledKernel).");
    return strideH;
  }

  /** The same geometry at stride {@code s} along both axes. */
  public ConvGeometry withStride(int s) {
    return new ConvGeometry(
        inChannels, outChannels, kernelH, kernelW, s, s, padH, padW, groups, inH, inW);
  }

  public int outH() {
    return (inH + 2 * padH - kernelH) / strideH + 1;
  }

  public int outW() {
    return (inW + 2 * padW - kernelW) / strideW + 1;
  }

  public boolean depthwise() {
    return groups > 1 && groups == inChannels && groups == outChannels;
  }

  /** Input channels seen by one output channel. */
  public int groupIn() {
    return inChannels / groups;
  }

  /** Products summed into one accumulator: what bounds int32 overflow. */
  public int fanIn() {
    return groupIn() * kernelH * kernelW;
  }

  public int inputSize() {
    return inChannels * inH * inW;
  }

  public int outputSize() {
    return outChannels * outH() * outW();
  }

  /** Weight codes, {@code [out][in/groups][kH][kW]}. */
  public int weightSize() {
    return outChannels * fanIn();
  }

  /** Multiply-accumulates per image. */
  public long macs() {
    return (long) outputSize() * fanIn();
  }
}
