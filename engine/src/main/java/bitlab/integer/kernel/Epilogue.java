package bitlab.integer.kernel;

/**
 * What a layer does with its int32 accumulators before they leave the kernel: add the bias,
 * requantize, add the output zero point and clamp ({@code ConvStep}'s arithmetic, which the executor
 * supplies). A kernel that takes one applies it to accumulators still in its cache (a tile, a row, a
 * plane), so a layer writes its output codes once instead of int32 that a second and third pass read
 * back ({@link ConvKernel#requantize}).
 */
@FunctionalInterface
public interface Epilogue {
  /**
   * The codes of {@code n} accumulators of output channel {@code channel}, {@code acc[from + i·stride]}
   * (the kernel's {@code Σ (x − zx)·w}, without bias), written to {@code out[to + i]}.
   */
  void codes(int channel, int[] acc, int from, int stride, int n, byte[] out, int to);

  /**
   * The codes of {@code positions} channels-last runs of accumulators, {@code acc[from + p·channels + c]} for output
   * channel {@code c}, written to {@code out[to + p·channels + c]}: how a kernel that works channels-last (oneDNN)
   * hands its sums over. This default goes channel by channel through {@link #codes}; epilogues that run often
   * override it with a pass in the same order.
   */
  default void positions(int[] acc, int from, int positions, int channels, byte[] out, int to) {
    byte[] column = new byte[positions];
    for (int c = 0; c < channels; c++) {
      codes(c, acc, from + c, channels, positions, column, 0);
      for (int p = 0, o = to + c; p < positions; p++, o += channels) out[o] = column[p];
    }
  }

  /**
   * {@link #positions(int[], int, int, int, byte[], int)} over int32 accumulators in native memory ({@code acc}: bytes in
   * native order, accumulator {@code from + p·channels + c} at byte {@code 4·(from + p·channels + c)}), as oneDNN wrote
   * them. This default copies them out first; epilogues that run often read them in place.
   */
  default void positions(
      java.nio.ByteBuffer acc, int from, int positions, int channels, byte[] out, int to) {
    int n = positions * channels;
    int[] copy = IntScratch.get(4, n);
    acc.asIntBuffer().get(from, copy, 0, n);
    positions(copy, 0, positions, channels, out, to);
  }

  /**
   * {@link #positions(java.nio.ByteBuffer, int, int, int, byte[], int)} of the accumulators less a constant per channel,
   * {@code acc − minus[c]}: a oneDNN layer's zero-point correction where no tap falls in the padding (a 1x1 layer reading
   * signed codes). This default subtracts in a copy; an epilogue with a bias folds {@code minus} into it (the same int32
   * arithmetic, modulo 2^32) and reads the sums in place.
   */
  default void positionsMinus(
      java.nio.ByteBuffer acc,
      int from,
      int positions,
      int channels,
      int[] minus,
      byte[] out,
      int to) {
    int n = positions * channels;
    int[] copy = IntScratch.get(4, n);
    acc.asIntBuffer().get(from, copy, 0, n);
    for (int i = 0; i < n; i += channels)
      for (int c = 0; c < channels; c++) copy[i + c] -= minus[c];
    positions(copy, 0, positions, channels, out, to);
  }

  /**
   * {@code out} gets the codes of NCHW accumulators {@code acc} of {@code batch} images of {@code g}'s
   * output, on {@code threads} threads: the epilogue as a pass of its own, for kernels that cannot fuse it.
   */
  static void rows(ConvGeometry g, int batch, int[] acc, Epilogue e, byte[] out, int threads) {
    int plane = g.outH() * g.outW(), channels = g.outChannels();
    int rowsPerTask = Math.max(1, GRAIN / Math.max(1, plane));
    Parallel.ranges(batch * channels, rowsPerTask, threads, (from, to) -> {
      for (int row = from; row < to; row++)
        e.codes(row % channels, acc, row * plane, 1, plane, out, row * plane);
    });
  }

  /** Elements below which an epilogue pass is not split between cores. */
  int GRAIN = 16_384;
}
