package bitlab.integer.kernel;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How one {@link DnnlConvKernel} runs a batch size. It asks oneDNN which implementation serves the whole
 * layer, and makes only the arrangements that implementation needs (the weight split, the channel chunks:
 * see {@link DnnlConvKernel}). It cuts the layer into {@link DnnlPiece}s (groups of images, or strips of
 * output rows when there are too few images) that the executor's threads share, each piece on one OpenMP
 * thread ({@link OmpThreads}); a thread that finishes a piece reads its int32 sums once, a tile of
 * positions at a time, adds the chunks and parts, subtracts the zero-point correction and either writes
 * NCHW accumulators or hands them to the layer's epilogue, which writes the output codes.
 */
final class DnnlPlan {
  /** Ints of one tile (positions x channels) read from oneDNN's output at a time: fits the first-level cache. */
  private static final int TILE_INTS = 8192;

  private final DnnlConvKernel k;
  private final ConvGeometry g;
  private final int batch;
  private final int chunks;
  private final int parts;
  private final List<DnnlPiece> pieces = new ArrayList<>();
  private final int[] bounds;
  /** The layer as one piece (see {@link #whole()}), null until the machine is first found busy. */
  private List<DnnlPiece> whole;
  /** Whether the last call ran the layer as one piece because the machine was busy. */
  private boolean ranWhole;
  /** Whether the last call ran as one because helper threads are off ({@link Parallel.Helpers#NEVER}). */
  private boolean helpersOff;
  /** How this layer runs while the machine is busy: its shape's measurement, shared in the process. */
  private final SplitChoice busyChoice;
  /**
   * A call's thread time, summed over its pieces: staging the input and oneDNN's convolutions, then reading the int32
   * sums and the epilogue in Java (what the profile shows of a layer's two halves); the last {@link #RECENT} calls'.
   */
  private final AtomicLong nativeNanos = new AtomicLong(), javaNanos = new AtomicLong();

  static final int RECENT = 9;

  private final long[] recentNative = new long[RECENT], recentJava = new long[RECENT];
  private int calls;

  /** The most sums a piece writes, as {@link ConvKernels#pieceInts()} was when the plan was made. */
  private final long maxInts = ConvKernels.pieceInts();

  DnnlPlan(DnnlConvKernel k, int batch) {
    this.k = k;
    this.g = k.g;
    this.batch = batch;
    // oneDNN sizes a primitive's thread team when it is made: made on a team of one, a piece runs
    // on one thread
    String[] found = new String[1];
    OmpThreads.alone(() -> found[0] = DnnlPiece.implementation(g, batch, g.inChannels()));
    // what oneDNN runs for the whole layer decides the split and the chunks
    String impl = found[0];
    boolean split = k.maxWeight > DnnlConvKernel.PART && !DnnlConvKernel.exactPairs(impl);
    int partMax = Math.max(1, split ? DnnlConvKernel.PART : k.maxWeight);
    boolean chunked = g.groups() == 1
        && !DnnlConvKernel.exactInt32(impl)
        && (long) g.fanIn() * 255 * partMax > DnnlConvKernel.FLOAT_EXACT;
    int[] bounds = chunked ? DnnlConvKernel.chunks(g, partMax) : new int[] {0, g.inChannels()};
    for (int attempt = 0; ; attempt++) {
      pieces.clear();
      byte[][] w = k.parts(split);
      int[] chunkBounds = bounds;
      OmpThreads.alone(() -> {
        for (int[] r : rectangles())
          pieces.add(new DnnlPiece(g, r[0], r[1], r[2], r[3], chunkBounds, w));
      });
      // a piece may get another implementation than the whole layer: it must not saturate either
      boolean saturates = false;
      for (DnnlPiece p : pieces)
        for (String i : p.implementations()) saturates |= !DnnlConvKernel.exactPairs(i);
      if (split || k.maxWeight <= DnnlConvKernel.PART || !saturates || attempt > 0) break;
      split = true;
    }
    this.chunks = bounds.length - 1;
    this.parts = split ? 2 : 1;
    this.bounds = bounds;
    this.busyChoice = SplitChoice.forShape(new Shape(g, batch, pieces.size(), chunks, parts));
  }

