package bitlab.hardware;

/**
 * What one quantizable layer asks of a machine, for a single image: its shapes and the work
 * they imply. The hardware module prices these; it never sees the model graph itself.
 *
 * <p>A linear layer is described as a 1x1 convolution on a 1x1 feature map, so every cost model
 * treats both with one formula. Costs follow from the channels, kernel and input and output sizes; {@code stride} is
 * descriptive (HAQ's state reads it) and is the larger of the two when a layer's stride differs by axis.
 */
public record LayerWorkload(
    String name,
    Kind kind,
    int inChannels,
    int outChannels,
    int kernelH,
    int kernelW,
    int stride,
    int groups,
    int inH,
    int inW,
    int outH,
    int outW) {

  /** The layer families a cost model distinguishes. */
  public enum Kind {
    CONV,
    LINEAR
  }

  public LayerWorkload {
    if (name == null || name.isBlank())
      throw new IllegalArgumentException("A layer workload needs a name.");
    if (kind == null) throw new IllegalArgumentException("Layer '" + name + "' has no kind.");
    if (inChannels <= 0
        || outChannels <= 0
        || kernelH <= 0
        || kernelW <= 0
        || stride <= 0
        || groups <= 0
        || inH <= 0
        || inW <= 0
        || outH <= 0
        || outW <= 0) {
      throw new IllegalArgumentException("Layer '" + name + "' has a non-positive shape: "
          + describe(
              inChannels, outChannels, kernelH, kernelW, stride, groups, inH, inW, outH, outW));
    }
    if (inChannels % groups != 0 || outChannels % groups != 0) {
      throw new IllegalArgumentException(
          "Layer '" + name + "': " + groups + " groups do not divide " + inChannels + " input and "
              + outChannels + " output channels.");
    }
  }

  /** A fully connected layer with {@code in} inputs and {@code out} outputs. */
  public static LayerWorkload linear(String name, int in, int out) {
    return new LayerWorkload(name, Kind.LINEAR, in, out, 1, 1, 1, 1, 1, 1, 1, 1);
  }

  /** Depthwise: one filter per channel (groups equal to the channel count, more than one). */
  public boolean depthwise() {
    return kind == Kind.CONV && groups > 1 && groups == inChannels && groups == outChannels;
  }

  /** Multiply-accumulates for one image. */
  public long macs() {
    return (long) outH * outW * outChannels * (inChannels / groups) * kernelH * kernelW;
  }

  /** Weight count (biases are not counted: they stay in 32 bits and are negligible). */
  public long weights() {
    return (long) outChannels * (inChannels / groups) * kernelH * kernelW;
  }

  public long inputElements() {
    return (long) inChannels * inH * inW;
  }

  public long outputElements() {
    return (long) outChannels * outH * outW;
  }

  /** Output channels one group produces: the M of the group's matrix product. */
  public int outputChannelsPerGroup() {
    return outChannels / groups;
  }

  /** Products summed into one output: the K of the group's matrix product. */
  public int reduction() {
    return (inChannels / groups) * kernelH * kernelW;
  }

  /** Output positions per image: the N of the group's matrix product for one image. */
  public long outputPixels() {
    return (long) outH * outW;
  }

  private static String describe(int... v) {
    return String.format(
        "in=%d out=%d kernel=%dx%d stride=%d groups=%d input=%dx%d output=%dx%d",
        v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
  }
}
