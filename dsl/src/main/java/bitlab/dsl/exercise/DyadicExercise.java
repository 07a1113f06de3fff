package bitlab.dsl.exercise;

import bitlab.integer.Dyadic;
import bitlab.quant.Rounding;
import java.util.Locale;

/**
 * Write a dyadic multiplier: for a real {@code m}, the integers {@code b} and {@code c} with {@code b / 2^c} closest
 * to {@code m} and {@code b} between 2^30 and 2^31 (31 significant bits); then apply it to an accumulator with one
 * multiplication and one right shift that rounds ties to even. Checked against {@link Dyadic#of} and
 * {@link Dyadic#apply}, the integer executor's own.
 */
public final class DyadicExercise {
  @FunctionalInterface
  public interface Approximation {
    /** {@code {b, c}}. */
    long[] of(double m);
  }

  @FunctionalInterface
  public interface RoundingShift {
    /** {@code round(acc · b / 2^c)}, ties to even, in integers. */
    long apply(long acc, long b, int c);
  }

  static final String NAME = "dyadic multiplier";
  static final double[] MULTIPLIERS = {
    0.0123456789, 0.00430216, 0.5, 0.75, 1.273074, 3.0, 1e-7, 0.553836
  };
  static final long[] ACCUMULATORS = {
    0, 1, -1, 1000, 4051, 4052, -4052, 123456, -987654, 2_000_000_000L, -2_000_000_000L
  };

  public Verdict check(Approximation approximation, RoundingShift shift) {
    if (approximation == null || shift == null)
      return Verdict.wrong(
          NAME, 0, "check needs both functions: m -> new long[] {b, c}, and (acc, b, c) -> ...");
    int cases = 0;
    for (double m : MULTIPLIERS) {
      cases++;
      Dyadic d = Dyadic.of(m);
      long[] bc;
      try {
        bc = approximation.of(m);
      } catch (RuntimeException e) {
        return Verdict.threw(NAME, cases, "m = " + m, e);
      }
      if (bc == null || bc.length != 2)
        return Verdict.wrong(
            NAME, cases, "for m = " + m + " return two numbers, new long[] {b, c}.");
      long b = bc[0], c = bc[1];
      if (b != d.multiplier() || c != d.shift()) {
        String why = b >= (1L << 31) || b < (1L << 30)
            ? String.format(
                Locale.ROOT,
                " Your b has %d significant bits; keep it between 2^30 and 2^31 by choosing c = 30 - floor(log2 m).",
                64 - Long.numberOfLeadingZeros(b))
            : c == d.shift() && Math.abs(b - d.multiplier()) == 1
                ? " Your b is one off: round m · 2^c to the nearest integer rather than truncating it."
                : "";
        return Verdict.wrong(
            NAME,
            cases,
            String.format(
                Locale.ROOT,
                "for m = %s you give %d/2^%d (= %.10g), bitlab %s (= %.10g).%s",
                m,
                b,
                c,
                Math.scalb((double) b, (int) -Math.min(c, 1000)),
                d,
                d.value(),
                why));
      }
      for (long acc : ACCUMULATORS) {
        cases++;
        long expected = d.apply(acc, Rounding.HALF_EVEN), got;
        try {
          got = shift.apply(acc, d.multiplier(), d.shift());
        } catch (RuntimeException e) {
          return Verdict.threw(NAME, cases, "acc = " + acc + " and " + d, e);
        }
        if (got != expected) {
          long v = acc * d.multiplier();
          String why = got == v >> d.shift()
              ? " That is the shift alone, which rounds down (towards minus infinity); add half of 2^c first."
              : got == Dyadic.shiftRound(v, d.shift(), Rounding.HALF_UP)
                  ? " Your ties go up; bitlab rounds a tie to the even neighbour."
                  : got == Dyadic.shiftRound(v, d.shift(), Rounding.HALF_AWAY)
                      ? " Your ties go away from zero; bitlab rounds a tie to the even neighbour."
                      : got == Math.round(acc * d.value())
                          ? " That is floating point; do it in integers: (acc · b + half) >> c, with the tie rule."
                          : "";
          return Verdict.wrong(
              NAME,
              cases,
              String.format(
                  Locale.ROOT,
                  "for acc = %d and %s you return %d, bitlab %d.%s",
                  acc,
                  d,
                  got,
                  expected,
                  why));
        }
      }
    }
    return Verdict.right(
        NAME,
        cases,
        "your b/2^c equals bitlab's for all " + MULTIPLIERS.length
            + " multipliers, and your rounding shift agrees on all "
            + MULTIPLIERS.length * ACCUMULATORS.length
            + " accumulators, ties and negative values included.");
  }
}