  /** What makes two layers' plans cost alike, so that they share their choice on a busy machine. */
  private record Shape(ConvGeometry g, int batch, int pieces, int chunks, int parts) {}

  /**
   * What runs on the calling thread alone while the machine is busy ({@link Parallel#busy}): the layer as one piece
   * when its int32 sums fit {@link #maxInts} (made on first need, and only kept if its implementations keep the
   * sums exact with this plan's weight parts), else the pieces one after the other, each still in the cache.
   */
  private List<DnnlPiece> whole() {
    if (whole == null) {
      whole = pieces;
      if (rectangles(g, batch, 1, maxInts).size() == 1) {
        byte[][] w = k.parts(parts == 2);
        DnnlPiece[] made = new DnnlPiece[1];
        OmpThreads.alone(() -> made[0] = new DnnlPiece(g, 0, batch, 0, g.outH(), bounds, w));
        boolean exact = parts == 2 || k.maxWeight <= DnnlConvKernel.PART;
        if (!exact) {
          exact = true;
          for (String i : made[0].implementations()) exact &= DnnlConvKernel.exactPairs(i);
        }
        if (exact) whole = List.of(made[0]);
      }
    }
    return whole;
  }

  /**
   * The most int32 sums one piece writes: 512 KB, which stay in a core's second-level cache (2 MB here) between
   * oneDNN writing them and Java reading them back. A layer whose sums are larger (MobileNet-V2's expansions at 112x112
   * hold 1.2 million per image) is cut into pieces of at most this many, so its sums need not go out to the shared
   * cache or memory and come back.
   */
  static final long PIECE_INTS = 1 << 17;

  /**
   * The pieces as {@code {n0, n1, y0, y1}}: one for a small layer or without {@link OmpThreads}; else groups
   * of images when there are at least as many as threads, else strips of output rows; and in any case small enough
   * that a piece's sums fit {@link #maxInts} ({@link #PIECE_INTS} unless a bench set another).
   */
  private List<int[]> rectangles() {
    int threads = Parallel.defaultThreads();
    long macs = g.macs() * batch;
    // below eight times the work a helper thread needs, cutting a layer costs more than a second
    // core gives
    int want = !OmpThreads.AVAILABLE || macs < 8 * Parallel.minParallelMacs() ? 1 : threads;
    return rectangles(g, batch, want, OmpThreads.AVAILABLE ? maxInts : Long.MAX_VALUE);
  }

  /**
   * {@code batch} images of {@code g}'s output cut into at least {@code want} pieces where it can, each of at most
   * {@code maxInts} sums where it can (one row of one image is the smallest piece): strips of rows of every image when
   * one image is larger than that or there are fewer images than pieces wanted, else groups of whole images.
   */
  static List<int[]> rectangles(ConvGeometry g, int batch, int want, long maxInts) {
    int oh = g.outH();
    long perImage = g.outputSize();
    List<int[]> out = new ArrayList<>();
    int strips = (int) Math.min(oh, (perImage + maxInts - 1) / maxInts);
    if (batch < want) strips = Math.max(strips, Math.min(oh, want));
    if (strips > 1) {
      for (int n = 0; n < batch; n++)
        for (int i = 0; i < strips; i++)
          out.add(new int[] {n, n + 1, i * oh / strips, (i + 1) * oh / strips});
      return out;
    }
    long bySize = (batch * perImage + maxInts - 1) / maxInts;
    int groups = (int) Math.min(batch, Math.max(Math.min(batch, want), bySize));
    for (int i = 0; i < groups; i++)
      out.add(new int[] {i * batch / groups, (i + 1) * batch / groups, 0, oh});
    return out;
  }

  /** The implementation and the arrangements it needed, e.g. {@code brgconv:avx512_core_amx_int8, one pass}. */
  String describe() {
    LinkedHashSet<String> impls = new LinkedHashSet<>();
    boolean reordered = false, inPlace = true;
    for (DnnlPiece p : pieces) {
      impls.addAll(List.of(p.implementations()));
      reordered |= p.reordered;
      inPlace &= p.readsNhwcInPlace();
    }
    return String.join(", ", impls)
        + (parts == 1 ? ", one pass" : ", 8-bit weights split into two passes")
        + (chunks == 1 ? "" : ", " + chunks + " channel chunks")
        + (reordered ? ", output reordered to NHWC" : "")
        + (k.channelsLast() ? (inPlace ? ", NHWC in and out" : ", NHWC input reordered") : "")
        + (pieces.size() == 1 ? "" : ", in " + pieces.size() + " pieces")
        + (!ranWhole
            ? ""
            : (whole == pieces ? " (last call on one thread" : " (last call as one")
                + (helpersOff
                    ? ": the machine was busy, helper threads are off)"
                    : ": the machine was busy, and so this layer ran faster)"))
        + (calls == 0 ? "" : "; " + split(recentNative, recentJava, Math.min(calls, RECENT)));
  }

