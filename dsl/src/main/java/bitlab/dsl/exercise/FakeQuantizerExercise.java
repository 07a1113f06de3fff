package bitlab.dsl.exercise;

import bitlab.dsl.tensor.TensorQuantizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Write fake quantization: {@code x̂ = (clamp(round(x / scale) + z, qmin, qmax) − z) · scale}, ties rounded to the
 * even neighbour. Checked against {@link TensorQuantizer#roundTrip} on four quantizers (signed and unsigned, 2 to 8
 * bits) whose scales are powers of two, so that every tie is an exact tie in any arithmetic.
 */
public final class FakeQuantizerExercise {
  /** The student's function. */
  @FunctionalInterface
  public interface FakeQuantizer {
    double apply(double x, double scale, int zeroPoint, int qmin, int qmax);
  }

  static final String NAME = "fake quantizer";

  /** Quantizers with power-of-two scales: 0.25 (uint4, zero point 4), 2^-6 (int8), 0.25 (int3), 0.125 (uint2). */
  static List<TensorQuantizer> quantizers() {
    return List.of(
        TensorQuantizer.asymmetric(4, -1.0, 2.75),
        TensorQuantizer.symmetric(8, 127 / 64.0),
        TensorQuantizer.symmetric(3, 0.75),
        TensorQuantizer.asymmetric(2, 0.0, 0.375));
  }

  /** Wrong answers a student is likely to give, each with the sentence that names it. */
  private static Map<String, FakeQuantizer> mistakes() {
    Map<String, FakeQuantizer> m = new LinkedHashMap<>();
    m.put(
        "ties are rounded up (Math.round or floor(v + 0.5)); bitlab rounds a tie to the even neighbour (Math.rint): 2.5 -> 2, 3.5 -> 4",
        (x, s, z, lo, hi) -> (clamp(Math.floor(x / s + 0.5) + z, lo, hi) - z) * s);
    m.put(
        "ties are rounded away from zero; bitlab rounds a tie to the even neighbour (Math.rint): 2.5 -> 2, -2.5 -> -2",
        (x, s, z, lo, hi) ->
            (clamp(Math.signum(x / s) * Math.floor(Math.abs(x / s) + 0.5) + z, lo, hi) - z) * s);
    m.put(
        "the code is not clamped to [qmin, qmax], so values outside the range are not clipped",
        (x, s, z, lo, hi) -> Math.rint(x / s) * s);
    m.put(
        "it returns the integer code; fake quantization returns the real value the code stands for, (code - z) · scale",
        (x, s, z, lo, hi) -> clamp(Math.rint(x / s) + z, lo, hi));
    m.put(
        "the zero point is left out: the code is round(x / scale) + z, and the value (code - z) · scale",
        (x, s, z, lo, hi) -> clamp(Math.rint(x / s), lo, hi) * s);
    m.put(
        "the zero point is subtracted where it should be added: the code is round(x / scale) + z",
        (x, s, z, lo, hi) -> (clamp(Math.rint(x / s) - z, lo, hi) + z) * s);
    return m;
  }

  static double clamp(double v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  public Verdict check(FakeQuantizer mine) {
    if (mine == null)
      return Verdict.wrong(
          NAME,
          0,
          "there is no function to check; write one, e.g. (x, scale, z, qmin, qmax) -> ...");
    List<double[]> cases = new ArrayList<>(); // x, then the quantizer's index
    List<TensorQuantizer> qs = quantizers();
    for (int k = 0; k < qs.size(); k++) {
      TensorQuantizer q = qs.get(k);
      for (double x = q.lo() - 4 * q.scale();
          x <= q.hi() + 4 * q.scale() + 1e-12;
          x += q.scale() / 4) cases.add(new double[] {x, k});
    }
    Map<String, FakeQuantizer> mistakes = mistakes();
    Map<String, Boolean> matches = new LinkedHashMap<>();
    mistakes.keySet().forEach(s -> matches.put(s, true));
    String first = null;
    int wrong = 0;
    for (double[] c : cases) {
      TensorQuantizer q = qs.get((int) c[1]);
      double x = c[0], expected = q.roundTrip(x), got;
      try {
        got = mine.apply(x, q.scale(), q.zeroPoint(), q.qmin(), q.qmax());
      } catch (RuntimeException e) {
        return Verdict.threw(NAME, cases.size(), input(q, x), e);
      }
      for (Map.Entry<String, FakeQuantizer> m : mistakes.entrySet()) {
        if (Math.abs(m.getValue().apply(x, q.scale(), q.zeroPoint(), q.qmin(), q.qmax()) - got)
            > 1e-9) matches.put(m.getKey(), false);
      }
      if (!(Math.abs(got - expected) <= 1e-9)) {
        wrong++;
        if (first == null)
          first = String.format(
              Locale.ROOT, "for %s you return %s, bitlab %s", input(q, x), num(got), num(expected));
      }
    }
    if (wrong == 0) {
      return Verdict.right(
          NAME,
          cases.size(),
          String.format(
              Locale.ROOT,
              "your fake quantizer agrees with bitlab's on all %,d values of four "
                  + "quantizers, ties and clipped values included.",
              cases.size()));
    }
    String why = matches.entrySet().stream()
        .filter(Map.Entry::getValue)
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse(null);
    return Verdict.wrong(
        NAME,
        cases.size(),
        String.format(Locale.ROOT, "%,d of %,d values differ; ", wrong, cases.size())
            + first
            + (why == null ? "." : ". What differs: " + why + "."));
  }

  private static String input(TensorQuantizer q, double x) {
    return String.format(
        Locale.ROOT,
        "x = %s with scale %s, zero point %d, codes %d..%d",
        num(x),
        num(q.scale()),
        q.zeroPoint(),
        q.qmin(),
        q.qmax());
  }

  static String num(double v) {
    return String.format(Locale.ROOT, "%.6g", v)
        .replaceAll("(\\.\\d*?)0+($|e)", "$1$2")
        .replaceAll("\\.($|e)", "$1");
  }
}
