package bitlab.model;

import java.util.List;

/**
 * The operators of bitlab's graph IR. Each is a small immutable record of hyper-parameters;
 * the arrays (weights, statistics) live in the {@link Model}'s parameter map under
 * {@code <node>.<param>} names that follow PyTorch's (weight, bias, running_mean, running_var).
 */
public sealed interface Op {

  /** Short operator name shown in tables and error messages. */
  String type();

  /** The output shape for these input shapes; throws {@link ModelException} naming the node if they do not fit. */
  Shape infer(String node, List<Shape> in);

  /** The parameters this operator owns, with their shapes (PyTorch layouts). */
  default List<Param> params() {
    return List.of();
  }

  /** A parameter name and shape, e.g. {@code weight [16, 1, 3, 3]}. */
  record Param(String name, long... shape) {}

  /** The graph's single input. */
  record Input(Shape shape) implements Op {
    public String type() {
      return "Input";
    }

    public Shape infer(String node, List<Shape> in) {
      return shape;
    }
  }

  /**
   * 2-D convolution, NCHW, symmetric padding; {@code groups == in == out} is depthwise. The stride may differ by axis
   * ({@code strideH} down the rows, {@code strideW} across the columns). A dilation {@code d} spaces the kernel's taps
   * {@code d} cells apart (1: adjacent).
   */
  record Conv2d(
      int in,
      int out,
      int kernelH,
      int kernelW,
      int strideH,
      int strideW,
      int padH,
      int padW,
      int groups,
      boolean bias,
      int dilationH,
      int dilationW)
      implements Op {
    public Conv2d {
      if (in <= 0
          || out <= 0
          || kernelH <= 0
          || kernelW <= 0
          || strideH <= 0
          || strideW <= 0
          || padH < 0
          || padW < 0
          || groups <= 0
          || dilationH <= 0
          || dilationW <= 0) {
        throw new ModelException(
            "Conv2d needs positive channels, kernel, stride, groups and dilation and non-negative padding.");
      }
      if (in % groups != 0 || out % groups != 0) {
        throw new ModelException("Conv2d groups (" + groups + ") must divide both channel counts ("
            + in + ", " + out + ").");
      }
    }
    /** One stride for both axes, with dilation. */
    public Conv2d(
        int in,
        int out,
        int kernelH,
        int kernelW,
        int stride,
        int padH,
        int padW,
        int groups,
        boolean bias,
        int dilationH,
        int dilationW) {
      this(
          in, out, kernelH, kernelW, stride, stride, padH, padW, groups, bias, dilationH,
          dilationW);
    }
    /** One stride for both axes, without dilation. */
    public Conv2d(
        int in,
        int out,
        int kernelH,
        int kernelW,
        int stride,
        int padH,
        int padW,
        int groups,
        boolean bias) {
      this(in, out, kernelH, kernelW, stride, stride, padH, padW, groups, bias, 1, 1);
    }

    /** Whether the stride is the same along both axes. */
    public boolean squareStride() {
      return strideH == strideW;
    }

    /**
     * The stride of a {@link #squareStride} convolution; code that handles a stride per axis reads {@link #strideH}
     * and {@link #strideW}.
     */
    public int stride() {
      if (!squareStride())
        throw new IllegalStateException(
            "Conv2d has strides " + strideH + "x" + strideW + "; read strideH() and strideW().");
      return strideH;
    }

    public String type() {
      return depthwise() ? "DepthwiseConv" : "Conv";
    }

    public boolean depthwise() {
      return groups > 1 && groups == in && groups == out;
    }

    public boolean dilated() {
      return dilationH != 1 || dilationW != 1;
    }
    /** The same convolution with or without a bias. */
    public Conv2d withBias(boolean b) {
      return new Conv2d(
          in, out, kernelH, kernelW, strideH, strideW, padH, padW, groups, b, dilationH, dilationW);
    }

    public Shape infer(String node, List<Shape> s) {
      Shape x = one(node, this, s);
      if (!x.isImage() || x.channels() != in) {
        throw new ModelException("Node '" + node + "' (" + type() + ") expects " + in
            + " input channels but gets " + x + ".");
      }
      int h = Math.floorDiv(x.height() + 2 * padH - dilationH * (kernelH - 1) - 1, strideH) + 1;
      int w = Math.floorDiv(x.width() + 2 * padW - dilationW * (kernelW - 1) - 1, strideW) + 1;
      if (h <= 0 || w <= 0) {
        throw new ModelException("Node '" + node + "' (" + type() + "): a " + kernelH + "x"
            + kernelW + " kernel does not fit the " + x + " input.");
      }
      return Shape.image(out, h, w);
    }

    public List<Param> params() {
      Param w = new Param("weight", out, in / groups, kernelH, kernelW);
      return bias ? List.of(w, new Param("bias", out)) : List.of(w);
    }
  }

