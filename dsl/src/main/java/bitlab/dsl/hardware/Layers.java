package bitlab.dsl.hardware;

import bitlab.BitlabException;
import bitlab.hardware.LayerWorkload;

/**
 * Single layers described by hand, for pricing without a model: a convolution or depthwise
 * convolution on a square feature map with "same" padding (the output is the input size divided by
 * the stride, rounded up), or a linear layer. What a target sees of any layer is exactly this.
 */
public final class Layers {
  private Layers() {}

  /** A KxK convolution from {@code in} to {@code out} channels on an {@code inputSize} x {@code inputSize} map. */
  public static LayerWorkload conv(
      String name, int in, int out, int kernel, int stride, int inputSize) {
    check(name, in, out, kernel, stride, inputSize);
    int outSize = (inputSize + stride - 1) / stride;
    return new LayerWorkload(
        name,
        LayerWorkload.Kind.CONV,
        in,
        out,
        kernel,
        kernel,
        stride,
        1,
        inputSize,
        inputSize,
        outSize,
        outSize);
  }

  /** A KxK depthwise convolution: one filter per channel. */
  public static LayerWorkload depthwise(
      String name, int channels, int kernel, int stride, int inputSize) {
    check(name, channels, channels, kernel, stride, inputSize);
    if (channels < 2)
      throw new BitlabException("A depthwise layer needs at least 2 channels, got " + channels
          + "; use convLayer(...) for one.");
    int outSize = (inputSize + stride - 1) / stride;
    return new LayerWorkload(
        name,
        LayerWorkload.Kind.CONV,
        channels,
        channels,
        kernel,
        kernel,
        stride,
        channels,
        inputSize,
        inputSize,
        outSize,
        outSize);
  }

  /** A fully connected layer. */
  public static LayerWorkload linear(String name, int in, int out) {
    if (name == null || name.isBlank())
      throw new BitlabException("Give the layer a name, e.g. linearLayer(\"fc\", 1024, 10).");
    if (in < 1 || out < 1)
      throw new BitlabException(
          "Linear layer '" + name + "' needs positive sizes, got " + in + " -> " + out + ".");
    return LayerWorkload.linear(name, in, out);
  }

  private static void check(String name, int in, int out, int kernel, int stride, int size) {
    if (name == null || name.isBlank())
      throw new BitlabException("Give the layer a name, e.g. convLayer(\"pw\", 64, 64, 1, 1, 14).");
    if (in < 1 || out < 1 || kernel < 1 || stride < 1 || size < 1) {
      throw new BitlabException("Layer '" + name
          + "' needs positive channels, kernel, stride and input size, got in=" + in + " out=" + out
          + " kernel=" + kernel + " stride=" + stride + " input=" + size + ".");
    }
    if (kernel > size) {
      throw new BitlabException(
          "Layer '" + name + "': a " + kernel + "x" + kernel + " kernel does not fit a " + size
              + "x" + size + " input; use a smaller kernel or a larger input.");
    }
  }
}
