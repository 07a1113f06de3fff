package bitlab.integer.kernel;

import java.util.HashMap;
import java.util.Map;

/**
 * A convolution on oneDNN's int8 primitive (u8 input, s8 weights, s32 output), arranged so that its
 * accumulators are exactly the reference's whatever the instruction set oneDNN runs with. Each batch
 * size gets a {@link Plan}; the plan asks oneDNN which implementation it picked (its "impl info",
 * e.g. {@code brgconv:avx512_core_amx_int8}) and makes only the arrangements that implementation needs:
 * <ul>
 *   <li>Without VNNI or AMX (AVX2, plain AVX-512) the int8 kernels sum pairs of u8 x s8 products in
 *       16 bits with saturation ({@code vpmaddubsw}). Weights beyond 64 in magnitude are therefore
 *       split into two parts of at most 64, {@code w = w1 + w2}, a pair then stays within
 *       2·255·64 = 32,640, and oneDNN runs twice. With VNNI ({@code vpdpbusd}) or AMX the products are
 *       summed straight into int32: one pass.</li>
 *   <li>Most implementations turn the int32 accumulator into a float before writing it (scales,
 *       post-ops), which is exact only below 2<sup>24</sup>. Where a layer's sums can reach that, input
 *       channels are cut into chunks small enough that {@code fanIn·255·|w| < 2^24}; each (chunk, part)
 *       is its own oneDNN convolution and bitlab adds their int32 results. The brgemm implementations
 *       on VNNI and AMX write int32 sums as they are (measured above 2<sup>27</sup>, and held to it by
 *       {@code DnnlConvKernelTest}): there the layer is one convolution.</li>
 *   <li>The input is fed as u8 ({@code x ^ flip}, see {@link Codes}) and the zero point is applied
 *       afterwards in int32: {@code Σ(x−zx)·w = Σ x·w − zx·Σw}, the second sum over the taps that
 *       fall inside the input (padding contributes nothing), precomputed per channel and position.</li>
 * </ul>
 * Grouped and depthwise convolutions run as one oneDNN grouped convolution (their fan-in is small
 * enough for any implementation's float conversion, see {@link #eligible}). oneDNN runs on its own
 * OpenMP threads (all cores). Calls are serialised per kernel.
 */
final class DnnlConvKernel implements ConvKernel {
  /** Largest magnitude of one weight part, so that a pair of u8 products fits 16 bits. */
  static final int PART = 64;

  static final int FLOAT_EXACT = (1 << 24) - 1;

  final ConvGeometry g;
  final int flip;
  private final int zero;
  /** The weight codes {@code [out][in/groups][kH][kW]}, and their split into parts (made when a plan needs it). */
  private final byte[] weights;

  private byte[][] split;
  final int maxWeight;
  /** {@code zero · Σ w} over the in-bounds taps, per output channel and position (null when zero is 0). */
  final int[] correction;

  /**
   * The correction of a position whose taps all fall inside the input, per output channel ({@code zero · Σ w} over the
   * whole kernel; null when zero is 0): every position's but those in {@link #border}. Subtracted per channel, it does
   * not stream a correction as large as the layer's output through the cache.
   */
  final int[] channelCorrection;

  /** Per output position, whether some tap falls in the padding (its correction differs); null when none does (1x1 layers without padding). */
  final boolean[] border;

  private final Map<Integer, DnnlPlan> plans = new HashMap<>();

  DnnlConvKernel(ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint) {
    if (!eligible(g))
      throw new IllegalArgumentException(
          "The oneDNN kernel takes convolutions whose float conversion can be made exact, not " + g
              + ".");
    this.g = g;
    this.flip = Codes.flip(inputUnsigned);
    this.zero = Codes.zero(inputUnsigned, inputZeroPoint);
    this.weights = weights.clone();
    int max = 0;
    for (byte w : weights) max = Math.max(max, Math.abs(w));
    this.maxWeight = max;
    this.correction = zero == 0 ? null : correction(g, weights, zero);
    this.border = border(g);
    this.channelCorrection = correction == null ? null : wholeKernel(g, weights, zero);
  }

  /** {@code zero · Σ w[o]} over every tap of output channel {@code o}'s kernel. */
  static int[] wholeKernel(ConvGeometry g, byte[] weights, int zero) {
    int fan = g.fanIn();
    int[] out = new int[g.outChannels()];
    for (int o = 0; o < out.length; o++) {
      int sum = 0;
      for (int i = 0; i < fan; i++) sum += weights[o * fan + i];
      out[o] = zero * sum;
    }
    return out;
  }

  /** Per output position whether some tap of it falls outside the input; null when no position's does. */
  static boolean[] border(ConvGeometry g) {
    int oh = g.outH(), ow = g.outW();
    boolean[] out = new boolean[oh * ow];
    boolean any = false;
    for (int y = 0; y < oh; y++) {
      int top = y * g.strideH() - g.padH();
      boolean rows = top < 0 || top + g.kernelH() > g.inH();
      for (int x = 0; x < ow; x++) {
        int left = x * g.strideW() - g.padW();
        out[y * ow + x] = rows || left < 0 || left + g.kernelW() > g.inW();
        any |= out[y * ow + x];
      }
    }
    return any ? out : null;
  }

  /**
   * Convolutions whose sums can be kept below 2<sup>24</sup> for any implementation: in one group, by
   * chunking input channels (a kernel alone must fit a chunk: up to 1028 taps); grouped ones, whose
   * channels are not chunked, when a whole receptive field of 8-bit codes stays below it.
   */
  static boolean eligible(ConvGeometry g) {
    long taps = (long) g.kernelH() * g.kernelW();
    return g.groups() == 1
        ? taps * 255 * PART <= FLOAT_EXACT
        : (long) g.fanIn() * 255 * 128 <= FLOAT_EXACT;
  }

