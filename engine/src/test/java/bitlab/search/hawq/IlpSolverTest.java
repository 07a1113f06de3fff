package bitlab.search.hawq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.Bits;
import bitlab.search.BudgetException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IlpSolverTest {

  /** The ILP's optimum equals the brute-force optimum on random instances with budgets, fixed layers and ties. */
  @Test
  void matchesBruteForceOnRandomInstances() {
    int solved = 0;
    int infeasible = 0;
    int solverOff = 0;
    for (long seed = 1; seed <= 200; seed++) {
      IlpProblem p = random(new Random(seed));
      Brute best = brute(p);
      if (best == null) {
        assertThrows(BudgetException.class, () -> IlpSolver.solve(p), "seed " + seed);
        infeasible++;
        continue;
      }
      IlpSolution s;
      try {
        s = IlpSolver.solve(p);
      } catch (BudgetException e) {
        throw new AssertionError("seed " + seed + ": brute force found " + best.objective
            + " but the ILP said " + e.getMessage());
      }
      assertTrue(
          feasible(p, s.choice()), "seed " + seed + ": the ILP's choice breaks a constraint");
      assertTrue(s.proof().proven(), "seed " + seed);
      if (!s.proof().solverOptimal()) solverOff++;
      assertEquals(
          best.objective,
          s.objective(),
          1e-9 * Math.max(1, Math.abs(best.objective)),
          "seed " + seed);
      solved++;
    }
    assertTrue(solved > 150, solved + " solved, " + infeasible + " infeasible");
    System.out.println("IlpSolverTest: " + solved
        + " random instances solved exactly; ojAlgo alone was off on " + solverOff);
  }

  /** Whole amounts are printed exactly (a tutorial quotes them), others to six significant digits. */
  @Test
  void amountsArePrintedExactlyWhenWhole() {
    assertEquals("12349440 BOPs", IlpSolver.fmt(12_349_440, "BOPs"));
    assertEquals("47990.5 bytes", IlpSolver.fmt(47_990.5, "bytes"));
    assertEquals("0.123457 ms", IlpSolver.fmt(0.1234567, "ms"));
  }

  @Test
  void budgetBelowTheCheapestPolicyNamesTheRange() {
    IlpProblem p = twoLayers(10);
    BudgetException e = assertThrows(BudgetException.class, () -> IlpSolver.solve(p));
    assertTrue(e.getMessage().contains("feasible range is 12 bytes to 24 bytes"), e.getMessage());
  }

  @Test
  void budgetsThatExcludeEachOtherAreNamed() {
    List<Bits> c = List.of(Bits.of(2, 8), Bits.of(8, 2));
    Map<String, double[]> costs =
        Map.of("size", new double[] {2, 8}, "latency", new double[] {8, 2});
    IlpProblem.Layer a = new IlpProblem.Layer("a", c, new double[] {1, 1}, costs);
    IlpProblem p = new IlpProblem(
        List.of(a),
        List.of(new IlpProblem.Limit("size", "bytes", 3), new IlpProblem.Limit("latency", "ms", 3)),
        Map.of(),
        List.of());
    BudgetException e = assertThrows(BudgetException.class, () -> IlpSolver.solve(p));
    assertTrue(
        e.getMessage().contains("together they are not")
            && e.getMessage().contains("'latency' <= 3 ms (range 2 ms to 8 ms)"),
        e.getMessage());
  }

  @Test
  void tiesAndFixedLayersAreHonoured() {
    IlpProblem free = twoLayers(24);
    assertEquals(List.of(Bits.W8A8, Bits.W8A8), IlpSolver.solve(free).bits());
    IlpProblem tied = new IlpProblem(
        free.layers(),
        List.of(new IlpProblem.Limit("size", "bytes", 18)),
        Map.of(),
        List.of(List.of("a", "b")));
    assertEquals(List.of(Bits.W4A4, Bits.W4A4), IlpSolver.solve(tied).bits());
    IlpProblem fixedB = new IlpProblem(
        free.layers(),
        List.of(new IlpProblem.Limit("size", "bytes", 18)),
        Map.of("b", Bits.W8A8),
        List.of());
    assertEquals(List.of(Bits.W4A4, Bits.W8A8), IlpSolver.solve(fixedB).bits());
  }

  @Test
  void tiesThatConflictWithFixedLayersAreNamed() {
    IlpProblem free = twoLayers(24);
    IlpInputException e = assertThrows(
        IlpInputException.class,
        () -> new IlpProblem(
            free.layers(),
            free.limits(),
            Map.of("a", Bits.W4A4, "b", Bits.W8A8),
            List.of(List.of("a", "b"))));
    assertTrue(
        e.getMessage().contains("tied")
            && e.getMessage().contains("W4A4")
            && e.getMessage().contains("W8A8"),
        e.getMessage());
  }

  @Test
  void inconsistentEntriesAreNamed() {
    List<Bits> c = List.of(Bits.W4A4, Bits.W8A8);
    IlpInputException e = assertThrows(
        IlpInputException.class,
        () -> new IlpProblem.Layer("conv1", c, new double[] {1}, Map.of()));
    assertTrue(
        e.getMessage().contains("conv1") && e.getMessage().contains("one Omega per candidate"),
        e.getMessage());
    IlpProblem.Layer l =
        new IlpProblem.Layer("conv1", c, new double[] {1, 0}, Map.of("size", new double[] {1, 2}));
    e = assertThrows(
        IlpInputException.class,
        () -> new IlpProblem(
            List.of(l), List.of(new IlpProblem.Limit("latency", "s", 1)), Map.of(), List.of()));
    assertTrue(e.getMessage().contains("no 'latency' costs"), e.getMessage());
    e = assertThrows(
        IlpInputException.class,
        () -> new IlpProblem(List.of(l), List.of(), Map.of("conv9", Bits.W8A8), List.of()));
    assertTrue(
        e.getMessage().contains("conv9") && e.getMessage().contains("conv1"), e.getMessage());
  }

  private static IlpProblem twoLayers(double sizeLimit) {
    List<Bits> c = List.of(Bits.W4A4, Bits.W8A8);
    IlpProblem.Layer a =
        new IlpProblem.Layer("a", c, new double[] {1.0, 0.1}, Map.of("size", new double[] {6, 12}));
    IlpProblem.Layer b =
        new IlpProblem.Layer("b", c, new double[] {3.0, 0.2}, Map.of("size", new double[] {6, 12}));
    return new IlpProblem(
        List.of(a, b),
        List.of(new IlpProblem.Limit("size", "bytes", sizeLimit)),
        Map.of(),
        List.of());
  }

  // ---- random instances and brute force ----

  static IlpProblem random(Random r) {
    int n = 2 + r.nextInt(5);
    List<Bits> pool =
        List.of(Bits.of(2, 2), Bits.of(3, 8), Bits.W4A4, Bits.of(4, 8), Bits.of(6, 6), Bits.W8A8);
    List<Bits> shared = pick(r, pool);
    String[] budgets = r.nextInt(3) == 0 ? new String[] {"size", "latency"} : new String[] {"size"};
    List<IlpProblem.Layer> layers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<Bits> cand = r.nextBoolean() ? shared : pick(r, pool);
      double[] omega = new double[cand.size()];
      double sens = Math.pow(10, -3 + 4 * r.nextDouble());
      Map<String, double[]> costs = new LinkedHashMap<>();
      for (String b : budgets) costs.put(b, new double[cand.size()]);
      long params = 100 + r.nextInt(5000);
      for (int k = 0; k < cand.size(); k++) {
        Bits b = cand.get(k);
        omega[k] = sens * Math.pow(4, -b.weights()) * (0.5 + r.nextDouble());
        costs.get("size")[k] = params * b.weights() / 8.0;
        if (costs.containsKey("latency"))
          costs.get("latency")[k] =
              params * b.weights() * b.activations() * (0.5 + r.nextDouble()) * 1e-9;
      }
      layers.add(new IlpProblem.Layer("l" + i, cand, omega, costs));
    }
    Map<String, Bits> fixed = new HashMap<>();
    if (r.nextInt(3) == 0) {
      IlpProblem.Layer l = layers.get(r.nextInt(n));
      fixed.put(l.name(), l.candidates().get(r.nextInt(l.candidates().size())));
    }
    List<List<String>> ties = new ArrayList<>();
    List<String> withShared = layers.stream()
        .filter(l -> l.candidates().equals(shared))
        .map(IlpProblem.Layer::name)
        .filter(s -> !fixed.containsKey(s))
        .toList();
    if (withShared.size() >= 2 && r.nextBoolean())
      ties.add(List.of(withShared.get(0), withShared.get(1)));
    IlpProblem noLimits = new IlpProblem(layers, List.of(), fixed, ties);
    List<IlpProblem.Limit> limits = new ArrayList<>();
    for (String b : budgets) {
      double low = 0;
      double high = 0;
      for (IlpProblem.Layer l : noLimits.layers()) {
        double[] c = l.costs().get(b);
        Bits f = fixed.get(l.name());
        if (f != null) {
          low += c[l.index(f)];
          high += c[l.index(f)];
        } else {
          low += java.util.Arrays.stream(c).min().orElseThrow();
          high += java.util.Arrays.stream(c).max().orElseThrow();
        }
      }
      limits.add(new IlpProblem.Limit(b, "", low + (high - low) * r.nextDouble()));
    }
    return new IlpProblem(layers, limits, fixed, ties);
  }

  private static List<Bits> pick(Random r, List<Bits> pool) {
    List<Bits> c = new ArrayList<>();
    for (Bits b : pool) if (r.nextDouble() < 0.5) c.add(b);
    if (c.size() < 2) return List.of(pool.get(0), pool.get(pool.size() - 1));
    return c;
  }

  record Brute(int[] choice, double objective) {}

  static Brute brute(IlpProblem p) {
    int n = p.layers().size();
    int[] c = new int[n];
    Brute best = null;
    while (true) {
      if (feasible(p, c)) {
        double o = 0;
        for (int i = 0; i < n; i++) o += p.layers().get(i).omega()[c[i]];
        if (best == null || o < best.objective) best = new Brute(c.clone(), o);
      }
      int i = 0;
      while (i < n && ++c[i] == p.layers().get(i).candidates().size()) c[i++] = 0;
      if (i == n) return best;
    }
  }

  static boolean feasible(IlpProblem p, int[] c) {
    for (int i = 0; i < c.length; i++) {
      IlpProblem.Layer l = p.layers().get(i);
      Bits f = p.fixed().get(l.name());
      if (f != null && !l.candidates().get(c[i]).equals(f)) return false;
    }
    for (List<String> tie : p.ties()) {
      Bits first = null;
      for (String s : tie) {
        IlpProblem.Layer l = p.layer(s);
        Bits b = l.candidates().get(c[p.layers().indexOf(l)]);
        if (first == null) first = b;
        else if (!first.equals(b)) return false;
      }
    }
    for (IlpProblem.Limit lim : p.limits()) {
      double used = 0;
      for (int i = 0; i < c.length; i++) used += p.layers().get(i).costs().get(lim.budget())[c[i]];
      if (used > lim.limit() * (1 + 1e-9)) return false;
    }
    return true;
  }
}