  /** Fully connected: {@code y = x W^T + b}, weight {@code [out, in]}. */
  record Linear(int in, int out, boolean bias) implements Op {
    public Linear {
      if (in <= 0 || out <= 0)
        throw new ModelException("Linear needs positive sizes, got " + in + " -> " + out + ".");
    }

    public String type() {
      return "Linear";
    }

    public Shape infer(String node, List<Shape> s) {
      Shape x = one(node, this, s);
      if (x.isImage() || x.channels() != in) {
        throw new ModelException(
            "Node '" + node + "' (Linear) expects a vector of " + in + " features but gets " + x
                + (x.isImage() ? "; add a Flatten or GlobalAvgPool before it." : "."));
      }
      return Shape.vector(out);
    }

    public List<Param> params() {
      Param w = new Param("weight", out, in);
      return bias ? List.of(w, new Param("bias", out)) : List.of(w);
    }
  }

  /** Batch normalisation over channels; {@code momentum} as in PyTorch (weight of the new batch). */
  record BatchNorm(int channels, double epsilon, double momentum) implements Op {
    public String type() {
      return "BatchNorm";
    }

    public Shape infer(String node, List<Shape> s) {
      Shape x = one(node, this, s);
      if (x.channels() != channels) {
        throw new ModelException("Node '" + node + "' (BatchNorm) has " + channels
            + " channels but its input is " + x + ".");
      }
      return x;
    }

    public List<Param> params() {
      return List.of(
          new Param("weight", channels),
          new Param("bias", channels),
          new Param("running_mean", channels),
          new Param("running_var", channels));
    }

    /**
     * Folds this normalization (inference form) into the layer before it: scales {@code weight}'s rows
     * (one per output channel) in place by {@code gamma/sqrt(var+eps)} and returns the folded bias
     * {@code (bias-mean)·gamma/sqrt(var+eps)+beta}. The one definition of the fold, shared by the graph pass and
     * the float engine's fused inference.
     */
    public double[] fold(
        double[] weight,
        double[] bias,
        double[] gamma,
        double[] beta,
        double[] mean,
        double[] var) {
      int per = weight.length / gamma.length;
      double[] folded = new double[gamma.length];
      for (int o = 0; o < gamma.length; o++) {
        double scale = gamma[o] / Math.sqrt(var[o] + epsilon);
        for (int i = 0; i < per; i++) weight[o * per + i] *= scale;
        folded[o] = (bias[o] - mean[o]) * scale + beta[o];
      }
      return folded;
    }
  }

  record Relu() implements Op {
    public String type() {
      return "ReLU";
    }

    public Shape infer(String node, List<Shape> s) {
      return one(node, this, s);
    }
  }

  record Relu6() implements Op {
    public String type() {
      return "ReLU6";
    }

    public Shape infer(String node, List<Shape> s) {
      return one(node, this, s);
    }
  }

  /**
   * An element-wise function without parameters, smooth almost everywhere: its value, first and second
   * derivatives define the float engine's forward, backward and Hessian-vector passes (see {@link Pointwise}).
   */
  sealed interface Pointwise extends Op permits Sigmoid, HardSigmoid, HardSwish, Silu, Clip {
    double value(double x);

    double slope(double x);

    /** The second derivative (zero where the function is piecewise linear). */
    double curvature(double x);

    /** Whether every output is at least zero (an unsigned activation grid fits it). */
    boolean nonNegative();

    default Shape infer(String node, List<Shape> s) {
      return one(node, this, s);
    }
  }

  /** The logistic function {@code 1 / (1 + e^-x)}. */
  record Sigmoid() implements Pointwise {
    public String type() {
      return "Sigmoid";
    }

    public double value(double x) {
      return 1 / (1 + Math.exp(-x));
    }

