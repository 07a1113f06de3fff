package bitlab.integer.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise 3x3 convolutions channels-last, with the requantization applied to each output row while its sums are in
 * the first-level cache: the alternative to oneDNN's depthwise ({@code brdgmm_dw}), whose int32 sums go to memory and
 * come back for a Java pass. Channels sit in the vector lanes; a work item is one image and a band of output rows.
 * Each input row the band needs is read once into {@code x − zx} ints, {@code [column][channel]} with zero columns for
 * the padding (three rows in a ring); an output row is then, per block of channels with its nine weight vectors in
 * registers, nine multiply-adds per position into one row of sums, which {@link Epilogue#positions} turns into codes.
 * Reads codes NHWC (or NCHW, the network's input) and writes NHWC, so a chain of channels-last layers stays so.
 */
final class NhwcDepthwiseKernel implements ConvKernel {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = F.length();
  private static final float MAGIC = 0x1.8p23f;
  private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);
  private static final VectorSpecies<Integer> I =
      VectorSpecies.of(int.class, VectorShape.forBitSize(F.vectorBitSize()));
  private static final VectorSpecies<Byte> B =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(8 * LANES));
  /** Per thread: one row of sums. */
  private static final ThreadLocal<int[][]> SCRATCH = ThreadLocal.withInitial(() -> new int[1][0]);

  /** Per thread: three input rows and a row of zeros (a padding row: no branch in the sums, whose vectors C2 would box at the merge). */
  private static final ThreadLocal<float[][]> ROWS = ThreadLocal.withInitial(() -> new float[4][0]);

  private final ConvGeometry g;
  private final int threads;
  private final boolean unsigned;
  /** The input zero point as the codes are read: unsigned bytes, or sign-extended ones. */
  private final int zx;
  /** Channels rounded up to whole vectors: the stride of a row's columns. */
  private final int cp;
  /** Weights {@code [tap][cp]}, zero past the last channel. */
  private final float[] weights;

  private final VectorMask<Integer> tail;

  NhwcDepthwiseKernel(
      ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint, int threads) {
    if (!eligible(g))
      throw new IllegalArgumentException(
          "The channels-last depthwise kernel takes 3x3 depthwise layers of stride 1 or 2, not " + g
              + ".");
    this.g = g;
    this.threads = threads;
    this.unsigned = inputUnsigned;
    this.zx = inputZeroPoint;
    int c = g.outChannels();
    this.cp = (c + LANES - 1) / LANES * LANES;
    this.weights = new float[9 * cp];
    for (int o = 0; o < c; o++)
      for (int t = 0; t < 9; t++) this.weights[t * cp + o] = weights[o * 9 + t];
    this.tail = I.indexInRange(0, c % LANES == 0 ? LANES : c % LANES);
  }

  @Override
  public String detail(int batch) {
    return LANES + " channels a vector, exact float sums";
  }

  /** Whether this kernel runs {@code g}: one input channel per output channel, 3x3, the same stride 1 or 2 along both axes. */
  static boolean eligible(ConvGeometry g) {
    return g.groups() == g.inChannels()
        && g.outChannels() == g.inChannels()
        && g.kernelH() == 3
        && g.kernelW() == 3
        && g.squareStride()
        && (g.stride() == 1 || g.stride() == 2);
  }

  @Override
  public ConvGeometry geometry() {
    return g;
  }

  @Override
  public String name() {
    return "java-depthwise-nhwc";
  }

  /** Channels-last unless turned off for the whole JVM ({@link ConvKernels#channelsLast()}); NCHW calls go through {@link #accumulate}. */
  @Override
  public boolean channelsLast() {
    return ConvKernels.channelsLast();
  }

  @Override
  public void requantizeNhwc(byte[] input, boolean inputNhwc, int batch, Epilogue e, byte[] out) {
    ConvKernels.checkCall(g, input, batch, out);
    run(input, inputNhwc, batch, e, out, null);
  }

  /** The sums NCHW, for callers that want int32 (a wide output, tests): the rows' sums transposed. */
  @Override
  public void accumulate(byte[] input, int batch, int[] acc) {
    ConvKernels.checkCall(g, input, batch, acc);
    run(input, false, batch, null, null, acc);
  }

  private void run(byte[] in, boolean nhwc, int batch, Epilogue e, byte[] out, int[] acc) {
    int oh = g.outH();
    int threads = Parallel.threadsFor(g.macs() * batch, this.threads);
    // enough items for the threads to share even at batch 1; a band re-reads at most two rows
    int bands = Math.min(oh, Math.max(1, (4 * threads + batch - 1) / batch));
    int per = (oh + bands - 1) / bands;
    int items = (oh + per - 1) / per;
    Parallel.run(batch * items, threads, item -> {
      int n = item / items, y0 = (item % items) * per;
      band(in, nhwc, n, y0, Math.min(oh, y0 + per), e, out, acc);
    });
  }

  private void band(
      byte[] in, boolean nhwc, int n, int y0, int y1, Epilogue e, byte[] out, int[] acc) {
    int wp = g.inW() + 2 * g.padW(), ow = g.outW(), c = g.outChannels(), s = g.stride();
    int[][] scratch = SCRATCH.get();
    float[][] ring = ROWS.get();
    for (int i = 0; i < 4; i++) if (ring[i].length < wp * cp) ring[i] = new float[wp * cp];
    // rows of sums gathered for one epilogue call: on small maps a row is a few positions, and each
    // call sets up
    // every channel's multiplier again; on large ones one row, still in cache
    int rowInts = ow * c,
        gather = e == null ? 1 : Math.max(1, Math.min(y1 - y0, GATHER_INTS / rowInts));
    if (scratch[0].length < gather * rowInts + LANES)
      scratch[0] = new int[gather * rowInts + LANES];
    int[] sums = scratch[0];
    int[] held = {Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE};
    float[][] rows = new float[3][];
    for (int y = y0, first = y0; y < y1; y++) {
      for (int i = 0; i < 3; i++) {
        int iy = y * s - g.padH() + i;
        if (iy < 0 || iy >= g.inH()) {
          rows[i] = ring[3];
          continue;
        }
        int slot = Math.floorMod(iy, 3);
        if (held[slot] != iy) {
          read(in, nhwc, n, iy, ring[slot]);
          held[slot] = iy;
        }
        rows[i] = ring[slot];
      }
      sums(rows, sums, (y - first) * rowInts);
      if (e != null) {
        if (y - first + 1 == gather || y == y1 - 1) {
          e.positions(sums, 0, (y - first + 1) * ow, c, out, ((n * g.outH() + first) * ow) * c);
          first = y + 1;
        }
      } else {
        int oh = g.outH();
        for (int ch = 0; ch < c; ch++) {
          int to = ((n * c + ch) * oh + y) * ow;
          for (int x = 0; x < ow; x++) acc[to + x] = sums[x * c + ch];
        }
        first = y + 1;
      }
    }
  }

  /** The most sums gathered for one epilogue call: 32 KB, within the first-level cache. */
  private static final int GATHER_INTS = 8192;

  /**
   * One output row's sums {@code [column][channel]}, from {@code sums[at]}, from its three input rows, in float lanes:
   * every product and partial sum is an integer below 2<sup>24</sup> in magnitude (at most 9·255·128 = 293,760), so
   * each fused multiply-add is exact, and one costs a fraction of an int32 multiply and add.
   */
  private void sums(float[][] rows, int[] sums, int at) {
    int ow = g.outW(), c = g.outChannels(), step = g.stride() * cp;
    float[] r0 = rows[0], r1 = rows[1], r2 = rows[2];
    for (int cb = 0; cb < cp; cb += LANES) {
      boolean full = cb + LANES <= c;
      FloatVector w0 = FloatVector.fromArray(F, weights, cb),
          w1 = FloatVector.fromArray(F, weights, cp + cb),
          w2 = FloatVector.fromArray(F, weights, 2 * cp + cb);
      FloatVector w3 = FloatVector.fromArray(F, weights, 3 * cp + cb),
          w4 = FloatVector.fromArray(F, weights, 4 * cp + cb),
          w5 = FloatVector.fromArray(F, weights, 5 * cp + cb);
      FloatVector w6 = FloatVector.fromArray(F, weights, 6 * cp + cb),
          w7 = FloatVector.fromArray(F, weights, 7 * cp + cb),
          w8 = FloatVector.fromArray(F, weights, 8 * cp + cb);
      for (int x = 0, p = cb, o = at + cb; x < ow; x++, p += step, o += c) {
        FloatVector v = row(r0, p, w0, w1, w2, FloatVector.zero(F));
        v = row(r1, p, w3, w4, w5, v);
        v = row(r2, p, w6, w7, w8, v);
        // a float-to-int cast is not an intrinsic on JDK 17: the integer-valued sum plus 1.5·2^23
        // carries the integer
        // in its low mantissa bits (|sum| < 2^22)
        IntVector a = v.add(MAGIC).reinterpretAsInts().sub(MAGIC_BITS);
        if (full) a.intoArray(sums, o);
        else a.intoArray(sums, o, tail);
      }
    }
  }

  private FloatVector row(
      float[] r, int p, FloatVector a, FloatVector b, FloatVector c, FloatVector v) {
    v = FloatVector.fromArray(F, r, p).fma(a, v);
    v = FloatVector.fromArray(F, r, p + cp).fma(b, v);
    return FloatVector.fromArray(F, r, p + 2 * cp).fma(c, v);
  }

  /** Input row {@code iy} of image {@code n} as {@code x − zx}, {@code [padded column][cp]}, the padding columns zero. */
  private void read(byte[] in, boolean nhwc, int n, int iy, float[] row) {
    int iw = g.inW(), c = g.outChannels(), pw = g.padW(), mask = unsigned ? 0xFF : -1;
    java.util.Arrays.fill(row, 0, pw * cp, 0f);
    java.util.Arrays.fill(row, (pw + iw) * cp, (2 * pw + iw) * cp, 0f);
    if (nhwc) {
      int whole = c / LANES * LANES;
      for (int x = 0, src = (n * g.inH() + iy) * iw * c, d = pw * cp;
          x < iw;
          x++, src += c, d += cp) {
        for (int cb = 0; cb < whole; cb += LANES) {
          IntVector v = ((IntVector)
                  ByteVector.fromArray(B, in, src + cb).convertShape(VectorOperators.B2I, I, 0))
              .and(mask)
              .sub(zx);
          ((FloatVector) v.convertShape(VectorOperators.I2F, F, 0)).intoArray(row, d + cb);
        }
        for (int ch = whole; ch < cp; ch++) row[d + ch] = ch < c ? (in[src + ch] & mask) - zx : 0;
      }
    } else {
      int plane = g.inH() * iw;
      for (int ch = 0; ch < cp; ch++) {
        int src = (n * c + ch) * plane + iy * iw;
        for (int x = 0, d = pw * cp + ch; x < iw; x++, d += cp)
          row[d] = ch < c ? (in[src + x] & mask) - zx : 0;
      }
    }
  }
}