  /**
   * The median thread time per call in oneDNN (with the input's staging) and in Java's reading and requantization,
   * over the first {@code n} calls of the two arrays.
   */
  static String split(long[] nativeNanos, long[] javaNanos, int n) {
    double nat = median(nativeNanos, n) / 1e6, java = median(javaNanos, n) / 1e6;
    return String.format(
        "median of %d call%s: %.3f ms in oneDNN, %.3f ms reading its sums and requantizing (%.0f%%)",
        n, n == 1 ? "" : "s", nat, java, 100 * java / (nat + java));
  }

  private static double median(long[] v, int n) {
    long[] s = java.util.Arrays.copyOf(v, n);
    java.util.Arrays.sort(s);
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
  }

  /**
   * One call: each piece's convolutions, then their sums, read once. With {@code acc} the NCHW accumulators
   * are written there; else {@code e} turns them into codes in {@code out}.
   */
  void run(byte[] input, int[] acc, Epilogue e, byte[] out) {
    call(p -> {
      long t0 = System.nanoTime();
      p.run(input, k.flip);
      long t1 = System.nanoTime();
      read(p, acc, e, out);
      took(t0, t1, System.nanoTime());
    });
  }

  private void took(long start, long nativeDone, long end) {
    nativeNanos.addAndGet(nativeDone - start);
    javaNanos.addAndGet(end - nativeDone);
  }

  /**
   * {@link #run} writing channels-last codes: the input (channels-last when {@code inputNhwc}, else NCHW) is staged
   * as it is, and the epilogue gets the sums in their order.
   */
  void runNhwc(byte[] input, boolean inputNhwc, Epilogue e, byte[] out) {
    int[] corr = k.correctionNhwc();
    call(p -> {
      long t0 = System.nanoTime();
      if (inputNhwc) p.runNhwc(input, k.flip);
      else p.run(input, k.flip);
      long t1 = System.nanoTime();
      readNhwc(p, corr, e, out);
      took(t0, t1, System.nanoTime());
    });
  }

  /**
   * Runs {@code piece} on every piece, on the executor's threads, or on the layer as one piece: always in pieces while
   * the machine is not busy, never with helper threads off, and on a busy machine as this layer's own timing of the
   * two ways found faster ({@link SplitChoice}).
   */
  private void call(java.util.function.Consumer<DnnlPiece> piece) {
    boolean busy = pieces.size() > 1 && Parallel.busy();
    helpersOff = busy && Parallel.helpersOff();
    boolean split = !busy || (!helpersOff && busyChoice.split());
    boolean timing = busy && !helpersOff && busyChoice.timing();
    ranWhole = !split;
    List<DnnlPiece> use = split ? pieces : whole();
    int threads = split ? Parallel.defaultThreads() : 1;
    long start = System.nanoTime();
    nativeNanos.set(0);
    javaNanos.set(0);
    Parallel.run(use.size(), threads, i -> piece.accept(use.get(i)));
    if (timing) busyChoice.took(System.nanoTime() - start);
    recentNative[calls % RECENT] = nativeNanos.get();
    recentJava[calls % RECENT] = javaNanos.get();
    calls++;
  }

  /** {@code sum[0, len)} gets the piece's int32 sums from {@code at}, its channel chunks and weight parts added. */
  private static void sum(DnnlPiece p, int at, int len, int[] sum) {
    p.sums[0].get(at, sum, 0, len);
    if (p.sums.length == 1) return;
    int[] more = IntScratch.get(2, len);
    for (int s = 1; s < p.sums.length; s++) {
      p.sums[s].get(at, more, 0, len);
      for (int i = 0; i < len; i++) sum[i] += more[i];
    }
  }

