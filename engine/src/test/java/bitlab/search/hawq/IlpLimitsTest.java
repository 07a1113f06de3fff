package bitlab.search.hawq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.Bits;
import bitlab.task.Work;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The ILP on problems too big or too hard to finish: no recursion to overflow, a time limit, and
 * then the best plan with a lower bound that is proven (checked against brute force when the
 * search is cut short at every depth).
 */
class IlpLimitsTest {

  /** n layers of two candidates under a size budget: the shape that overflowed the recursive search at 10,000. */
  static IlpProblem wide(int n, long seed) {
    Random r = new Random(seed);
    List<Bits> c = List.of(Bits.W4A4, Bits.W8A8);
    List<IlpProblem.Layer> layers = new ArrayList<>();
    double low = 0;
    double high = 0;
    for (int i = 0; i < n; i++) {
      double sens = Math.pow(10, -3 + 4 * r.nextDouble());
      int params = 100 + r.nextInt(5000);
      layers.add(new IlpProblem.Layer(
          "l" + i,
          c,
          new double[] {sens / 256 * (0.5 + r.nextDouble()), sens / 65536 * (0.5 + r.nextDouble())},
          Map.of("size", new double[] {params * 0.5, params})));
      low += params * 0.5;
      high += params;
    }
    return new IlpProblem(
        layers,
        List.of(new IlpProblem.Limit("size", "bytes", (low + high) / 2)),
        Map.of(),
        List.of());
  }

  @Test
  void tenThousandLayersGiveAPlanWithItsGapInsteadOfAStackOverflow() {
    IlpProblem p = wide(10_000, 1);
    List<String> progress = new ArrayList<>();
    Work.setProgressSink(progress::add);
    IlpSolution s;
    try {
      s = IlpSolver.solve(p, Duration.ofSeconds(3));
    } finally {
      Work.setProgressSink(null);
    }
    assertTrue(IlpSolverTest.feasible(p, s.choice()), "the plan meets the budget");
    assertTrue(s.proof().lowerBound() <= s.objective());
    assertTrue(s.gap() >= 0 && s.gap() < 0.01, "within 1% of the optimum: " + s.verdict());
    assertTrue(s.millis() < 60_000, "the 3 s limit held: " + s.millis() + " ms");
    if (!s.proof().proven()) {
      assertTrue(
          s.verdict().startsWith("best found within the 3 s time limit, at most "), s.verdict());
      assertFalse(progress.isEmpty(), "a search of seconds shows progress");
      assertTrue(
          progress
              .get(0)
              .matches(
                  "ILP: [0-9,]+ search nodes in \\d+ s of 3 s; best total Omega .*above the optimum"),
          progress.get(0));
    }
  }

  /** Random scaled problems (limits 1) cut short after every few nodes: the bound never passes the brute-force optimum. */
  @Test
  void theLowerBoundOfACutShortSearchIsProven() {
    int cut = 0;
    for (long seed = 1; seed <= 60; seed++) {
      Random r = new Random(seed);
      int g = 4 + r.nextInt(5);
      int k = 2 + r.nextInt(3);
      int nb = 1 + r.nextInt(2);
      double[][] omega = new double[g][k];
      double[][][] cost = new double[g][k][nb];
      for (int i = 0; i < g; i++) {
        for (int j = 0; j < k; j++) {
          omega[i][j] = r.nextDouble();
          for (int b = 0; b < nb; b++) cost[i][j][b] = r.nextDouble() * 2.5 / g;
        }
      }
      double opt = brute(omega, cost, nb);
      for (int every : new int[] {1, 2, 3, 5, 8, 13}) {
        Certificate c = new Certificate(omega, cost, nb);
        c.checkEvery = every;
        Certificate.Outcome o = c.run(null, System.nanoTime() - 1, null);
        if (!o.proven()) cut++;
        String where = "seed " + seed + ", stopped after " + o.nodes() + " nodes";
        if (Double.isInfinite(opt)) {
          assertEquals(null, o.choice(), where);
          continue;
        }
        assertTrue(
            o.lowerBound() <= opt + 1e-12,
            where + ": bound " + o.lowerBound() + " above the optimum " + opt);
        if (o.choice() != null) assertTrue(o.objective() >= opt - 1e-12, where);
        if (o.proven()) assertEquals(opt, o.objective(), 1e-12, where);
      }
    }
    assertTrue(cut > 100, "most searches were cut short: " + cut);
  }