    public double slope(double x) {
      double s = value(x);
      return s * (1 - s);
    }

    public double curvature(double x) {
      double s = value(x);
      return s * (1 - s) * (1 - 2 * s);
    }

    public boolean nonNegative() {
      return true;
    }
  }

  /** {@code max(0, min(1, alpha x + beta))}; PyTorch's {@code hardsigmoid} is alpha 1/6, beta 1/2, ONNX's default 0.2, 0.5. */
  record HardSigmoid(double alpha, double beta) implements Pointwise {
    public HardSigmoid {
      if (!(alpha > 0) || !Double.isFinite(beta))
        throw new ModelException("HardSigmoid needs a positive alpha and a finite beta, got "
            + alpha + ", " + beta + ".");
    }

    public String type() {
      return "HardSigmoid";
    }

    public double value(double x) {
      return Math.max(0, Math.min(1, alpha * x + beta));
    }

    public double slope(double x) {
      double t = alpha * x + beta;
      return t > 0 && t < 1 ? alpha : 0;
    }

    public double curvature(double x) {
      return 0;
    }

    public boolean nonNegative() {
      return true;
    }
  }

  /** {@code x · relu6(x + 3) / 6} (MobileNet v3). */
  record HardSwish() implements Pointwise {
    public String type() {
      return "HardSwish";
    }

    public double value(double x) {
      return x * Math.max(0, Math.min(6, x + 3)) / 6;
    }

    public double slope(double x) {
      return x <= -3 ? 0 : x >= 3 ? 1 : (2 * x + 3) / 6;
    }

    public double curvature(double x) {
      return x > -3 && x < 3 ? 1.0 / 3 : 0;
    }

    public boolean nonNegative() {
      return false;
    }
  }

  /** SiLU (swish), {@code x · sigmoid(x)} (EfficientNet). */
  record Silu() implements Pointwise {
    public String type() {
      return "SiLU";
    }

    public double value(double x) {
      return x / (1 + Math.exp(-x));
    }

    public double slope(double x) {
      double s = 1 / (1 + Math.exp(-x));
      return s * (1 + x * (1 - s));
    }

    public double curvature(double x) {
      double s = 1 / (1 + Math.exp(-x));
      return s * (1 - s) * (2 + x * (1 - 2 * s));
    }

    public boolean nonNegative() {
      return false;
    }
  }

  /** {@code min(max(x, min), max)} with bounds other than ReLU's and ReLU6's (those have their own operators). */
  record Clip(double min, double max) implements Pointwise {
    public Clip {
      if (!(min < max))
        throw new ModelException("Clip needs min < max, got [" + min + ", " + max + "].");
    }

    public String type() {
      return "Clip";
    }

    public double value(double x) {
      return Math.max(min, Math.min(max, x));
    }

    public double slope(double x) {
      return x > min && x < max ? 1 : 0;
    }

    public double curvature(double x) {
      return 0;
    }

    public boolean nonNegative() {
      return min >= 0;
    }
  }

  /**
   * Element-wise product of two activations: of one shape, or a feature map by a vector of its channels (one
   * scale per channel, the squeeze-and-excitation gate).
   */
  record Mul() implements Op {
    public String type() {
      return "Mul";
    }

    public Shape infer(String node, List<Shape> s) {
      if (s.size() != 2)
        throw new ModelException("Node '" + node + "' (Mul) needs 2 inputs, got " + s.size() + ".");
      Shape a = s.get(0), b = s.get(1);
      if (a.equals(b)) return a;
      if (a.isImage() && !b.isImage() && b.channels() == a.channels()) return a;
      if (b.isImage() && !a.isImage() && a.channels() == b.channels()) return b;
      throw new ModelException("Node '" + node + "' (Mul) multiplies " + a + " by " + b
          + ": the shapes must match, or one must be a vector of the other's channels.");
    }
  }

  /**
   * Local response normalization across channels (AlexNet, GoogLeNet): {@code y_c = x_c / (bias + alpha/size · Σ x_j²)^beta},
   * the sum over the {@code size} channels around {@code c} (ONNX's LRN).
   */
  record Lrn(int size, double alpha, double beta, double bias) implements Op {
    public Lrn {
      if (size <= 0 || !(bias > 0) || !(beta >= 0) || !(alpha >= 0)) {
        throw new ModelException(
            "LRN needs a positive size and bias and non-negative alpha and beta, got size " + size
                + ", alpha " + alpha + ", beta " + beta + ", bias " + bias + ".");
      }
    }