  /** Reads a piece's NHWC sums a tile of positions at a time, all channels, into the epilogue (NHWC codes). */
  private void readNhwc(DnnlPiece p, int[] corr, Epilogue e, byte[] out) {
    int[] perChannel = k.channelCorrection;
    boolean[] border = k.border;
    int channels = g.outChannels(), pieceHw = (p.y1 - p.y0) * g.outW();
    int tile = Math.max(1, Math.min(pieceHw, TILE_INTS / channels));
    int[] sum = IntScratch.get(1, tile * channels);
    for (int image = p.n0; image < p.n1; image++) {
      for (int q0 = 0; q0 < pieceHw; q0 += tile) {
        int t = Math.min(tile, pieceHw - q0), len = t * channels;
        int at = ((image - p.n0) * pieceHw + q0) * channels;
        int first = (p.y0 * g.outW() + q0) * channels;
        if (p.sums.length == 1 && perChannel == null) {
          // one convolution's sums and nothing to subtract: the epilogue reads them where oneDNN
          // wrote them
          e.positions(p.firstSums, at, t, channels, out, image * g.outputSize() + first);
          continue;
        }
        if (p.sums.length == 1) {
          // one convolution's sums less a correction (signed input): runs of positions whose taps
          // all fall inside the input subtract the same one, which the epilogue folds into its bias
          // as it reads them in place; runs on the border go through a copy, each position its own
          int to = image * g.outputSize() + first, pos0 = first / channels;
          for (int q = 0; q < t; ) {
            boolean edge = border != null && border[pos0 + q];
            int r = q + 1;
            while (r < t && (border != null && border[pos0 + r]) == edge) r++;
            int a = at + q * channels, o = to + q * channels;
            if (!edge) {
              e.positionsMinus(p.firstSums, a, r - q, channels, perChannel, out, o);
            } else {
              sum(p, a, (r - q) * channels, sum);
              for (int i = 0, j = (pos0 + q) * channels; i < (r - q) * channels; i++, j++)
                sum[i] -= corr[j];
              e.positions(sum, 0, r - q, channels, out, o);
            }
            q = r;
          }
          continue;
        }
        sum(p, at, len, sum);
        if (perChannel != null) {
          // the whole kernel's correction inside, each position's own on the border
          for (int q = 0, i = 0, pos = first / channels; q < t; q++, i += channels, pos++) {
            if (border == null || !border[pos]) {
              for (int c = 0; c < channels; c++) sum[i + c] -= perChannel[c];
            } else {
              for (int c = 0, j = pos * channels; c < channels; c++) sum[i + c] -= corr[j + c];
            }
          }
        }
        e.positions(sum, 0, t, channels, out, image * g.outputSize() + first);
      }
    }
  }

  /** Reads a piece's NHWC sums in tiles of positions (each tile within one output row range of one image). */
  private void read(DnnlPiece p, int[] acc, Epilogue e, byte[] out) {
    int channels = g.outChannels(),
        ow = g.outW(),
        hw = g.outH() * ow,
        rows = p.y1 - p.y0,
        pieceHw = rows * ow;
    int tile = Math.max(1, Math.min(pieceHw, TILE_INTS / channels));
    int[] sum = IntScratch.get(1, tile * channels), column = IntScratch.get(3, tile);
    int[] corr = k.correction;
    for (int image = p.n0; image < p.n1; image++) {
      for (int q0 = 0; q0 < pieceHw; q0 += tile) {
        int t = Math.min(tile, pieceHw - q0), len = t * channels;
        int at = ((image - p.n0) * pieceHw + q0) * channels;
        sum(p, at, len, sum);
        int pos = p.y0 * ow + q0, base = image * g.outputSize() + pos;
        for (int c = 0; c < channels; c++) {
          // one channel's run of positions, gathered contiguous (NCHW) for the accumulators or the
          // epilogue
          int[] to = acc != null ? acc : column;
          int o = acc != null ? base + c * hw : 0;
          for (int i = 0, j = c; i < t; i++, j += channels) to[o + i] = sum[j];
          if (corr != null) for (int i = 0; i < t; i++) to[o + i] -= corr[c * hw + pos + i];
          if (acc == null) e.codes(c, column, 0, 1, t, out, base + c * hw);
        }
      }
    }
  }
}
