package bitlab.nn;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The arithmetic under the engine's steps. Two implementations: {@link DnnlBackend} (oneDNN's f32
 * primitives, the fast path) and {@link ReferenceBackend} (plain Java loops in double precision: the
 * definition each fast kernel is tested against, and the arithmetic of finite-difference checks).
 * Kernels are made for one shape (batch included) and take their tensors at each call.
 */
interface Backend extends AutoCloseable {
  DataType type();

  /** Whether inference steps may be fused (BatchNorm folded into convolutions, activations and residual sums as post-ops). */
  boolean fuses();

  /** What a convolution or linear layer applies to its result before writing it: an activation, after adding what the output held. */
  record Post(Activation.Kind activation, boolean sum) {
    static final Post NONE = new Post(Activation.Kind.NONE, false);
  }

  /**
   * One convolution's geometry, batch included; {@code groups == in == out} is depthwise; a stride per axis; taps
   * {@code dilation} cells apart.
   */
  record ConvShape(
      int batch,
      int in,
      int out,
      int inH,
      int inW,
      int outH,
      int outW,
      int kernelH,
      int kernelW,
      int strideH,
      int strideW,
      int padH,
      int padW,
      int groups,
      int dilationH,
      int dilationW) {
    /** oneDNN's strides, height first. */
    long[] strides() {
      return new long[] {strideH, strideW};
    }

    /** oneDNN's dilation: the cells between taps. */
    long[] dilates() {
      return new long[] {dilationH - 1, dilationW - 1};
    }

    long[] src() {
      return new long[] {batch, in, inH, inW};
    }

    long[] dst() {
      return new long[] {batch, out, outH, outW};
    }

    long[] weights() {
      return new long[] {out, in / groups, kernelH, kernelW};
    }
  }

  /** A pooling window over {@code [batch, channels, inH, inW]}; padding at the start (top, left) and end (bottom, right) of each axis. */
  record PoolShape(
      int batch,
      int channels,
      int inH,
      int inW,
      int outH,
      int outW,
      int kernelH,
      int kernelW,
      int strideH,
      int strideW,
      int padTop,
      int padLeft,
      int padBottom,
      int padRight) {
    long[] src() {
      return new long[] {batch, channels, inH, inW};
    }

    long[] dst() {
      return new long[] {batch, channels, outH, outW};
    }
  }

  /** Weights laid out for one kernel; {@link #load()} re-reads them from the parameter tensor they were prepared from. */
  interface Prepared extends AutoCloseable {
    void load();

    @Override
    void close();
  }

  /** Convolution and linear layers: the forward pass, both halves of the backward pass. */
  interface Layer extends AutoCloseable {
    /** Weights (PyTorch layout) prepared for this kernel; loaded once now. */
    Prepared prepare(Tensor weights);

    /** {@code y = post(x * w + b)}; a null bias adds nothing; with a {@code sum} post-op y's old value is added first. */
    void forward(Tensor x, Prepared w, Tensor bias, Tensor y);

    /** {@code y += x * w} (no bias, no activation): a tangent's second term. */
    void forwardAdd(Tensor x, Prepared w, Tensor y);

    /** {@code dx = dy *ᵀ w}. */
    void backwardData(Tensor dy, Prepared w, Tensor dx);

    /** {@code dw = x ⋆ dy} (PyTorch layout) and {@code db = Σ dy} (skipped when null). */
    void backwardWeights(Tensor x, Tensor dy, Tensor dw, Tensor db);

    /** The implementation oneDNN chose (for benches and logs). */
    default String describe() {
      return "";
    }

    @Override
    void close();
  }

  Layer conv(ConvShape s, boolean bias, Post post, boolean training);

  Layer linear(int batch, int in, int out, boolean bias, Post post, boolean training);

  /** BatchNorm: batch statistics (training) or given ones (inference). */
  interface Norm extends AutoCloseable {
    /** {@code y = γ (x - μ) / √(σ² + ε) + β}; with batch statistics μ and the biased σ² are written to mean and var. */
    void forward(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor var, Tensor y);

    /** Gradients of the input, γ and β (the last two skipped when null). */
    void backward(
        Tensor x,
        Tensor dy,
        Tensor gamma,
        Tensor beta,
        Tensor mean,
        Tensor var,
        Tensor dx,
        Tensor dgamma,
        Tensor dbeta);

    @Override
    void close();
  }

  Norm norm(long[] dims, double epsilon, boolean batchStats);

  /** Max or average pooling (average excludes padded cells). */
  interface Pool extends AutoCloseable {
    void forward(Tensor x, Tensor y);

    /** dx from dy (max pooling routes through the argmax of the last forward pass). */
    void backward(Tensor dy, Tensor dx);

    /** The forward pass's derivative along tx at the last forward input: the pooled tangent (linear in tx). */
    void tangent(Tensor x, Tensor tx, Tensor ty);

    @Override
    void close();
  }

  Pool pool(PoolShape s, boolean max, boolean training);

  /** ReLU and ReLU6, whose derivative is read from the output: they may run in place. */
  interface Activation extends AutoCloseable {
    enum Kind {
      NONE,
      RELU,
      RELU6
    }

    void forward(Tensor x, Tensor y);

    /** {@code dx = dy · f'(x)}, with the mask read from the output y (1 strictly inside the linear range). */
    void backward(Tensor y, Tensor dy, Tensor dx);

    @Override
    void close();
  }

  Activation activation(Activation.Kind kind, long[] dims);

  /** Concatenation along channels, and its adjoint. */
  interface Concat extends AutoCloseable {
    void forward(List<Tensor> xs, Tensor y);

    /** Each dx[i] gets its channels of dy (null entries skipped). */
    void backward(Tensor dy, List<Tensor> dxs);

    @Override
    void close();
  }

  Concat concat(List<long[]> inputs, long[] output);

  /** {@code y = a + b}. */
  void add(Tensor a, Tensor b, Tensor y);

  /** {@code y += x}. */
  void accumulate(Tensor y, Tensor x);

  /** The same logical values into another tensor (any layouts, same shape). */
  void copy(Tensor from, Tensor to);

  /** Copies a batch given in logical order ({@code NCHW}, any type) into a tensor of the same shape. */
  default void load(org.nd4j.linalg.api.ndarray.INDArray logical, Tensor to) {
    to.assign(logical);
  }

  /** A tensor's values in logical order ({@code NCHW}), as a new ND4J array of its type. */
  default org.nd4j.linalg.api.ndarray.INDArray save(Tensor t) {
    return t.toNd4j();
  }

  @Override
  void close();
}
