package bitlab.integer.kernel;

/**
 * A convolution computed as one matrix product per group, {@code acc[o][col] = Σ_k A[o][k]·B[k][col]}:
 * A holds the weights (M = out/groups rows, K = fan-in columns), B the im2col matrix of the input
 * (a column per image and output position, entries {@code x − zx}, padding 0).
 *
 * <p>B is never built whole: each work item packs one panel of {@link #NR} columns into a
 * per-thread buffer and multiplies it with blocks of {@link #MR} weight rows, packed once when the
 * kernel is made. A subclass supplies that MR x NR micro-kernel. All arithmetic is int32, wrapping
 * exactly as the reference loop's does, so the order of the sums does not matter.
 */
abstract class PanelConvKernel implements ConvKernel {
  static final int MR = 4;
  static final int NR = 24;
  /** Work items per thread to aim for, so that uneven items still balance. */
  private static final int ITEMS_PER_THREAD = 4;

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  final ConvGeometry g;
  final int threads;
  /** A code decodes to {@code ((code ^ flip) & 0xFF) - zero}, which is {@code x − zx} (see {@link Codes}). */
  final int flip;

  final int zero;
  /** Rows and columns of one group's weight matrix, and its blocks of MR rows. */
  final int m;

  final int k;
  final int blocks;
  /** Per group: {@code [block][k][MR]}, rows past M are zero. */
  final int[][] packed;

  private final Decoder decoder;

  PanelConvKernel(
      ConvGeometry g,
      byte[] weights,
      boolean inputUnsigned,
      int inputZeroPoint,
      int threads,
      Decoder decoder) {
    this.g = g;
    this.decoder = decoder;
    this.threads = threads;
    this.flip = Codes.flip(inputUnsigned);
    this.zero = Codes.zero(inputUnsigned, inputZeroPoint);
    this.m = g.outChannels() / g.groups();
    this.k = g.fanIn();
    this.blocks = (m + MR - 1) / MR;
    this.packed = new int[g.groups()][blocks * k * MR];
    for (int gr = 0; gr < g.groups(); gr++) {
      int[] p = packed[gr];
      for (int row = 0; row < m; row++) {
        int src = (gr * m + row) * k;
        int dst = (row / MR) * k * MR + row % MR;
        for (int kk = 0; kk < k; kk++) p[dst + kk * MR] = weights[src + kk];
      }
    }
  }

  /**
   * Multiplies the weight block at {@code a[aOff..]} ({@code [k][MR]}) with the panel {@code b}
   * ({@code [k][NR]}) and writes row {@code r} of the MR x NR result to
   * {@code out[outOff + r * rowStride ..]}. Only the first {@code cols} columns of the panel hold
   * data (the others may hold anything); at least the first {@code cols} results of each row are
   * written, and no more than NR.
   */
  abstract void micro(int[] a, int aOff, int[] b, int cols, int[] out, int outOff, int rowStride);

  @Override
  public ConvGeometry geometry() {
    return g;
  }

  @Override
  public void accumulate(byte[] input, int batch, int[] acc) {
    ConvKernels.checkCall(g, input, batch, acc);
    run(input, batch, acc, null, null);
  }

  /** Each MR x NR tile goes through the epilogue while it is in cache: no int32 array of the layer's size. */
  @Override
  public void requantize(byte[] input, int batch, Epilogue e, byte[] out) {
    ConvKernels.checkCall(g, input, batch, out);
    run(input, batch, null, e, out);
  }

