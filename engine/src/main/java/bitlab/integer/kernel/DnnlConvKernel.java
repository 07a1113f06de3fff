package bitlab.integer.kernel;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * A convolution (one group) on oneDNN's int8 primitive (u8 input, s8 weights, s32 output),
 * arranged so that its accumulators are exactly the reference's although oneDNN, as it runs on
 * most CPUs, is not exact by itself:
 * <ul>
 *   <li>Without VNNI (AVX2, plain AVX-512) the int8 kernels sum pairs of u8 x s8 products in 16 bits
 *       with saturation ({@code vpmaddubsw}). Weights are therefore split into two parts of at most
 *       64 in magnitude, {@code w = w1 + w2}: a pair then stays within 2·255·64 = 32,640.</li>
 *   <li>Every implementation turns the int32 accumulator into a float before writing it (scales,
 *       post-ops), which is exact only below 2<sup>24</sup>. Input channels are therefore cut into
 *       chunks small enough that {@code fanIn·255·64 < 2^24}; each (chunk, part) is its own oneDNN
 *       convolution and bitlab adds their int32 results.</li>
 *   <li>The input is fed as u8 ({@code x ^ flip}, see {@link Codes}) and the zero point is applied
 *       afterwards in int32: {@code Σ(x−zx)·w = Σ x·w − zx·Σw}, the second sum over the taps that
 *       fall inside the input (padding contributes nothing), precomputed per channel and position.</li>
 * </ul>
 * oneDNN runs on its own OpenMP threads (all cores). Calls are serialised per kernel.
 *
 * <p>On this project's 2-core AVX2 machine it makes about twice the int8 MACs per core of the
 * Vector API kernel on 3x3 and wide 1x1 convolutions, despite the split; layers with a small
 * fan-in (a 1x1 over 16 channels) are bound by writing int32 outputs and stay with Java.
 */
final class DnnlConvKernel implements ConvKernel {
  /** Largest magnitude of one weight part, so that a pair of u8 products fits 16 bits. */
  private static final int PART = 64;
  private static final int FLOAT_EXACT = (1 << 24) - 1;

  private final ConvGeometry g;
  private final int flip;
  private final int zero;
  /** Weight parts {@code [part][out][in][kH][kW]}. */
  private final byte[][] parts;
  /** Input channels where each chunk starts; the last entry is the channel count. */
  private final int[] chunks;
  /** {@code zero · Σ w} over the in-bounds taps, per output channel and position (null when zero is 0). */
  private final int[] correction;
  private final Map<Integer, Plan> plans = new HashMap<>();
  /** A stream of this kernel's own: oneDNN streams must not be shared between threads. */
  private final stream stream = new stream(Dnnl.ENGINE);

  DnnlConvKernel(ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint) {
    if (!eligible(g)) throw new IllegalArgumentException("The oneDNN kernel takes convolutions in one group, not " + g + ".");
    this.g = g;
    this.flip = Codes.flip(inputUnsigned);
    this.zero = Codes.zero(inputUnsigned, inputZeroPoint);
    int max = 0;
    for (byte w : weights) max = Math.max(max, Math.abs(w));
    if (max <= PART) {
      parts = new byte[][] {weights.clone()};
    } else {
      parts = new byte[2][weights.length];
      for (int i = 0; i < weights.length; i++) {
        int w1 = Math.max(-PART, Math.min(PART, weights[i]));
        parts[0][i] = (byte) w1;
        parts[1][i] = (byte) (weights[i] - w1);
      }
    }
    this.chunks = chunks(g, Math.max(1, Math.min(max, PART)));
    this.correction = zero == 0 ? null : correction(g, weights, zero);
  }

  /** Convolutions in one group whose kernel alone fits a chunk (any real one: up to 1028 taps). */
  static boolean eligible(ConvGeometry g) {
    return g.groups() == 1 && (long) g.kernelH() * g.kernelW() * 255 * PART <= FLOAT_EXACT;
  }

  @Override public ConvGeometry geometry() { return g; }

  @Override public String name() { return "dnnl-int8"; }

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
      for (int c = 0; c < g.inChannels(); c++) {
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
    private final BytePointer[] src;
    private final memory[] srcUser, srcConv, dstConv;
    private final reorder[] srcReorder, dstReorder;
    private final convolution_forward[] conv;
    private final memory[][] weights; // [part][chunk]
    private final IntPointer dst;
    private final memory dstUser;
    private final byte[] stage;
    private final int[] sum;

    Plan(int batch) {
      this.batch = batch;
      int n = chunks.length - 1, out = g.outChannels();
      src = new BytePointer[n];
      srcUser = new memory[n];
      srcConv = new memory[n];
      dstConv = new memory[n];
      srcReorder = new reorder[n];
      dstReorder = new reorder[n];
      conv = new convolution_forward[n];
      weights = new memory[parts.length][n];
      long[] dstDims = {batch, out, g.outH(), g.outW()};
      dst = new IntPointer((long) batch * g.outputSize());
      dstUser = new memory(new memory.desc(dstDims, memory.data_type.s32, memory.format_tag.nchw), Dnnl.ENGINE, dst);
      int widest = 0;
      for (int c = 0; c < n; c++) {
        int cl = chunks[c + 1] - chunks[c];
        widest = Math.max(widest, cl);
        long[] srcDims = {batch, cl, g.inH(), g.inW()}, wDims = {out, cl, g.kernelH(), g.kernelW()};
        convolution_forward.desc d = new convolution_forward.desc(prop_kind.forward_inference, algorithm.convolution_direct,
            new memory.desc(srcDims, memory.data_type.u8, memory.format_tag.any),
            new memory.desc(wDims, memory.data_type.s8, memory.format_tag.any),
            new memory.desc(dstDims, memory.data_type.s32, memory.format_tag.any),
            new long[] {g.stride(), g.stride()}, new long[] {g.padH(), g.padW()}, new long[] {g.padH(), g.padW()});
        convolution_forward.primitive_desc pd = new convolution_forward.primitive_desc(d, new primitive_attr(), Dnnl.ENGINE);
        conv[c] = new convolution_forward(pd);
        src[c] = new BytePointer((long) batch * cl * g.inH() * g.inW());
        srcUser[c] = new memory(new memory.desc(srcDims, memory.data_type.u8, memory.format_tag.nchw), Dnnl.ENGINE, src[c]);
        srcConv[c] = new memory(pd.src_desc(), Dnnl.ENGINE);
        srcReorder[c] = new reorder(srcUser[c], srcConv[c]);
        dstConv[c] = new memory(pd.dst_desc(), Dnnl.ENGINE);
        dstReorder[c] = new reorder(dstConv[c], dstUser);
        for (int p = 0; p < parts.length; p++) {
          BytePointer wp = new BytePointer(slice(parts[p], chunks[c], chunks[c + 1]));
          memory user = new memory(new memory.desc(wDims, memory.data_type.s8, memory.format_tag.oihw), Dnnl.ENGINE, wp);
          weights[p][c] = new memory(pd.weights_desc(), Dnnl.ENGINE);
          new reorder(user, weights[p][c]).execute(stream, user, weights[p][c]);
          stream._wait();
          wp.deallocate();
        }
      }
      stage = new byte[batch * widest * g.inH() * g.inW()];
      sum = new int[batch * g.outputSize()];
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
        for (memory[] part : weights) {
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
