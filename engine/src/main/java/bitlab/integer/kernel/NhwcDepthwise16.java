package bitlab.integer.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link NhwcDepthwiseKernel}'s rows in 16-bit lanes, twice the channels per instruction: for layers whose nine
 * products of the largest input and weight magnitudes sum within 16 bits ({@link #fits}; 4-bit codes against 4-bit
 * weights reach 9·15·8 = 1,080). Lanes wrap modulo 2<sup>16</sup>, and a sum that fits 16 bits is then exact whatever
 * its partial sums did; the row's sums leave widened to int32 for the epilogue.
 */
final class NhwcDepthwise16 {
  private static final VectorSpecies<Short> S = ShortVector.SPECIES_PREFERRED;
  private static final int LANES = S.length();
  /** The int32 halves of a 16-bit vector. */
  private static final VectorSpecies<Integer> I =
      VectorSpecies.of(int.class, VectorShape.forBitSize(S.vectorBitSize()));

  private static final int HALF = I.length();
  private static final VectorSpecies<Byte> B =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(8 * LANES));
  private static final ThreadLocal<short[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new short[3][0]);

  private final ConvGeometry g;
  private final boolean unsigned;
  private final short zx;
  private final int cp;
  /** Weights {@code [tap][cp]}, zero past the last channel. */
  private final short[] weights;

  private final VectorMask<Integer> low, high;

  /** Whether every sum of nine products of {@code inputBits}-bit codes (less the zero point) and these weights fits 16 bits. */
  static boolean fits(byte[] weights, boolean unsigned, int zeroPoint, int inputBits) {
    int bits = Math.max(1, Math.min(8, inputBits));
    int lo = unsigned ? 0 : -(1 << (bits - 1)),
        hi = unsigned ? (1 << bits) - 1 : (1 << (bits - 1)) - 1;
    long x = Math.max(Math.abs((long) lo - zeroPoint), Math.abs((long) hi - zeroPoint));
    long w = 0;
    for (byte b : weights) w = Math.max(w, Math.abs(b));
    return 9 * x * w <= Short.MAX_VALUE;
  }

  NhwcDepthwise16(ConvGeometry g, byte[] weights, boolean unsigned, int zeroPoint) {
    this.g = g;
    this.unsigned = unsigned;
    this.zx = (short) zeroPoint;
    int c = g.outChannels();
    this.cp = (c + LANES - 1) / LANES * LANES;
    this.weights = new short[9 * cp];
    for (int o = 0; o < c; o++)
      for (int t = 0; t < 9; t++) this.weights[t * cp + o] = weights[o * 9 + t];
    int rest = c % LANES == 0 ? LANES : c % LANES;
    this.low = I.indexInRange(0, rest);
    this.high = I.indexInRange(HALF, rest);
  }

  /** This thread's three input rows of a padded width {@code wp}. */
  short[][] scratch(int wp) {
    short[][] s = SCRATCH.get();
    for (int i = 0; i < 3; i++) if (s[i].length < wp * cp) s[i] = new short[wp * cp];
    return s;
  }

  /** One output row's int32 sums {@code [column][channel]} from the input rows in {@code rows[slots[i]]} (-1: padding). */
  void sums(short[][] rows, int[] slots, int[] sums) {
    int ow = g.outW(), c = g.outChannels(), step = g.stride() * cp;
    short[] r0 = slots[0] < 0 ? null : rows[slots[0]],
        r1 = slots[1] < 0 ? null : rows[slots[1]],
        r2 = slots[2] < 0 ? null : rows[slots[2]];
    for (int cb = 0; cb < cp; cb += LANES) {
      boolean full = cb + LANES <= c;
      ShortVector w0 = ShortVector.fromArray(S, weights, cb),
          w1 = ShortVector.fromArray(S, weights, cp + cb),
          w2 = ShortVector.fromArray(S, weights, 2 * cp + cb);
      ShortVector w3 = ShortVector.fromArray(S, weights, 3 * cp + cb),
          w4 = ShortVector.fromArray(S, weights, 4 * cp + cb),
          w5 = ShortVector.fromArray(S, weights, 5 * cp + cb);
      ShortVector w6 = ShortVector.fromArray(S, weights, 6 * cp + cb),
          w7 = ShortVector.fromArray(S, weights, 7 * cp + cb),
          w8 = ShortVector.fromArray(S, weights, 8 * cp + cb);
      for (int x = 0, p = cb, o = cb; x < ow; x++, p += step, o += c) {
        ShortVector v = ShortVector.zero(S);
        if (r0 != null) v = row(r0, p, w0, w1, w2, v);
        if (r1 != null) v = row(r1, p, w3, w4, w5, v);
        if (r2 != null) v = row(r2, p, w6, w7, w8, v);
        IntVector a = (IntVector) v.convertShape(VectorOperators.S2I, I, 0),
            b = (IntVector) v.convertShape(VectorOperators.S2I, I, 1);
        if (full) {
          a.intoArray(sums, o);
          b.intoArray(sums, o + HALF);
        } else {
          a.intoArray(sums, o, low);
          b.intoArray(sums, o + HALF, high);
        }
      }
    }
  }

  private ShortVector row(
      short[] r, int p, ShortVector a, ShortVector b, ShortVector c, ShortVector v) {
    return v.add(ShortVector.fromArray(S, r, p).mul(a))
        .add(ShortVector.fromArray(S, r, p + cp).mul(b))
        .add(ShortVector.fromArray(S, r, p + 2 * cp).mul(c));
  }

  /** Input row {@code iy} of image {@code n} as {@code x − zx}, {@code [padded column][cp]}, the padding columns zero. */
  void read(byte[] in, boolean nhwc, int n, int iy, short[] row) {
    int iw = g.inW(), c = g.outChannels(), pw = g.padW(), mask = unsigned ? 0xFF : -1;
    java.util.Arrays.fill(row, 0, pw * cp, (short) 0);
    java.util.Arrays.fill(row, (pw + iw) * cp, (2 * pw + iw) * cp, (short) 0);
    if (nhwc) {
      int whole = c / LANES * LANES;
      for (int x = 0, src = (n * g.inH() + iy) * iw * c, d = pw * cp;
          x < iw;
          x++, src += c, d += cp) {
        for (int cb = 0; cb < whole; cb += LANES) {
          ShortVector v = (ShortVector)
              ByteVector.fromArray(B, in, src + cb).convertShape(VectorOperators.B2S, S, 0);
          (unsigned ? v.and((short) 0xFF) : v).sub(zx).intoArray(row, d + cb);
        }
        for (int ch = whole; ch < cp; ch++)
          row[d + ch] = (short) (ch < c ? (in[src + ch] & mask) - zx : 0);
      }
    } else {
      int plane = g.inH() * iw;
      for (int ch = 0; ch < cp; ch++) {
        int src = (n * c + ch) * plane + iy * iw;
        for (int x = 0, d = pw * cp + ch; x < iw; x++, d += cp)
          row[d] = (short) (ch < c ? (in[src + x] & mask) - zx : 0);
      }
    }
  }
}
