package bitlab.integer.kernel;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import java.nio.IntBuffer;
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
 * One rectangle of a layer's output on oneDNN: images {@code [n0, n1)} and output rows {@code [y0, y1)}, with
 * the input rows they read (the padding of the rows inside the input becomes real rows, so the piece is a
 * convolution of its own with its own top and bottom padding). Per input-channel chunk it has a convolution;
 * per chunk and weight part an int32 output in NHWC ({@link #sums}), written by the convolution itself where
 * NHWC is oneDNN's own choice, else through a reorder.
 */
final class DnnlPiece {
  final int n0, n1, y0, y1;
  /** The input rows the piece reads, {@code [r0, r1)}. */
  private final int r0, r1;

  private final ConvGeometry g;
  private final int[] chunks;
  private final String[] impls;
  private final BytePointer[] src;
  private final memory[] srcUser, srcConv, srcUserNhwc;
  private final reorder[] srcReorder, srcReorderNhwc;
  /** Per chunk, oneDNN's own input buffer when it takes NHWC as it is (channels-last codes are copied straight in), else null. */
  private final BytePointer[] srcDirect;

  private final convolution_forward[] conv;
  private final memory[][] weights, dst, nhwcMemory;
  private final reorder[][] toNhwc;
  /** Each convolution's arguments, made once: a native map per call would cost an allocation and its bookkeeping. */
  private final IntMemoryMap[][] args;

  private final IntPointer[][] nhwc;
  /**
   * The int32 sums of every (chunk, part), NHWC over the piece: {@code [n1-n0][y1-y0][outW][outChannels]}. For a piece
   * whose sums are {@link #shared}, the running thread's buffers, bound by each run.
   */
  final IntBuffer[] sums;

  /** The first (chunk, part)'s sums as bytes in native order, for an epilogue that reads them where oneDNN wrote them. */
  java.nio.ByteBuffer firstSums;

  /**
   * Whether oneDNN writes this piece's sums into the running thread's own buffers ({@link SharedSums}), which every
   * such piece the thread runs reuses, rather than into buffers of the piece's own. A layer cut into pieces so that
   * their sums stay in a core's cache (MobileNet-V2's expansions at 112x112: 80 pieces of 512 KB at batch 8) otherwise
   * writes 80 different buffers, 40 MB, each call: every piece's first write fetches its lines from memory and
   * evicts the last piece's to memory, a round trip the sums were cut into pieces to avoid.
   */
  private final boolean shared;

  private final long outSize;

  /** The largest sums a piece shares its thread's buffers for (ints): larger pieces keep buffers of their own. */
  static final long SHARED_MAX = 1 << 18;

  final boolean reordered;
  /** A stream of the piece's own: oneDNN streams must not be shared between threads. */
  private final stream stream = new stream(Dnnl.ENGINE);

  /** Makes the piece with the split and chunks its plan chose ({@code parts}: the weights, whole or split). */
  DnnlPiece(ConvGeometry g, int n0, int n1, int y0, int y1, int[] chunks, byte[][] parts) {
    this.g = g;
    this.n0 = n0;
    this.n1 = n1;
    this.y0 = y0;
    this.y1 = y1;
    this.chunks = chunks;
    int s = g.strideH();
    this.r0 = Math.max(0, y0 * s - g.padH());
    this.r1 = Math.min(g.inH(), (y1 - 1) * s - g.padH() + g.kernelH());
    int n = chunks.length - 1, p = parts.length;
    impls = new String[n];
    src = new BytePointer[n];
    srcUser = new memory[n];
    srcConv = new memory[n];
    srcReorder = new reorder[n];
    srcUserNhwc = new memory[n];
    srcReorderNhwc = new reorder[n];
    srcDirect = new BytePointer[n];
    conv = new convolution_forward[n];
    weights = new memory[n][p];
    dst = new memory[n][p];
    nhwcMemory = new memory[n][p];
    toNhwc = new reorder[n][p];
    args = new IntMemoryMap[n][p];
    nhwc = new IntPointer[n][p];
    sums = new IntBuffer[n * p];
    int images = n1 - n0, rows = r1 - r0;
    long outSize = (long) images * g.outChannels() * (y1 - y0) * g.outW();
    this.outSize = outSize;
    this.shared = outSize <= SHARED_MAX;
    memory.desc nhwcDesc = new memory.desc(
        new long[] {images, g.outChannels(), y1 - y0, g.outW()},
        memory.data_type.s32,
        memory.format_tag.nhwc);
    boolean anyReorder = false;
    for (int c = 0; c < n; c++) {
      int cl = chunks[c + 1] - chunks[c];
      convolution_forward.primitive_desc pd =
          primitive(g, images, cl, rows, y1 - y0, r0 - (y0 * s - g.padH()));
      impls[c] = pd.impl_info_str().getString();
      conv[c] = new convolution_forward(pd);
      src[c] = new BytePointer((long) images * cl * rows * g.inW());
      srcUser[c] = new memory(
          new memory.desc(
              new long[] {images, cl, rows, g.inW()}, memory.data_type.u8, memory.format_tag.nchw),
          Dnnl.ENGINE,
          src[c]);
      srcConv[c] = new memory(pd.src_desc(), Dnnl.ENGINE);
      srcReorder[c] = new reorder(srcUser[c], srcConv[c]);
      memory.desc nhwcSrc = new memory.desc(
          new long[] {images, cl, rows, g.inW()}, memory.data_type.u8, memory.format_tag.nhwc);
      if (pd.src_desc().equals(nhwcSrc)) {
        srcDirect[c] = new BytePointer(srcConv[c].get_data_handle())
            .capacity((long) images * cl * rows * g.inW());
      } else {
        srcUserNhwc[c] = new memory(nhwcSrc, Dnnl.ENGINE, src[c]);
        srcReorderNhwc[c] = new reorder(srcUserNhwc[c], srcConv[c]);
      }
      boolean direct = pd.dst_desc().equals(nhwcDesc);
      anyReorder |= !direct;
      for (int q = 0; q < p; q++) {
        BytePointer wp =
            new BytePointer(n == 1 ? parts[q] : slice(parts[q], chunks[c], chunks[c + 1]));
        memory user = new memory(
            new memory.desc(
                weightDims(g, cl),
                memory.data_type.s8,
                g.groups() == 1 ? memory.format_tag.oihw : memory.format_tag.goihw),
            Dnnl.ENGINE,
            wp);
        weights[c][q] = new memory(pd.weights_desc(), Dnnl.ENGINE);
        new reorder(user, weights[c][q]).execute(stream, user, weights[c][q]);
        stream._wait();
        wp.deallocate();
        nhwc[c][q] = shared ? SharedSums.get(c * p + q, outSize) : new IntPointer(outSize);
        nhwcMemory[c][q] = new memory(nhwcDesc, Dnnl.ENGINE, nhwc[c][q]);
        dst[c][q] = direct ? nhwcMemory[c][q] : new memory(pd.dst_desc(), Dnnl.ENGINE);
        toNhwc[c][q] = direct ? null : new reorder(dst[c][q], nhwcMemory[c][q]);
        args[c][q] = new IntMemoryMap()
            .put(DNNL_ARG_SRC, srcConv[c])
            .put(DNNL_ARG_WEIGHTS, weights[c][q])
            .put(DNNL_ARG_DST, dst[c][q]);
        sums[c * p + q] = nhwc[c][q].asBuffer();
      }
    }
    reordered = anyReorder;
    firstSums = nhwc[0][0].asByteBuffer().order(java.nio.ByteOrder.nativeOrder());
    if (shared) java.util.Arrays.fill(nhwc, null); // the thread's buffers, bound at each run
  }

  /** Points oneDNN's output and {@link #sums} at the calling thread's buffers where the piece's sums are shared. */
  private void bind() {
    if (!shared) return;
    int p = nhwcMemory[0].length;
    for (int c = 0; c < nhwcMemory.length; c++) {
      for (int q = 0; q < p; q++) {
        IntPointer b = SharedSums.get(c * p + q, outSize);
        nhwcMemory[c][q].set_data_handle(b);
        sums[c * p + q] = SharedSums.ints(c * p + q);
      }
    }
    firstSums = SharedSums.bytes(0);
  }

  /** What oneDNN runs for a layer of {@code images} over {@code channels} input channels (all rows: the whole layer). */
  static String implementation(ConvGeometry g, int images, int channels) {
    return primitive(g, images, channels, g.inH(), g.outH(), g.padH())
        .impl_info_str()
        .getString();
  }

  /**
   * The convolution over {@code rows} input rows giving {@code outRows} output rows with {@code top} rows of
   * padding above (the bottom padding is what the rows lack), formats left to oneDNN.
   */
  private static convolution_forward.primitive_desc primitive(
      ConvGeometry g, int images, int channels, int rows, int outRows, int top) {
    int bottom = Math.max(0, (outRows - 1) * g.strideH() + g.kernelH() - rows - top);
    convolution_forward.desc d = new convolution_forward.desc(
        prop_kind.forward_inference,
        algorithm.convolution_direct,
        new memory.desc(
            new long[] {images, channels, rows, g.inW()},
            memory.data_type.u8,
            memory.format_tag.any),
        new memory.desc(weightDims(g, channels), memory.data_type.s8, memory.format_tag.any),
        new memory.desc(
            new long[] {images, g.outChannels(), outRows, g.outW()},
            memory.data_type.s32,
            memory.format_tag.any),
        new long[] {g.strideH(), g.strideW()},
        new long[] {top, g.padW()},
        new long[] {bottom, g.padW()});
    return new convolution_forward.primitive_desc(d, new primitive_attr(), Dnnl.ENGINE);
  }

  /** {@code [out][channels][kH][kW]}, or {@code [groups][out/groups][in/groups][kH][kW]} for a grouped layer (then all channels). */
  private static long[] weightDims(ConvGeometry g, int channels) {
    if (g.groups() == 1) return new long[] {g.outChannels(), channels, g.kernelH(), g.kernelW()};
    return new long[] {
      g.groups(), g.outChannels() / g.groups(), g.groupIn(), g.kernelH(), g.kernelW()
    };
  }

  /** Weights of input channels {@code [c0, c1)}, {@code [out][c1-c0][kH][kW]}. */
  private byte[] slice(byte[] w, int c0, int c1) {
    int taps = g.kernelH() * g.kernelW(), fan = g.fanIn(), cl = c1 - c0;
    byte[] s = new byte[g.outChannels() * cl * taps];
    for (int o = 0; o < g.outChannels(); o++)
      System.arraycopy(w, o * fan + c0 * taps, s, o * cl * taps, cl * taps);
    return s;
  }

  /** Whether oneDNN takes this piece's channels-last input as it is (copied straight into its buffer, no reorder). */
  boolean readsNhwcInPlace() {
    for (BytePointer b : srcDirect) if (b == null) return false;
    return true;
  }

  String[] implementations() {
    return impls;
  }

  /** Runs the piece's convolutions on {@code input} (codes of the whole batch, NCHW) with a team of one OpenMP thread. */
  void run(byte[] input, int flip) {
    bind();
    OmpThreads.alone(() -> {
      int plane = g.inH() * g.inW(), rowBytes = (r1 - r0) * g.inW();
      for (int c = 0; c < chunks.length - 1; c++) {
        int c0 = chunks[c], cl = chunks[c + 1] - c0;
        byte[] stage = stage((n1 - n0) * cl * rowBytes);
        for (int i = n0, to = 0; i < n1; i++) {
          for (int ch = c0; ch < c0 + cl; ch++, to += rowBytes) {
            int from = i * g.inputSize() + ch * plane + r0 * g.inW();
            if (flip == 0) {
              System.arraycopy(input, from, stage, to, rowBytes);
            } else {
              for (int j = 0; j < rowBytes; j++) stage[to + j] = (byte) (input[from + j] ^ flip);
            }
          }
        }
        src[c].position(0).put(stage, 0, (n1 - n0) * cl * rowBytes);
        srcReorder[c].execute(stream, srcUser[c], srcConv[c]);
        for (int q = 0; q < weights[c].length; q++) {
          conv[c].execute(stream, args[c][q]);
          if (toNhwc[c][q] != null) toNhwc[c][q].execute(stream, dst[c][q], nhwcMemory[c][q]);
        }
      }
      stream._wait();
    });
  }

  /**
   * {@link #run} on channels-last codes ({@code [batch][H][W][C]}): the piece's rows of each image are one run of
   * bytes, copied straight into oneDNN's input where it takes NHWC (and the codes need no flip), else staged.
   */
  void runNhwc(byte[] input, int flip) {
    bind();
    OmpThreads.alone(() -> {
      int channels = g.inChannels(), rowBytes = (r1 - r0) * g.inW() * channels;
      for (int c = 0; c < chunks.length - 1; c++) {
        int c0 = chunks[c], cl = chunks[c + 1] - c0, len = (n1 - n0) * (r1 - r0) * g.inW() * cl;
        BytePointer to = srcDirect[c] != null ? srcDirect[c] : src[c];
        if (flip == 0 && cl == channels) {
          for (int i = n0, at = 0; i < n1; i++, at += rowBytes)
            to.position(at).put(input, i * g.inputSize() + r0 * g.inW() * channels, rowBytes);
        } else if (cl == channels) {
          // every channel, flipped: each image's rows are one run, in one loop the JIT vectorizes
          byte[] stage = stage(len);
          for (int i = n0, k = 0; i < n1; i++, k += rowBytes) {
            int from = i * g.inputSize() + r0 * g.inW() * channels;
            for (int j = 0; j < rowBytes; j++) stage[k + j] = (byte) (input[from + j] ^ flip);
          }
          to.position(0).put(stage, 0, len);
        } else {
          byte[] stage = stage(len);
          int k = 0;
          for (int i = n0; i < n1; i++) {
            for (int from = i * g.inputSize() + r0 * g.inW() * channels, end = from + rowBytes;
                from < end;
                from += channels)
              for (int ch = c0; ch < c0 + cl; ch++) stage[k++] = (byte) (input[from + ch] ^ flip);
          }
          to.position(0).put(stage, 0, len);
        }
        to.position(0);
        if (srcDirect[c] == null) srcReorderNhwc[c].execute(stream, srcUserNhwc[c], srcConv[c]);
        for (int q = 0; q < weights[c].length; q++) {
          conv[c].execute(stream, args[c][q]);
          if (toNhwc[c][q] != null) toNhwc[c][q].execute(stream, dst[c][q], nhwcMemory[c][q]);
        }
      }
      stream._wait();
    });
  }

  private static final ThreadLocal<byte[][]> STAGE = ThreadLocal.withInitial(() -> new byte[1][0]);

  private static byte[] stage(int len) {
    byte[][] s = STAGE.get();
    if (s[0].length < len) s[0] = new byte[len];
    return s[0];
  }
}
