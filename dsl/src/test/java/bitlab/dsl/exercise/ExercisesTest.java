package bitlab.dsl.exercise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.dsl.Exercises;
import bitlab.dsl.display.MimeBundle;
import bitlab.hardware.Bits;
import bitlab.model.Zoo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every exercise: the solution the solutions notebook gives is right, and each typical mistake is caught and named. */
class ExercisesTest {
  static void right(Verdict v) {
    assertTrue(v.right(), v.toString());
  }

  static void wrong(Verdict v, String says) {
    assertFalse(v.right(), v.toString());
    assertTrue(v.sentence().contains(says), "expected '" + says + "' in: " + v.sentence());
  }

  @Test
  void fakeQuantizer() {
    var ex = Exercises.fakeQuantizer();
    right(ex.check((x, s, z, lo, hi) ->
        (Math.max(lo, Math.min(hi, Math.rint(x / s) + z)) - z) * s));
    wrong(
        ex.check((x, s, z, lo, hi) -> (Math.max(lo, Math.min(hi, Math.round(x / s) + z)) - z) * s),
        "ties are rounded up");
    wrong(ex.check((x, s, z, lo, hi) -> Math.rint(x / s) * s), "not clamped");
    wrong(
        ex.check((x, s, z, lo, hi) -> Math.max(lo, Math.min(hi, Math.rint(x / s) + z))),
        "returns the integer code");
    wrong(ex.check((x, s, z, lo, hi) -> x), "values differ; for x =");
    wrong(
        ex.check((x, s, z, lo, hi) -> {
          throw new ArithmeticException("oops");
        }),
        "threw ArithmeticException (oops)");
    wrong(ex.check(null), "no function");
    var v = ex.check((x, s, z, lo, hi) -> x);
    assertTrue(v.render().data().get(MimeBundle.HTML).contains("not yet"));
    // a wrong answer is one of bitlab's sentences (no stack frames in a notebook), the verdict
    // itself
    assertEquals(
        v.toString(), assertThrows(bitlab.BitlabException.class, v::require).getMessage());
  }

  @Test
  void clipSearch() {
    var ex = Exercises.clipSearch();
    right(ex.check(ExercisesTest::gridSearch));
    wrong(
        ex.check((values, bits) -> {
          double m = 0;
          for (double v : values) m = Math.max(m, Math.abs(v));
          return m;
        }),
        "That is min-max");
    wrong(ex.check((values, bits) -> 1e-3), "clips too much");
    wrong(ex.check((values, bits) -> -1), "must be positive");
  }

  /** The solution: try 200 clipping values between 0 and the largest magnitude, keep the one with the lowest error. */
  static double gridSearch(double[] values, int bits) {
    double max = 0;
    for (double v : values) max = Math.max(max, Math.abs(v));
    int qmax = (1 << (bits - 1)) - 1;
    double best = max, bestErr = Double.POSITIVE_INFINITY;
    for (int k = 1; k <= 200; k++) {
      double alpha = max * k / 200, scale = alpha / qmax, err = 0;
      for (double v : values) {
        double q = Math.max(-qmax, Math.min(qmax, Math.rint(v / scale))) * scale;
        err += (v - q) * (v - q);
      }
      if (err < bestErr) {
        bestErr = err;
        best = alpha;
      }
    }
    return best;
  }

  @Test
  void hutchinson() {
    var ex = Exercises.hutchinson();
    HutchinsonExercise.TraceEstimator solution = (hv, n, probes, random) -> {
      double sum = 0;
      for (int k = 0; k < probes; k++) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = random.nextBoolean() ? 1 : -1;
        double[] w = hv.apply(v);
        for (int i = 0; i < n; i++) sum += v[i] * w[i];
      }
      return sum / probes;
    };
    right(ex.check(solution));
    wrong(
        ex.check((hv, n, probes, random) -> solution.trace(hv, n, probes, random) / n),
        "trace divided by n");
    wrong(
        ex.check((hv, n, probes, random) -> {
          double sum = 0;
          for (int k = 0; k < probes; k++) {
            double[] v = new double[n];
            java.util.Arrays.fill(v, 1);
            double[] w = hv.apply(v);
            for (int i = 0; i < n; i++) sum += w[i];
          }
          return sum / probes;
        }),
        "sum of all entries");
    wrong(
        ex.check((hv, n, probes, random) -> solution.trace(hv, n, probes / 2, random)),
        "computed H v 2000 times");
  }

  @Test
  void dyadic() {
    var ex = Exercises.dyadic();
    DyadicExercise.Approximation approx = m -> {
      int c = 30 - Math.getExponent(m);
      long b = Math.round(Math.scalb(m, c));
      if (b >= 1L << 31) {
        c--;
        b = Math.round(Math.scalb(m, c));
      }
      return new long[] {b, c};
    };
    DyadicExercise.RoundingShift shift = (acc, b, c) -> {
      long v = acc * b, floor = v >> c, rest = v - (floor << c), half = 1L << (c - 1);
      return rest > half || (rest == half && (floor & 1) == 1) ? floor + 1 : floor;
    };
    right(ex.check(approx, shift));
    wrong(ex.check(approx, (acc, b, c) -> (acc * b) >> c), "the shift alone");
    wrong(ex.check(approx, (acc, b, c) -> (acc * b + (1L << (c - 1))) >> c), "ties go up");
    wrong(
        ex.check(
            m -> {
              long[] bc = approx.of(m);
              return new long[] {bc[0] / 2, bc[1] - 1};
            },
            shift),
        "you give");
    wrong(
        ex.check(
            m -> {
              int c = 40;
              return new long[] {(long) Math.floor(Math.scalb(m, c)), c};
            },
            shift),
        "significant bits");
  }

  @Test
  void bops() {
    var ex = Exercises.bops(Zoo.architecture("lenet5", 28, 1.0, 0));
    BopsExercise.BopsCount solution = (layers, policy) -> {
      long total = 0;
      for (int i = 0; i < layers.size(); i++)
        total += layers.get(i).macs() * policy.get(i).weights() * policy.get(i).activations();
      return total;
    };
    right(ex.check(solution));
    wrong(
        ex.check((layers, policy) -> {
          long total = 0;
          for (int i = 0; i < layers.size(); i++)
            total += layers.get(i).macs() * policy.get(i).weights();
          return total;
        }),
        "weight bits only");
    wrong(
        ex.check((layers, policy) -> {
          long total = 0;
          for (int i = 0; i < layers.size(); i++)
            total += layers.get(i).weights()
                * policy.get(i).weights()
                * policy.get(i).activations();
          return total;
        }),
        "number of weights");
    assertTrue(
        ex.check(solution).sentence().contains("uniform W8A8: 26,657,280 BOPs"),
        ex.check(solution).sentence());
    assertTrue(
        ex.bops(List.of(Bits.of(4, 4), Bits.of(4, 4), Bits.of(4, 4), Bits.of(4, 4), Bits.of(4, 4)))
            == 6_664_320L);
  }
}