  /** Writes accumulators to {@code acc}, or (when it is null) their codes through {@code e} to {@code out}. */
  private void run(byte[] input, int batch, int[] acc, Epilogue e, byte[] out) {
    int threads = Parallel.threadsFor(g.macs() * batch, this.threads);
    if (batch == 0) return;
    int[] x = decoder.decodeAll(input, batch * g.inputSize(), flip, zero, threads);
    int columns = batch * g.outH() * g.outW();
    int panels = (columns + NR - 1) / NR;
    int perGroup = g.groups() * panels;
    // few panels (small maps, batch 1): split the weight rows too, so every core has work
    int splits = threads == 1 || perGroup >= ITEMS_PER_THREAD * threads
        ? 1
        : Math.min(blocks, (ITEMS_PER_THREAD * threads + perGroup - 1) / perGroup);
    Parallel.run(perGroup * splits, threads, item -> {
      int split = item % splits, panel = (item / splits) % panels, group = item / (splits * panels);
      int col0 = panel * NR, cols = Math.min(NR, columns - col0);
      Scratch s = SCRATCH.get();
      int[] b = s.panel(k * NR);
      im2col(x, group, col0, cols, b);
      int first = split * blocks / splits, last = (split + 1) * blocks / splits;
      int[] a = packed[group];
      int ohw = g.outH() * g.outW(), image = col0 / ohw, pos = col0 % ohw;
      // a whole panel inside one image writes straight into the accumulators
      boolean direct = acc != null && cols == NR && pos + NR <= ohw;
      int at = image * g.outputSize() + group * m * ohw + pos;
      for (int block = first; block < last; block++) {
        if (direct && (block + 1) * MR <= m) {
          micro(a, block * k * MR, b, cols, acc, at + block * MR * ohw, ohw);
        } else {
          micro(a, block * k * MR, b, cols, s.tile, 0, NR);
          scatter(s.tile, group, block, col0, cols, acc, e, out);
        }
      }
    });
  }

  /** Packs columns {@code col0 .. col0+cols-1} of group {@code group}'s im2col matrix into {@code b}. */
  private void im2col(int[] input, int group, int col0, int cols, int[] b) {
    int ohw = g.outH() * g.outW(), ow = g.outW();
    int groupBase = group * g.groupIn() * g.inH() * g.inW();
    for (int t = 0; t < cols; ) {
      int col = col0 + t, image = col / ohw, pos = col % ohw;
      int y = pos / ow, x = pos % ow;
      int run = Math.min(cols - t, ow - x); // one stretch of an output row
      segment(input, image * g.inputSize() + groupBase, y, x, run, b, t);
      t += run;
    }
  }

  private void segment(int[] in, int base, int y, int x, int run, int[] b, int t) {
    int s = g.stride(), kh = g.kernelH(), kw = g.kernelW(), ih = g.inH(), iw = g.inW();
    int plane = ih * iw;
    for (int c = 0; c < g.groupIn(); c++) {
      for (int i = 0; i < kh; i++) {
        int iy = y * s - g.padH() + i;
        for (int j = 0; j < kw; j++) {
          int d = ((c * kh + i) * kw + j) * NR + t;
          if (iy < 0 || iy >= ih) {
            for (int u = 0; u < run; u++) b[d + u] = 0;
            continue;
          }
          int ix0 = x * s - g.padW() + j;
          int hi = ix0 >= iw ? 0 : Math.min(run, (iw - ix0 + s - 1) / s);
          int lo = ix0 >= 0 ? 0 : Math.min(hi, (-ix0 + s - 1) / s);
          for (int u = 0; u < lo; u++) b[d + u] = 0;
          for (int u = hi; u < run; u++) b[d + u] = 0;
          int row = base + c * plane + iy * iw + ix0;
          if (s == 1) {
            if (hi > lo) System.arraycopy(in, row + lo, b, d + lo, hi - lo);
          } else {
            for (int u = lo; u < hi; u++) b[d + u] = in[row + u * s];
          }
        }
      }
    }
  }

  /** Copies the valid rows and columns of a tile into the NCHW accumulators, or writes their codes through {@code e}. */
  private void scatter(
      int[] tile, int group, int block, int col0, int cols, int[] acc, Epilogue e, byte[] out) {
    int ohw = g.outH() * g.outW(), outSize = g.outputSize();
    int rows = Math.min(MR, m - block * MR);
    for (int t = 0; t < cols; ) {
      int col = col0 + t, image = col / ohw, pos = col % ohw;
      int run = Math.min(cols - t, ohw - pos);
      int channel = group * m + block * MR, at = image * outSize + channel * ohw + pos;
      for (int r = 0; r < rows; r++) {
        if (acc != null) System.arraycopy(tile, r * NR + t, acc, at + r * ohw, run);
        else e.codes(channel + r, tile, r * NR + t, 1, run, out, at + r * ohw);
      }
      t += run;
    }
  }

  /** One thread's buffers, reused across calls. */
  private static final class Scratch {
    final int[] tile = new int[MR * NR];
    private int[] panel = new int[0];

    int[] panel(int size) {
      if (panel.length < size) panel = new int[size];
      return panel;
    }
  }
}