    public String type() {
      return "LRN";
    }

    public Shape infer(String node, List<Shape> s) {
      Shape x = one(node, this, s);
      if (!x.isImage())
        throw new ModelException("Node '" + node + "' (LRN) needs a feature map, got " + x + ".");
      return x;
    }
    /** The first channel of the window around {@code c} (ONNX: {@code c - floor((size-1)/2)}, clipped at 0). */
    public int first(int c) {
      return Math.max(0, c - (size - 1) / 2);
    }
    /** The last channel of the window around {@code c} (ONNX: {@code c + ceil((size-1)/2)}, clipped). */
    public int last(int c, int channels) {
      return Math.min(channels - 1, c + size / 2);
    }
  }

  /**
   * An operator that only moves whole channels: output channel {@code o} is input channel {@code source(o)}. Values
   * keep their quantization grid through it, like MaxPool and Flatten.
   */
  sealed interface ChannelMap extends Op permits ChannelShuffle, ChannelSlice {
    int source(int out, int inChannels);
  }

  /** ShuffleNet's channel shuffle: the channels seen as a {@code groups x C/groups} matrix, transposed. */
  record ChannelShuffle(int groups) implements ChannelMap {
    public ChannelShuffle {
      if (groups <= 1)
        throw new ModelException("A channel shuffle needs at least 2 groups, got " + groups + ".");
    }

    public String type() {
      return "ChannelShuffle";
    }

    public int source(int out, int inChannels) {
      return (out % groups) * (inChannels / groups) + out / groups;
    }

    public Shape infer(String node, List<Shape> s) {
      Shape x = one(node, this, s);
      if (!x.isImage() || x.channels() % groups != 0) {
        throw new ModelException(
            "Node '" + node + "' (ChannelShuffle) shuffles " + groups + " groups of channels of "
                + x + ": it needs a feature map whose channels the groups divide.");
      }
      return x;
    }
  }

  /** The channels {@code start .. start+count-1} of a feature map (a Split or Slice along the channels). */
  record ChannelSlice(int start, int count) implements ChannelMap {
    public ChannelSlice {
      if (start < 0 || count <= 0)
        throw new ModelException(
            "A channel slice needs start >= 0 and count > 0, got " + start + ", " + count + ".");
    }

    public String type() {
      return "Slice";
    }

    public int source(int out, int inChannels) {
      return start + out;
    }

    public Shape infer(String node, List<Shape> s) {
      Shape x = one(node, this, s);
      if (!x.isImage() || start + count > x.channels()) {
        throw new ModelException("Node '" + node + "' (Slice) takes channels " + start + ".."
            + (start + count - 1) + " of " + x + ".");
      }
      return Shape.image(count, x.height(), x.width());
    }
  }

  /** Element-wise sum of two tensors of the same shape (the residual connection). */
  record Add() implements Op {
    public String type() {
      return "Add";
    }

    public Shape infer(String node, List<Shape> s) {
      if (s.size() != 2)
        throw new ModelException("Node '" + node + "' (Add) needs 2 inputs, got " + s.size() + ".");
      if (!s.get(0).equals(s.get(1))) {
        throw new ModelException("Node '" + node + "' (Add) adds " + s.get(0) + " and " + s.get(1)
            + ": the shapes must match.");
      }
      return s.get(0);
    }
  }

  /** Concatenation along channels. */
  record Concat() implements Op {
    public String type() {
      return "Concat";
    }

    public Shape infer(String node, List<Shape> s) {
      if (s.size() < 2)
        throw new ModelException("Node '" + node + "' (Concat) needs at least 2 inputs.");
      int c = 0;
      for (Shape x : s) {
        if (!x.isImage()
            || x.height() != s.get(0).height()
            || x.width() != s.get(0).width()) {
          throw new ModelException("Node '" + node + "' (Concat) joins " + s
              + ": all inputs must be feature maps of one height and width.");
        }
        c += x.channels();
      }
      return Shape.image(c, s.get(0).height(), s.get(0).width());
    }
  }

