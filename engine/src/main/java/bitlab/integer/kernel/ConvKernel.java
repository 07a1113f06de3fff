package bitlab.integer.kernel;

/**
 * An integer convolution prepared for one layer: the weight codes are fixed (and may be packed in
 * whatever layout the implementation likes) when it is made.
 *
 * <p>The contract every implementation keeps exactly: for each image, output channel and position,
 * {@code acc = Σ (x − zx) · w} over the receptive field, where {@code x} is the input code, {@code zx}
 * the input's zero point and {@code w} the signed weight code; padded positions contribute 0 (they
 * are real zeros). No bias, no requantization: those are the executor's, so that every kernel gives
 * the same int32 accumulators and bit-exactness does not depend on which kernel ran.
 */
public interface ConvKernel {

  ConvGeometry geometry();

  /**
   * @param input  {@code batch} images of codes, NCHW, one code per byte (read as unsigned if the
   *               kernel was made for unsigned input, else as signed)
   * @param acc    receives {@code batch * geometry().outputSize()} accumulators, NCHW
   */
  void accumulate(byte[] input, int batch, int[] acc);

  /**
   * The layer's output codes: the accumulators of {@link #accumulate} through {@code e}, written to
   * {@code out} ({@code batch * geometry().outputSize()} codes, NCHW). This default runs the epilogue as a
   * pass of its own over an accumulator array reused per thread; kernels that can, apply it while their
   * accumulators are still in cache.
   */
  default void requantize(byte[] input, int batch, Epilogue e, byte[] out) {
    ConvGeometry g = geometry();
    int[] acc = IntScratch.get(0, batch * g.outputSize());
    accumulate(input, batch, acc);
    Epilogue.rows(g, batch, acc, e, out, Parallel.defaultThreads());
  }

  /**
   * Whether the kernel works channels-last, so that {@link #requantizeNhwc} is its fast path and a chain of such
   * layers never changes layout (oneDNN's int8 convolutions read and write NHWC).
   */
  default boolean channelsLast() {
    return false;
  }

  /**
   * {@link #requantize} writing channels-last codes: {@code out} is NHWC ({@code [batch][H][W][C]}), {@code input}
   * NHWC when {@code inputNhwc}, else NCHW (the network's input, or a tensor of a step that works on NCHW). Only
   * kernels that are {@link #channelsLast} implement it.
   */
  default void requantizeNhwc(byte[] input, boolean inputNhwc, int batch, Epilogue e, byte[] out) {
    throw new UnsupportedOperationException(name() + " works on NCHW codes only.");
  }

  /** A short name for tables and benchmarks, e.g. {@code reference}. */
  String name();

  /** How calls of {@code batch} images run, for a profile (e.g. oneDNN's implementation); empty when there is nothing to add. */
  default String detail(int batch) {
    return "";
  }

  /** Whether the kernel that serves {@code batch} images is chosen for good (a kernel that times candidates first is not, at first). */
  default boolean settled(int batch) {
    return true;
  }
}
