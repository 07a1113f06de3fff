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
  default List<Param> params() { return List.of(); }

  /** A parameter name and shape, e.g. {@code weight [16, 1, 3, 3]}. */
  record Param(String name, long... shape) {}

  /** The graph's single input. */
  record Input(Shape shape) implements Op {
    public String type() { return "Input"; }
    public Shape infer(String node, List<Shape> in) { return shape; }
  }

  /** 2-D convolution, NCHW, symmetric padding; {@code groups == in == out} is depthwise. */
  record Conv2d(int in, int out, int kernelH, int kernelW, int stride, int padH, int padW, int groups, boolean bias)
      implements Op {
    public Conv2d {
      if (in <= 0 || out <= 0 || kernelH <= 0 || kernelW <= 0 || stride <= 0 || padH < 0 || padW < 0 || groups <= 0) {
        throw new ModelException("Conv2d needs positive channels, kernel, stride and groups and non-negative padding.");
      }
      if (in % groups != 0 || out % groups != 0) {
        throw new ModelException("Conv2d groups (" + groups + ") must divide both channel counts (" + in + ", " + out + ").");
      }
    }
    public String type() { return depthwise() ? "DepthwiseConv" : "Conv"; }
    public boolean depthwise() { return groups > 1 && groups == in && groups == out; }
    public Shape infer(String node, List<Shape> s) {
      Shape x = one(node, this, s);
      if (!x.isImage() || x.channels() != in) {
        throw new ModelException("Node '" + node + "' (" + type() + ") expects " + in + " input channels but gets " + x + ".");
      }
      int h = (x.height() + 2 * padH - kernelH) / stride + 1;
      int w = (x.width() + 2 * padW - kernelW) / stride + 1;
      if (h <= 0 || w <= 0) {
        throw new ModelException("Node '" + node + "' (" + type() + "): a " + kernelH + "x" + kernelW
            + " kernel does not fit the " + x + " input.");
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
      if (in <= 0 || out <= 0) throw new ModelException("Linear needs positive sizes, got " + in + " -> " + out + ".");
    }
    public String type() { return "Linear"; }
    public Shape infer(String node, List<Shape> s) {
      Shape x = one(node, this, s);
      if (x.isImage() || x.channels() != in) {
        throw new ModelException("Node '" + node + "' (Linear) expects a vector of " + in + " features but gets " + x
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
    public String type() { return "BatchNorm"; }
    public Shape infer(String node, List<Shape> s) {
      Shape x = one(node, this, s);
      if (x.channels() != channels) {
        throw new ModelException("Node '" + node + "' (BatchNorm) has " + channels + " channels but its input is " + x + ".");
      }
      return x;
    }
    public List<Param> params() {
      return List.of(new Param("weight", channels), new Param("bias", channels),
          new Param("running_mean", channels), new Param("running_var", channels));
    }

    /**
     * Folds this normalization (inference form) into the layer before it: scales {@code weight}'s rows
     * (one per output channel) in place by {@code gamma/sqrt(var+eps)} and returns the folded bias
     * {@code (bias-mean)·gamma/sqrt(var+eps)+beta}. The one definition of the fold, shared by the graph pass and
     * the float engine's fused inference.
     */
    public double[] fold(double[] weight, double[] bias, double[] gamma, double[] beta, double[] mean, double[] var) {
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
    public String type() { return "ReLU"; }
    public Shape infer(String node, List<Shape> s) { return one(node, this, s); }
  }

  record Relu6() implements Op {
    public String type() { return "ReLU6"; }
    public Shape infer(String node, List<Shape> s) { return one(node, this, s); }
  }

  /** Element-wise sum of two tensors of the same shape (the residual connection). */
  record Add() implements Op {
    public String type() { return "Add"; }
    public Shape infer(String node, List<Shape> s) {
      if (s.size() != 2) throw new ModelException("Node '" + node + "' (Add) needs 2 inputs, got " + s.size() + ".");
      if (!s.get(0).equals(s.get(1))) {
        throw new ModelException("Node '" + node + "' (Add) adds " + s.get(0) + " and " + s.get(1) + ": the shapes must match.");
      }
      return s.get(0);
    }
  }

  /** Concatenation along channels. */
  record Concat() implements Op {
    public String type() { return "Concat"; }
    public Shape infer(String node, List<Shape> s) {
      if (s.size() < 2) throw new ModelException("Node '" + node + "' (Concat) needs at least 2 inputs.");
      int c = 0;
      for (Shape x : s) {
        if (!x.isImage() || x.height() != s.get(0).height() || x.width() != s.get(0).width()) {
          throw new ModelException("Node '" + node + "' (Concat) joins " + s + ": all inputs must be feature maps of one height and width.");
        }
        c += x.channels();
      }
      return Shape.image(c, s.get(0).height(), s.get(0).width());
    }
  }

  record MaxPool(int kernel, int stride, int pad) implements Op {
    public String type() { return "MaxPool"; }
    public Shape infer(String node, List<Shape> s) { return pool(node, this, one(node, this, s), kernel, stride, pad); }
  }

  /** Average pooling; padded cells are not counted (PyTorch's {@code count_include_pad=False}). */
  record AvgPool(int kernel, int stride, int pad) implements Op {
    public String type() { return "AvgPool"; }
    public Shape infer(String node, List<Shape> s) { return pool(node, this, one(node, this, s), kernel, stride, pad); }
  }

  record GlobalAvgPool() implements Op {
    public String type() { return "GlobalAvgPool"; }
    public Shape infer(String node, List<Shape> s) {
      Shape x = one(node, this, s);
      if (!x.isImage()) throw new ModelException("Node '" + node + "' (GlobalAvgPool) needs a feature map, got " + x + ".");
      return Shape.vector(x.channels());
    }
  }

  record Flatten() implements Op {
    public String type() { return "Flatten"; }
    public Shape infer(String node, List<Shape> s) {
      return Shape.vector(Math.toIntExact(one(node, this, s).elements()));
    }
  }

  record Softmax() implements Op {
    public String type() { return "Softmax"; }
    public Shape infer(String node, List<Shape> s) {
      Shape x = one(node, this, s);
      if (x.isImage()) throw new ModelException("Node '" + node + "' (Softmax) expects a vector, got " + x + ".");
      return x;
    }
  }

  private static Shape one(String node, Op op, List<Shape> s) {
    if (s.size() != 1) throw new ModelException("Node '" + node + "' (" + op.type() + ") needs 1 input, got " + s.size() + ".");
    return s.get(0);
  }

  private static Shape pool(String node, Op op, Shape x, int k, int stride, int pad) {
    if (!x.isImage()) throw new ModelException("Node '" + node + "' (" + op.type() + ") needs a feature map, got " + x + ".");
    int h = (x.height() + 2 * pad - k) / stride + 1;
    int w = (x.width() + 2 * pad - k) / stride + 1;
    if (k <= 0 || stride <= 0 || pad < 0 || h <= 0 || w <= 0) {
      throw new ModelException("Node '" + node + "' (" + op.type() + "): kernel " + k + ", stride " + stride
          + ", padding " + pad + " do not fit the " + x + " input.");
    }
    return Shape.image(x.channels(), h, w);
  }
}