  /**
   * A pooling window: kernel and stride per axis, padding at each side (top, left, bottom, right). Padding only at
   * the end is what ceil mode and Caffe's pooling amount to.
   */
  record Window(
      int kernelH,
      int kernelW,
      int strideH,
      int strideW,
      int padTop,
      int padLeft,
      int padBottom,
      int padRight) {
    public Window {
      if (kernelH <= 0
          || kernelW <= 0
          || strideH <= 0
          || strideW <= 0
          || padTop < 0
          || padLeft < 0
          || padBottom < 0
          || padRight < 0) {
        throw new ModelException(
            "A pooling window needs positive kernel and stride and non-negative padding, got "
                + this + ".");
      }
    }

    static Window square(int kernel, int stride, int pad) {
      return new Window(kernel, kernel, stride, stride, pad, pad, pad, pad);
    }

    /** Whether kernel and stride are one number each and the padding is the same on every side. */
    public boolean uniform() {
      return kernelH == kernelW
          && strideH == strideW
          && padTop == padLeft
          && padTop == padBottom
          && padTop == padRight;
    }

    @Override
    public String toString() {
      return uniform()
          ? "kernel " + kernelH + ", stride " + strideH + ", padding " + padTop
          : "kernel " + kernelH + "x" + kernelW + ", strides " + strideH + "x" + strideW
              + ", padding [" + padTop + ", " + padLeft + ", " + padBottom + ", " + padRight + "]";
    }
  }

  /**
   * A pooling window over each channel. {@code kernel()}, {@code stride()} and {@code pad()} are the height axis's (all
   * of them for a {@link Window#uniform} window).
   */
  sealed interface Pool extends Op permits MaxPool, AvgPool {
    Window window();

    default int kernel() {
      return window().kernelH();
    }

    default int stride() {
      return window().strideH();
    }

    default int pad() {
      return window().padTop();
    }

    default Shape infer(String node, List<Shape> s) {
      return pool(node, this, one(node, this, s), window());
    }
  }

  /** Max pooling; padded cells never win. */
  record MaxPool(Window window) implements Pool {
    public MaxPool(int kernel, int stride, int pad) {
      this(Window.square(kernel, stride, pad));
    }

    public String type() {
      return "MaxPool";
    }
  }

  /** Average pooling; padded cells are not counted (PyTorch's {@code count_include_pad=False}). */
  record AvgPool(Window window) implements Pool {
    public AvgPool(int kernel, int stride, int pad) {
      this(Window.square(kernel, stride, pad));
    }

    public String type() {
      return "AvgPool";
    }
  }

  record GlobalAvgPool() implements Op {
    public String type() {
      return "GlobalAvgPool";
    }

    public Shape infer(String node, List<Shape> s) {
      Shape x = one(node, this, s);
      if (!x.isImage())
        throw new ModelException(
            "Node '" + node + "' (GlobalAvgPool) needs a feature map, got " + x + ".");
      return Shape.vector(x.channels());
    }
  }

  record Flatten() implements Op {
    public String type() {
      return "Flatten";
    }

    public Shape infer(String node, List<Shape> s) {
      return Shape.vector(Math.toIntExact(one(node, this, s).elements()));
    }
  }

  /** Softmax over the features of a vector, or over the channels at each pixel of a feature map (segmentation heads). */
  record Softmax() implements Op {
    public String type() {
      return "Softmax";
    }

    public Shape infer(String node, List<Shape> s) {
      return one(node, this, s);
    }
  }

  private static Shape one(String node, Op op, List<Shape> s) {
    if (s.size() != 1)
      throw new ModelException(
          "Node '" + node + "' (" + op.type() + ") needs 1 input, got " + s.size() + ".");
    return s.get(0);
  }

  private static Shape pool(String node, Op op, Shape x, Window win) {
    if (!x.isImage())
      throw new ModelException(
          "Node '" + node + "' (" + op.type() + ") needs a feature map, got " + x + ".");
    int h =
        Math.floorDiv(x.height() + win.padTop() + win.padBottom() - win.kernelH(), win.strideH())
            + 1;
    int w = Math.floorDiv(x.width() + win.padLeft() + win.padRight() - win.kernelW(), win.strideW())
        + 1;
    if (h <= 0 || w <= 0)
      throw new ModelException(
          "Node '" + node + "' (" + op.type() + "): " + win + " do not fit the " + x + " input.");
    return Shape.image(x.channels(), h, w);
  }
}