  /**
   * 100 identical layers and room for half of them at 8 bits: the relaxation's completion takes all
   * or none (they tie), and the greedy fill finds the optimum before the search has taken a step.
   */
  @Test
  void identicalLayersGetAGoodPlanEvenFromASearchCutShortAtOnce() {
    List<Bits> c = List.of(Bits.W4A4, Bits.W8A8);
    List<IlpProblem.Layer> layers = new ArrayList<>();
    for (int i = 0; i < 100; i++)
      layers.add(new IlpProblem.Layer(
          "block" + i, c, new double[] {1.0, 0.1}, Map.of("size", new double[] {6, 12})));
    IlpProblem p = new IlpProblem(
        layers, List.of(new IlpProblem.Limit("size", "bytes", 900)), Map.of(), List.of());
    IlpSolution s = IlpSolver.solve(p, Duration.ofNanos(1), 1);
    assertEquals(55.0, s.objective(), 1e-9, "50 layers at W8A8, 50 at W4A4: " + s.verdict());
  }

  @Test
  void noPlanWithinTheTimeLimitIsASentence() {
    assertEquals(
        "No policy meeting 'size' <= 5 bytes (range 4 bytes to 9 bytes) was found within the ILP's time limit of 250 ms;"
            + " loosen a budget, or allow more time (timeLimit(seconds) in a notebook, --time-limit SECONDS on the command line).",
        IlpSolver.notFoundInTime(
            List.of(new IlpSolution.Usage("size", "bytes", Double.NaN, 5, 4, 9)),
            Duration.ofMillis(250)));
    assertEquals("20 s", IlpSolver.seconds(Duration.ofSeconds(20)));
    assertEquals("1.5 s", IlpSolver.seconds(Duration.ofMillis(1500)));
    assertEquals("5 min", IlpSolver.seconds(Duration.ofMinutes(5)));
  }

  @Test
  void timeLimitsAreChecked() {
    IlpInputException e = assertThrows(IlpInputException.class, () -> IlpSolver.timeLimit(-1));
    assertEquals(
        "The ILP's time limit must be a positive number of seconds, got -1.0.", e.getMessage());
    assertThrows(IlpInputException.class, () -> IlpSolver.timeLimit(Double.NaN));
    assertThrows(IlpInputException.class, () -> IlpSolver.timeLimit(Double.POSITIVE_INFINITY));
    assertEquals(Duration.ofMillis(1500), IlpSolver.timeLimit(1.5));
  }

  @Test
  void theVerdictSaysHowGoodAPlanIs() {
    IlpSolution s = IlpSolver.solve(wide(3, 2));
    assertEquals("proven optimal", s.verdict());
    IlpSolution cut =
        s.withProof(new IlpSolution.Proof(false, false, 10, s.objective() * 0.99, 20));
    assertEquals(
        "best found within the 20 s time limit, at most 1.00% above the optimum", cut.verdict());
    assertEquals(0.01, cut.gap(), 1e-12);
    var json = IlpJson.toJson(cut);
    assertEquals(0.01, json.get("gap").getAsDouble(), 1e-12);
    assertEquals(20, json.get("timeLimitSeconds").getAsDouble());
    assertFalse(json.get("provenOptimal").getAsBoolean());
  }

  private static double brute(double[][] omega, double[][][] cost, int nb) {
    int g = omega.length;
    int[] c = new int[g];
    double best = Double.POSITIVE_INFINITY;
    while (true) {
      boolean ok = true;
      for (int b = 0; b < nb && ok; b++) {
        double s = 0;
        for (int i = 0; i < g; i++) s += cost[i][c[i]][b];
        ok = s <= 1 + 1e-12;
      }
      if (ok) {
        double o = 0;
        for (int i = 0; i < g; i++) o += omega[i][c[i]];
        best = Math.min(best, o);
      }
      int i = 0;
      while (i < g && ++c[i] == omega[i].length) c[i++] = 0;
      if (i == g) return best;
    }
  }
}
