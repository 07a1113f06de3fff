package bitlab.integer;

import bitlab.quant.Rounding;

/**
 * A real multiplier written as {@code multiplier / 2^shift} with a 31-bit multiplier: how the
 * integer-only pipeline rescales (HAWQ-V3's dyadic requantization). Applying it is one 64-bit product
 * and one arithmetic right shift that rounds in a stated mode, so no floating point is involved.
 *
 * <p>{@link #of} keeps the multiplier in {@code [2^30, 2^31)} (31 significant bits) whenever the shift
 * allows; the relative error of the approximation is then below {@code 2^-31}.
 */
public record Dyadic(int multiplier, int shift) {
  /** Largest shift: a 32-bit accumulator times a 31-bit multiplier still fits in a long. */
  public static final int MAX_SHIFT = 62;

  public Dyadic {
    if (multiplier < 0)
      throw new IntegerException(
          "A dyadic multiplier must be non-negative, got " + multiplier + ".");
    if (shift < 0 || shift > MAX_SHIFT)
      throw new IntegerException("A dyadic shift must be 0.." + MAX_SHIFT + ", got " + shift + ".");
  }

  /** The closest dyadic number to {@code m} (finite, {@code 0 <= m < 2^31}). */
  public static Dyadic of(double m) {
    if (!(m >= 0) || !Double.isFinite(m) || m >= 0x1p31) {
      throw new IntegerException(
          "A requantization multiplier of " + m + " cannot be written as a 31-bit dyadic number; "
              + "its scales are broken (zero, NaN or wildly different).");
    }
    if (m == 0) return new Dyadic(0, 0);
    int exponent = Math.getExponent(m); // m in [2^e, 2^(e+1))
    int shift = Math.min(MAX_SHIFT, 30 - exponent);
    if (shift < 0) shift = 0;
    long b = Math.round(Math.scalb(m, shift));
    if (b >= (1L << 31)) { // rounding reached 2^31: one bit less
      b = Math.round(Math.scalb(m, shift - 1));
      shift -= 1;
    }
    return new Dyadic((int) b, shift);
  }

  /** The real value {@code multiplier / 2^shift}. */
  public double value() {
    return Math.scalb((double) multiplier, -shift);
  }

  /** {@code round(t · multiplier / 2^shift)} in the given rounding, exactly, for {@code |t| < 2^32}. */
  public long apply(long t, Rounding rounding) {
    return shiftRound(t * multiplier, shift, rounding);
  }

  /**
   * {@code round(v / 2^shift)} by an arithmetic shift: half up adds half and shifts; half away does the
   * same on the magnitude; half even adds one less than half, plus the floor's lowest bit, and shifts
   * (so a tie goes up exactly when the floor is odd). No branch on the remainder: this runs once per
   * requantized element, and the JIT keeps the loops around it tight.
   */
  public static long shiftRound(long v, int shift, Rounding rounding) {
    if (shift == 0) return v;
    long half = 1L << (shift - 1);
    switch (rounding) {
      case HALF_UP:
        return (v + half) >> shift;
      case HALF_AWAY: {
        long q = (Math.abs(v) + half) >> shift;
        return v < 0 ? -q : q;
      }
      default:
        return (v + half - 1 + ((v >> shift) & 1)) >> shift;
    }
  }

  /** The range of some multipliers as tables show it: one, {@code lo .. hi}, or empty for none. */
  static String range(Dyadic... m) {
    if (m.length == 0) return "";
    Dyadic lo = m[0], hi = m[0];
    for (Dyadic d : m) {
      if (d.value() < lo.value()) lo = d;
      if (d.value() > hi.value()) hi = d;
    }
    return lo.equals(hi) ? lo.toString() : lo + " .. " + hi;
  }

  @Override
  public String toString() {
    return multiplier + "/2^" + shift;
  }
}
