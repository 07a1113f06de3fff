package bitlab.integer.kernel;

/**
 * Turns input codes into the ints the kernels multiply, {@code x − zx}, once per call: a kernel
 * then copies ints (System.arraycopy) instead of decoding a code at every use. The decoded
 * batch lives in a per-thread buffer of the calling thread, which the helpers only read.
 */
class Decoder {
  static final Decoder PLAIN = new Decoder();
  private static final int CHUNK = 1 << 16;
  private static final ThreadLocal<int[][]> BUFFER = ThreadLocal.withInitial(() -> new int[1][0]);

  /** {@code out[outOff + i] = ((in[inOff + i] ^ flip) & 0xFF) − zero} for {@code i < n}. */
  void decode(byte[] in, int inOff, int[] out, int outOff, int n, int flip, int zero) {
    for (int i = 0; i < n; i++) out[outOff + i] = ((in[inOff + i] ^ flip) & 0xFF) - zero;
  }

  /** The first {@code n} codes of {@code in}, decoded on up to {@code threads} threads into the caller's buffer. */
  final int[] decodeAll(byte[] in, int n, int flip, int zero, int threads) {
    int[][] holder = BUFFER.get();
    if (holder[0].length < n) holder[0] = new int[n];
    int[] out = holder[0];
    int chunks = (n + CHUNK - 1) / CHUNK;
    Parallel.run(chunks, threads, c -> {
      int from = c * CHUNK;
      decode(in, from, out, from, Math.min(n, from + CHUNK) - from, flip, zero);
    });
    return out;
  }
}