  /** Whether an implementation sums u8 x s8 products without a saturating 16-bit step. */
  static boolean exactPairs(String impl) {
    return impl.contains("vnni") || impl.contains("amx") || impl.startsWith("ref");
  }

  /** Whether an implementation writes int32 sums without passing them through a float. */
  static boolean exactInt32(String impl) {
    return (impl.startsWith("brgconv") || impl.startsWith("brdgmm"))
        && (impl.contains("vnni") || impl.contains("amx"));
  }

  @Override
  public ConvGeometry geometry() {
    return g;
  }

  @Override
  public String name() {
    return "dnnl-int8";
  }

  /** How the plan for {@code batch} runs, e.g. {@code brgconv:avx512_core_amx_int8, 1 pass}; empty before its first call. */
  @Override
  public synchronized String detail(int batch) {
    DnnlPlan p = plans.get(batch);
    return p == null ? "" : p.describe();
  }

  @Override
  public synchronized void accumulate(byte[] input, int batch, int[] acc) {
    ConvKernels.checkCall(g, input, batch, acc);
    if (batch == 0) return;
    plan(batch).run(input, acc, null, null);
  }

  /** oneDNN's int32 sums are read once, straight from its output buffer, into the epilogue. */
  @Override
  public synchronized void requantize(byte[] input, int batch, Epilogue e, byte[] out) {
    ConvKernels.checkCall(g, input, batch, out);
    if (batch == 0) return;
    plan(batch).run(input, null, e, out);
  }

  /** Channels-last unless turned off for the whole JVM ({@link ConvKernels#channelsLast()}). */
  @Override
  public boolean channelsLast() {
    return ConvKernels.channelsLast();
  }

  /** oneDNN reads the codes in either layout and its NHWC sums go to the epilogue in their own order: no transposes. */
  @Override
  public synchronized void requantizeNhwc(
      byte[] input, boolean inputNhwc, int batch, Epilogue e, byte[] out) {
    ConvKernels.checkCall(g, input, batch, out);
    if (batch == 0) return;
    plan(batch).runNhwc(input, inputNhwc, e, out);
  }

  /**
   * {@link #correction} channels-last, {@code [position][channel]}, read at the {@link #border} positions only (made on
   * first need; null when zero is 0 or no position is on the border).
   */
  synchronized int[] correctionNhwc() {
    if (correction == null || border == null) return null;
    if (correctionNhwc == null) {
      int hw = g.outH() * g.outW(), channels = g.outChannels();
      int[] t = new int[correction.length];
      for (int c = 0; c < channels; c++)
        for (int p = 0; p < hw; p++) t[p * channels + c] = correction[c * hw + p];
      correctionNhwc = t;
    }
    return correctionNhwc;
  }

  private int[] correctionNhwc;

  private DnnlPlan plan(int batch) {
    return plans.computeIfAbsent(batch, b -> new DnnlPlan(this, b));
  }

  /** The weights as {@code parts} parts: the codes themselves, or split into two of at most {@link #PART}. */
  byte[][] parts(boolean splitNeeded) {
    if (!splitNeeded) return new byte[][] {weights};
    if (split == null) {
      split = new byte[2][weights.length];
      for (int i = 0; i < weights.length; i++) {
        int w1 = Math.max(-PART, Math.min(PART, weights[i]));
        split[0][i] = (byte) w1;
        split[1][i] = (byte) (weights[i] - w1);
      }
    }
    return split;
  }

  /** Chunk boundaries over the input channels so that one chunk's accumulator stays below 2^24. */
  static int[] chunks(ConvGeometry g, int partMax) {
    int taps = g.kernelH() * g.kernelW();
    int perChunk = Math.max(1, FLOAT_EXACT / (taps * 255 * partMax));
    int c = g.inChannels(), n = (c + perChunk - 1) / perChunk;
    int size = (c + n - 1) / n;
    if ((size + 7) / 8 * 8 <= perChunk) size = (size + 7) / 8 * 8; // oneDNN blocks channels by 8
    n = (c + size - 1) / size;
    int[] bounds = new int[n + 1];
    for (int i = 0; i < n; i++) bounds[i] = i * size;
    bounds[n] = c;
    return bounds;
  }

  /** {@code zero · Σ w[o][c][i][j]} over the taps (i, j) of each output position that land inside the input. */
  static int[] correction(ConvGeometry g, byte[] weights, int zero) {
    int kh = g.kernelH(), kw = g.kernelW(), oh = g.outH(), ow = g.outW(), fan = g.fanIn();
    int[] out = new int[g.outputSize()];
    int[] tap = new int[kh * kw];
    for (int o = 0; o < g.outChannels(); o++) {
      java.util.Arrays.fill(tap, 0);
      for (int c = 0; c < g.groupIn(); c++) {
        for (int t = 0; t < kh * kw; t++) tap[t] += weights[o * fan + c * kh * kw + t];
      }
      for (int y = 0; y < oh; y++) {
        for (int x = 0; x < ow; x++) {
          int sum = 0;
          for (int i = 0; i < kh; i++) {
            int iy = y * g.strideH() - g.padH() + i;
            if (iy < 0 || iy >= g.inH()) continue;
            for (int j = 0; j < kw; j++) {
              int ix = x * g.strideW() - g.padW() + j;
              if (ix >= 0 && ix < g.inW()) sum += tap[i * kw + j];
            }
          }
          out[(o * oh + y) * ow + x] = zero * sum;
        }
      }
    }
    return out;
  }
}
