package bitlab.integer.kernel;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;

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
  private static final int PART = 64;
  private static final int FLOAT_EXACT = (1 << 24) - 1;

  private final ConvGeometry g;
  private final int flip;
  private final int zero;
  /** The weight codes {@code [out][in/groups][kH][kW]}, and their split into parts (made when a plan needs it). */
  private final byte[] weights;
  private byte[][] split;
  private final int maxWeight;
  /** {@code zero · Σ w} over the in-bounds taps, per output channel and position (null when zero is 0). */
  private final int[] correction;
  private final Map<Integer, Plan> plans = new HashMap<>();
  /** A stream of this kernel's own: oneDNN streams must not be shared between threads. */
  private final stream stream = new stream(Dnnl.ENGINE);

  DnnlConvKernel(ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint) {
    if (!eligible(g)) throw new IllegalArgumentException("The oneDNN kernel takes convolutions whose float conversion can be made exact, not " + g + ".");
    this.g = g;
    this.flip = Codes.flip(inputUnsigned);
    this.zero = Codes.zero(inputUnsigned, inputZeroPoint);
    this.weights = weights.clone();
    int max = 0;
    for (byte w : weights) max = Math.max(max, Math.abs(w));
    this.maxWeight = max;
    this.correction = zero == 0 ? null : correction(g, weights, zero);
  }

  /**
   * Convolutions whose sums can be kept below 2<sup>24</sup> for any implementation: in one group, by
   * chunking input channels (a kernel alone must fit a chunk: up to 1028 taps); grouped ones, whose
   * channels are not chunked, when a whole receptive field of 8-bit codes stays below it.
   */
  static boolean eligible(ConvGeometry g) {
    long taps = (long) g.kernelH() * g.kernelW();
    return g.groups() == 1 ? taps * 255 * PART <= FLOAT_EXACT : (long) g.fanIn() * 255 * 128 <= FLOAT_EXACT;
  }

  /** Whether an implementation sums u8 x s8 products without a saturating 16-bit step. */
  static boolean exactPairs(String impl) {
    return impl.contains("vnni") || impl.contains("amx") || impl.startsWith("ref");
  }

  /** Whether an implementation writes int32 sums without passing them through a float. */
  static boolean exactInt32(String impl) {
    return (impl.startsWith("brgconv") || impl.startsWith("brdgmm")) && (impl.contains("vnni") || impl.contains("amx"));
  }

  @Override public ConvGeometry geometry() { return g; }

  @Override public String name() { return "dnnl-int8"; }

  /** How the plan for {@code batch} runs, e.g. {@code brgconv:avx512_core_amx_int8, 1 pass}; empty before its first call. */
  @Override public synchronized String detail(int batch) {
    Plan p = plans.get(batch);
    return p == null ? "" : p.describe();
  }

  @Override public synchronized void accumulate(byte[] input, int batch, int[] acc) {
    ConvKernels.checkCall(g, input, batch, acc);
    if (batch == 0) return;
    Plan p = plans.computeIfAbsent(batch, Plan::new);
    p.run(input, acc);
    if (correction != null) {
      int size = g.outputSize();
      for (int n = 0; n < batch; n++) {
        int base = n * size;
        for (int i = 0; i < size; i++) acc[base + i] -= correction[i];
      }
    }
  }

  /** The weights as {@code parts} parts: the codes themselves, or split into two of at most {@link #PART}. */
  private byte[][] parts(boolean splitNeeded) {
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
            int iy = y * g.stride() - g.padH() + i;
            if (iy < 0 || iy >= g.inH()) continue;
            for (int j = 0; j < kw; j++) {
              int ix = x * g.stride() - g.padW() + j;
              if (ix >= 0 && ix < g.inW()) sum += tap[i * kw + j];
            }
          }
          out[(o * oh + y) * ow + x] = zero * sum;
        }
      }
    }
    return out;
  }

  /** The oneDNN objects for one batch size: per chunk an input buffer, a convolution and its weights. */
  private final class Plan {
    private final int batch;
    private final int[] chunks;
    private final String[] impls;
    private final BytePointer[] src;
    private final memory[] srcUser, srcConv, dstConv;
    private final reorder[] srcReorder, dstReorder;
    private final convolution_forward[] conv;
    private final memory[][] weightMemory; // [part][chunk]
    private final IntPointer dst;
    private final memory dstUser;
    private final byte[] stage;
    private final int[] sum;

    Plan(int batch) {
      this.batch = batch;
      int out = g.outChannels();
      long[] dstDims = {batch, out, g.outH(), g.outW()};
      // what oneDNN runs for the whole layer decides the split and the chunks
      convolution_forward.primitive_desc whole = primitive(batch, g.inChannels());
      String impl = whole.impl_info_str().getString();
      boolean splitNeeded = maxWeight > PART && !exactPairs(impl);
      int partMax = Math.max(1, splitNeeded ? PART : maxWeight);
      boolean chunked = g.groups() == 1 && !exactInt32(impl) && (long) g.fanIn() * 255 * partMax > FLOAT_EXACT;
      this.chunks = chunked ? chunks(g, partMax) : new int[] {0, g.inChannels()};
      int n = chunks.length - 1;
      convolution_forward.primitive_desc[] pds = new convolution_forward.primitive_desc[n];
      impls = new String[n];
      for (int c = 0; c < n; c++) {
        pds[c] = n == 1 ? whole : primitive(batch, chunks[c + 1] - chunks[c]);
        impls[c] = pds[c].impl_info_str().getString();
        // a chunk may get another implementation than the whole layer: it must not saturate either
        if (!splitNeeded && maxWeight > PART && !exactPairs(impls[c])) splitNeeded = true;
      }
      byte[][] parts = parts(splitNeeded);
      src = new BytePointer[n];
      srcUser = new memory[n];
      srcConv = new memory[n];
      dstConv = new memory[n];
      srcReorder = new reorder[n];
      dstReorder = new reorder[n];
      conv = new convolution_forward[n];
      weightMemory = new memory[parts.length][n];
      dst = new IntPointer((long) batch * g.outputSize());
      dstUser = new memory(new memory.desc(dstDims, memory.data_type.s32, memory.format_tag.nchw), Dnnl.ENGINE, dst);
      int widest = 0;
      for (int c = 0; c < n; c++) {
        int cl = chunks[c + 1] - chunks[c];
        widest = Math.max(widest, cl);
        convolution_forward.primitive_desc pd = pds[c];
        conv[c] = new convolution_forward(pd);
        src[c] = new BytePointer((long) batch * cl * g.inH() * g.inW());
        srcUser[c] = new memory(new memory.desc(new long[] {batch, cl, g.inH(), g.inW()}, memory.data_type.u8, memory.format_tag.nchw), Dnnl.ENGINE, src[c]);
        srcConv[c] = new memory(pd.src_desc(), Dnnl.ENGINE);
        srcReorder[c] = new reorder(srcUser[c], srcConv[c]);
        dstConv[c] = new memory(pd.dst_desc(), Dnnl.ENGINE);
        dstReorder[c] = new reorder(dstConv[c], dstUser);
        for (int p = 0; p < parts.length; p++) {
          BytePointer wp = new BytePointer(n == 1 ? parts[p] : slice(parts[p], chunks[c], chunks[c + 1]));
          memory user = new memory(new memory.desc(weightDims(cl), memory.data_type.s8, g.groups() == 1 ? memory.format_tag.oihw : memory.format_tag.goihw), Dnnl.ENGINE, wp);
          weightMemory[p][c] = new memory(pd.weights_desc(), Dnnl.ENGINE);
          new reorder(user, weightMemory[p][c]).execute(stream, user, weightMemory[p][c]);
          stream._wait();
          wp.deallocate();
        }
      }
      stage = new byte[batch * widest * g.inH() * g.inW()];
      sum = weightMemory.length * n > 1 ? new int[batch * g.outputSize()] : null;
    }

    /** A convolution over {@code channels} input channels (all of them, or one chunk), formats left to oneDNN. */
    private convolution_forward.primitive_desc primitive(int batch, int channels) {
      convolution_forward.desc d = new convolution_forward.desc(prop_kind.forward_inference, algorithm.convolution_direct,
          new memory.desc(new long[] {batch, channels, g.inH(), g.inW()}, memory.data_type.u8, memory.format_tag.any),
          new memory.desc(weightDims(channels), memory.data_type.s8, memory.format_tag.any),
          new memory.desc(new long[] {batch, g.outChannels(), g.outH(), g.outW()}, memory.data_type.s32, memory.format_tag.any),
          new long[] {g.stride(), g.stride()}, new long[] {g.padH(), g.padW()}, new long[] {g.padH(), g.padW()});
      return new convolution_forward.primitive_desc(d, new primitive_attr(), Dnnl.ENGINE);
    }

    /** {@code [out][channels][kH][kW]}, or {@code [groups][out/groups][in/groups][kH][kW]} for a grouped layer (then all channels). */
    private long[] weightDims(int channels) {
      if (g.groups() == 1) return new long[] {g.outChannels(), channels, g.kernelH(), g.kernelW()};
      return new long[] {g.groups(), g.outChannels() / g.groups(), g.groupIn(), g.kernelH(), g.kernelW()};
    }

    String describe() {
      int n = chunks.length - 1, passes = weightMemory.length;
      return String.join(", ", new java.util.LinkedHashSet<>(java.util.List.of(impls))) + (passes == 1 ? ", one pass" : ", 8-bit weights split into two passes")
          + (n == 1 ? "" : ", " + n + " channel chunks");
    }

    /** Weights of input channels {@code [c0, c1)}, {@code [out][c1-c0][kH][kW]}. */
    private byte[] slice(byte[] w, int c0, int c1) {
      int taps = g.kernelH() * g.kernelW(), fan = g.fanIn(), cl = c1 - c0;
      byte[] s = new byte[g.outChannels() * cl * taps];
      for (int o = 0; o < g.outChannels(); o++) System.arraycopy(w, o * fan + c0 * taps, s, o * cl * taps, cl * taps);
      return s;
    }

    void run(byte[] input, int[] acc) {
      int plane = g.inH() * g.inW(), total = batch * g.outputSize();
      boolean first = true;
      for (int c = 0; c < chunks.length - 1; c++) {
        int c0 = chunks[c], cl = chunks[c + 1] - c0, len = cl * plane;
        for (int n = 0; n < batch; n++) {
          int from = n * g.inputSize() + c0 * plane, to = n * len;
          if (flip == 0) {
            System.arraycopy(input, from, stage, to, len);
          } else {
            for (int i = 0; i < len; i++) stage[to + i] = (byte) (input[from + i] ^ flip);
          }
        }
        src[c].position(0).put(stage, 0, batch * len);
        srcReorder[c].execute(stream, srcUser[c], srcConv[c]);
        for (memory[] part : weightMemory) {
          conv[c].execute(stream, new IntMemoryMap().put(DNNL_ARG_SRC, srcConv[c]).put(DNNL_ARG_WEIGHTS, part[c]).put(DNNL_ARG_DST, dstConv[c]));
          dstReorder[c].execute(stream, dstConv[c], dstUser);
          stream._wait();
          if (first) {
            dst.position(0).get(acc, 0, total);
            first = false;
          } else {
            dst.position(0).get(sum, 0, total);
            for (int i = 0; i < total; i++) acc[i] += sum[i];
          }
        }
      }
    }
  }
}
