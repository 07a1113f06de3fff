package bitlab.dsl.exercise;

import bitlab.BitlabException;
import java.util.Locale;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * Write Hutchinson's estimator: the mean of {@code vᵀ H v} over {@code probes} random vectors {@code v} of ±1
 * entries, given only the product {@code v -> H v} (as for a network, where {@code H} is never formed). Checked on
 * symmetric matrices whose exact traces are known, as bitlab's {@code exactCheck()} checks its own estimates: with
 * many probes the estimate must lie within four standard errors of the exact trace, the standard error of ±1 probes
 * being {@code sqrt(2 · Σ_{i≠j} H_ij² / probes)}.
 */
public final class HutchinsonExercise {
  @FunctionalInterface
  public interface TraceEstimator {
    double trace(UnaryOperator<double[]> hessianTimes, int n, int probes, Random random);
  }

  static final String NAME = "Hutchinson's estimator";
  static final int PROBES = 4000;

  /** A random symmetric matrix with a strong diagonal (seeded). */
  static double[][] matrix(int n, long seed) {
    Random r = new Random(seed);
    double[][] h = new double[n][n];
    for (int i = 0; i < n; i++) {
      h[i][i] = 1 + 3 * r.nextDouble();
      for (int j = 0; j < i; j++) h[i][j] = h[j][i] = 0.3 * r.nextGaussian();
    }
    return h;
  }

  public Verdict check(TraceEstimator mine) {
    if (mine == null)
      return Verdict.wrong(
          NAME, 0, "there is no function to check; write one, e.g. (hv, n, probes, random) -> ...");
    int cases = 0;
    for (int n : new int[] {4, 12, 40}) {
      cases++;
      double[][] h = matrix(n, 100 + n);
      double trace = 0, offDiagonal = 0, all = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if (i == j) trace += h[i][j];
          else offDiagonal += h[i][j] * h[i][j];
          all += h[i][j];
        }
      }
      int[] calls = {0};
      UnaryOperator<double[]> hv = v -> {
        if (v == null || v.length != n)
          throw new BitlabException(
              "H v needs a vector of " + n + " entries, got " + (v == null ? "null" : v.length));
        calls[0]++;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) out[i] += h[i][j] * v[j];
        return out;
      };
      double est;
      try {
        est = mine.trace(hv, n, PROBES, new Random(7));
      } catch (RuntimeException e) {
        return Verdict.threw(NAME, cases, "a " + n + "x" + n + " matrix", e);
      }
      double se = Math.sqrt(2 * offDiagonal / PROBES);
      String input = String.format(Locale.ROOT, "a %dx%d matrix with trace %.4f", n, n, trace);
      if (calls[0] != PROBES) {
        return Verdict.wrong(
            NAME,
            cases,
            String.format(
                Locale.ROOT,
                "for %s with %d probes your code computed H v %d times; each probe is one product H v.",
                input,
                PROBES,
                calls[0]));
      }
      if (Math.abs(est - trace) <= 4 * se) continue;
      String why = Math.abs(est - trace / n) <= 4 * se / n + 1e-9
          ? " It is the trace divided by n: that is the average curvature HAWQ uses, not the trace."
          : Math.abs(est - all) < 1e-6 * Math.abs(all) + 1e-9
              ? " It is the sum of all entries, vᵀ H v for v = (1, 1, ...): the probes must be random ±1."
              : Math.abs(est - PROBES * trace) <= 4 * se * PROBES
                  ? " It is the sum over the probes; the estimate is their mean."
                  : "";
      return Verdict.wrong(
          NAME,
          cases,
          String.format(
              Locale.ROOT,
              "for %s your estimate is %.4f, more than four standard errors (%.4f each) away.%s",
              input,
              est,
              se,
              why));
    }
    return Verdict.right(
        NAME,
        cases,
        "on all " + cases
            + " matrices your estimate lies within four standard errors of the exact trace.");
  }
}
