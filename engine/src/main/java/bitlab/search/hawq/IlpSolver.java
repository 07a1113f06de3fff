package bitlab.search.hawq;

import bitlab.hardware.Bits;
import bitlab.search.BudgetException;
import bitlab.task.Work;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;
import org.ojalgo.optimisation.integer.IntegerStrategy;
import org.ojalgo.type.context.NumberContext;

/**
 * Solves an {@link IlpProblem} exactly. ojAlgo's branch and bound solves the integer program (one
 * binary variable per tie group and candidate, exactly one per group, minimise the summed
 * perturbation subject to every budget); {@link Certificate} then proves its answer optimal or
 * replaces it with the optimum, because ojAlgo 57.1 occasionally reports OPTIMAL for a worse point
 * (about 1% of random small instances in {@code IlpSolverTest}). Perturbations are scaled to at
 * most 1 and each budget row to a limit of 1, so that values spanning many orders of magnitude keep
 * tolerances meaningful; the chosen policy is re-priced in the original units.
 */
public final class IlpSolver {
  /** Relative optimality gap at which branch and bound stops: tight, so the answer is the optimum. */
  private static final NumberContext GAP = NumberContext.of(12, 14);

  /**
   * Wall-time limit for ojAlgo's branch and bound, after which its best point so far is handed to the
   * proof. On ResNet-50-sized problems ojAlgo 57.1 did not finish within ten minutes, while the proof
   * search needs milliseconds; ojAlgo's best point then serves as the starting incumbent.
   */
  static final long OJALGO_MILLIS = Long.getLong("bitlab.hawq.ojalgoMillis", 10);

  /**
   * ojAlgo is asked only up to this many binary variables (groups times choices): its presolve
   * ignores the time limit and took 0.6 s at 250 groups of 4 candidates, 6 s at 2,000 and 30 s at
   * 10,000 of 2 (a shared 2-core machine), finding no point within its 10 ms on those; larger
   * problems start from the proof search's own incumbents.
   */
  static final int OJALGO_MAX_BINARIES = 1000;

  /**
   * How long a solve may take unless told otherwise. Most problems of real models are proven
   * optimal in milliseconds; a hard one (hundreds of layers, four candidates, two budgets) then
   * returns its best plan with the gap it proved instead of running for minutes.
   */
  public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(20);

  private IlpSolver() {}

  /** A time limit given in seconds, checked: a positive finite number. */
  public static Duration timeLimit(double seconds) {
    if (!(seconds > 0) || Double.isInfinite(seconds) || seconds > 1e9) {
      throw new IlpInputException(
          "The ILP's time limit must be a positive number of seconds, got " + seconds + ".");
    }
    return Duration.ofNanos(Math.max(1_000_000L, Math.round(seconds * 1e9)));
  }

  public static IlpSolution solve(IlpProblem p) {
    return solve(p, DEFAULT_TIME_LIMIT);
  }

  /**
   * The optimum if it is found and proven within {@code limit}; otherwise the best policy found, with
   * a proven lower bound on the optimum ({@link IlpSolution.Proof#gap()}). Long solves report
   * progress through {@link Work#progress} and stop at an interrupt.
   */
  public static IlpSolution solve(IlpProblem p, Duration limit) {
    return solve(p, limit, 1024);
  }

  /** {@code checkEvery}: search nodes between looks at the clock (tests stop searches early with 1). */
  static IlpSolution solve(IlpProblem p, Duration limit, int checkEvery) {
    if (limit == null || limit.isNegative() || limit.isZero()) {
      throw new IlpInputException("The ILP's time limit must be positive, got " + limit + ".");
    }
    long start = System.nanoTime();
    long deadline = start + Math.min(limit.toNanos(), Long.MAX_VALUE / 4);
    List<IlpProblem.Group> groups = p.groups();
    List<IlpSolution.Usage> ranges = ranges(p, groups);
    for (IlpSolution.Usage r : ranges) {
      if (r.limit() < r.low() * (1 - 1e-12)) {
        throw new BudgetException(String.format(
            Locale.ROOT,
            "Budget '%s' of %s is below what the cheapest policy needs (%s with every layer at its lowest candidate); "
                + "the feasible range is %s to %s.",
            r.budget(),
            fmt(r.limit(), r.unit()),
            fmt(r.low(), r.unit()),
            fmt(r.low(), r.unit()),
            fmt(r.high(), r.unit())));
      }
    }
    double scale = 0;
    for (IlpProblem.Group g : groups) {
      for (int k = 0; k < g.choices().size(); k++)
        scale = Math.max(scale, Math.abs(groupOmega(p, g, k)));
    }
    scale = scale > 0 ? scale : 1;
    int nb = p.limits().size();
    double[][] omega = new double[groups.size()][];
    double[][][] cost = new double[groups.size()][][];
    for (int gi = 0; gi < groups.size(); gi++) {
      IlpProblem.Group g = groups.get(gi);
      omega[gi] = new double[g.choices().size()];
      cost[gi] = new double[g.choices().size()][nb];
      for (int k = 0; k < g.choices().size(); k++) {
        omega[gi][k] = groupOmega(p, g, k) / scale;
        for (int b = 0; b < nb; b++) {
          IlpProblem.Limit lim = p.limits().get(b);
          cost[gi][k][b] = groupCost(p, g, k, lim.budget()) / lim.limit();
        }
      }
    }
    int binaries = 0;
    for (double[] o : omega) binaries += o.length;
    int[] ojalgo = binaries <= OJALGO_MAX_BINARIES ? ojAlgo(omega, cost, nb) : null;
    double unit = scale;
    Certificate search = new Certificate(omega, cost, nb);
    search.checkEvery = checkEvery;
    Certificate.Outcome proof = search.run(ojalgo, deadline, new ProgressLine(start, limit, unit));
    if (proof.choice() == null) {
      if (!proof.proven()) throw new BudgetException(notFoundInTime(ranges, limit));
      throw new BudgetException("No policy meets all these budgets at once: " + describe(ranges)
          + "; each is reachable alone, together they are not. Loosen one of them.");
    }
    int n = p.layers().size();
    int[] choice = new int[n];
    for (int gi = 0; gi < groups.size(); gi++) {
      IlpProblem.Group g = groups.get(gi);
      int k = proof.choice()[gi];
      for (int m = 0; m < g.members().length; m++) choice[g.members()[m]] = g.index()[m][k];
    }
    boolean same = ojalgo != null
        && Math.abs(objective(omega, ojalgo) - proof.objective())
            <= 1e-12 * Math.max(1, proof.objective());
    IlpSolution s = solution(p, choice, ranges, (System.nanoTime() - start) / 1e6, null);
    double bound =
        proof.proven() ? s.objective() : Math.min(s.objective(), proof.lowerBound() * scale);
    return s.withProof(new IlpSolution.Proof(
        proof.proven(), same, proof.nodes(), bound, limit.toMillis() / 1000.0));
  }

  static String notFoundInTime(List<IlpSolution.Usage> ranges, Duration limit) {
    return "No policy meeting " + describe(ranges) + " was found within the ILP's time limit of "
        + seconds(limit)
        + "; loosen a budget, or allow more time (timeLimit(seconds) in a notebook, --time-limit SECONDS on the command line).";
  }

  /** A duration as a person says it: "250 ms", "20 s", "1.5 s", "5 min". */
  static String seconds(Duration d) {
    if (d.toMillis() < 1000) return d.toMillis() + " ms";
    double s = d.toMillis() / 1000.0;
    if (s >= 120 && s % 60 == 0) return (long) (s / 60) + " min";
    return (s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s)) + " s";
  }

  /** The search's progress as one line, at most twice a second, after its first second. */
  private static final class ProgressLine implements Certificate.Progress {
    private final long start;
    private final Duration limit;
    private final double unit;
    private long shown;

    ProgressLine(long start, Duration limit, double unit) {
      this.start = start;
      this.limit = limit;
      this.unit = unit;
    }

    @Override
    public void report(long nodes, double best, double lowerBound) {
      long now = System.nanoTime();
      if (now - start < 1_000_000_000L || now - shown < 500_000_000L) return;
      shown = now;
      String where = Double.isInfinite(best)
          ? "no policy meeting the budgets yet"
          : String.format(
              Locale.ROOT,
              "best total Omega %.4e, at most %.3g%% above the optimum",
              best * unit,
              100 * IlpSolution.Proof.gap(best, lowerBound));
      Work.progress(String.format(
          Locale.ROOT,
          "ILP: %,d search nodes in %.0f s of %s; %s",
          nodes,
          (now - start) / 1e9,
          seconds(limit),
          where));
    }
  }

  /**
   * ojAlgo's branch and bound on the scaled problem: one binary per (group, choice), one chosen per
   * group, each budget row at most 1. Returns the choice per group, or null if it finds none.
   * Gomory cuts are off: with them ojAlgo 57.1 cut optimal points off random instances of this
   * problem; even without them it sometimes stops early, which {@link Certificate} catches.
   */
  private static int[] ojAlgo(double[][] omega, double[][][] cost, int budgets) {
    ExpressionsBasedModel model = new ExpressionsBasedModel();
    model.options.time_abort = OJALGO_MILLIS;
    model.options.time_suffice = OJALGO_MILLIS;
    model.options.integer(IntegerStrategy.DEFAULT
        .withGapTolerance(GAP)
        .withParallelism(() -> 1)
        .withGMICutConfiguration(new IntegerStrategy.GMICutConfiguration()
            .withFractionality(0.5)
            .withViolation(java.math.BigDecimal.valueOf(1e9))));
    List<Variable[]> x = new ArrayList<>();
    for (int gi = 0; gi < omega.length; gi++) {
      Variable[] v = new Variable[omega[gi].length];
      Expression one = model.addExpression("one_" + gi).level(1);
      for (int k = 0; k < v.length; k++) {
        v[k] = model.addVariable("x_" + gi + "_" + k).binary().weight(omega[gi][k]);
        one.set(v[k], 1);
      }
      x.add(v);
    }
    for (int b = 0; b < budgets; b++) {
      Expression row = model.addExpression("budget_" + b).upper(1);
      for (int gi = 0; gi < omega.length; gi++) {
        for (int k = 0; k < omega[gi].length; k++)
          if (cost[gi][k][b] != 0) row.set(x.get(gi)[k], cost[gi][k][b]);
      }
    }
    Optimisation.Result r = model.minimise();
    if (!r.getState().isFeasible()) return null;
    int[] choice = new int[omega.length];
    for (int gi = 0; gi < omega.length; gi++) {
      int best = 0;
      for (int k = 1; k < omega[gi].length; k++) {
        if (x.get(gi)[k].getValue().doubleValue() > x.get(gi)[best].getValue().doubleValue())
          best = k;
      }
      choice[gi] = best;
    }
    return choice;
  }

  private static double objective(double[][] omega, int[] c) {
    double s = 0;
    for (int g = 0; g < c.length; g++) s += omega[g][c[g]];
    return s;
  }

  /** Prices a given choice (one candidate index per layer) the way a solution reports it. */
  public static IlpSolution evaluate(IlpProblem p, int[] choice) {
    if (choice.length != p.layers().size()) {
      throw new IlpInputException("A choice needs one candidate per layer ("
          + p.layers().size() + "), got " + choice.length + ".");
    }
    return solution(p, choice, ranges(p, p.groups()), 0, null);
  }

  private static IlpSolution solution(
      IlpProblem p,
      int[] choice,
      List<IlpSolution.Usage> ranges,
      double millis,
      IlpSolution.Proof proof) {
    int n = p.layers().size();
    List<String> names = new ArrayList<>(n);
    List<Bits> bits = new ArrayList<>(n);
    double[] omega = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      IlpProblem.Layer l = p.layers().get(i);
      names.add(l.name());
      bits.add(l.candidates().get(choice[i]));
      omega[i] = l.omega()[choice[i]];
      total += omega[i];
    }
    List<IlpSolution.Usage> usage = new ArrayList<>();
    for (IlpSolution.Usage r : ranges) {
      double used = 0;
      for (int i = 0; i < n; i++) used += p.layers().get(i).costs().get(r.budget())[choice[i]];
      usage.add(new IlpSolution.Usage(r.budget(), r.unit(), used, r.limit(), r.low(), r.high()));
    }
    return new IlpSolution(names, bits, choice, omega, total, usage, millis, proof);
  }

  /** Per budget, the cheapest and dearest totals any policy reaches (fixed layers and ties respected). */
  static List<IlpSolution.Usage> ranges(IlpProblem p, List<IlpProblem.Group> groups) {
    List<IlpSolution.Usage> out = new ArrayList<>();
    for (IlpProblem.Limit lim : p.limits()) {
      double low = 0;
      double high = 0;
      for (IlpProblem.Group g : groups) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < g.choices().size(); k++) {
          double c = groupCost(p, g, k, lim.budget());
          lo = Math.min(lo, c);
          hi = Math.max(hi, c);
        }
        low += lo;
        high += hi;
      }
      out.add(new IlpSolution.Usage(lim.budget(), lim.unit(), Double.NaN, lim.limit(), low, high));
    }
    return out;
  }

  private static double groupOmega(IlpProblem p, IlpProblem.Group g, int k) {
    double s = 0;
    for (int m = 0; m < g.members().length; m++)
      s += p.layers().get(g.members()[m]).omega()[g.index()[m][k]];
    return s;
  }

  private static double groupCost(IlpProblem p, IlpProblem.Group g, int k, String budget) {
    double s = 0;
    for (int m = 0; m < g.members().length; m++)
      s += p.layers().get(g.members()[m]).costs().get(budget)[g.index()[m][k]];
    return s;
  }

  private static String describe(List<IlpSolution.Usage> ranges) {
    List<String> parts = new ArrayList<>();
    for (IlpSolution.Usage r : ranges) {
      parts.add(String.format(
          Locale.ROOT,
          "'%s' <= %s (range %s to %s)",
          r.budget(),
          fmt(r.limit(), r.unit()),
          fmt(r.low(), r.unit()),
          fmt(r.high(), r.unit())));
    }
    return String.join(", ", parts);
  }

  /** Six significant digits without trailing zeros, then the unit. */
  /** A whole amount (bytes, BOPs) exactly, since a reader quotes it; anything else to 6 significant digits. */
  static String fmt(double v, String unit) {
    String s = v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : new java.math.BigDecimal(v)
            .round(new java.math.MathContext(6))
            .stripTrailingZeros()
            .toPlainString();
    return s + (unit.isEmpty() ? "" : " " + unit);
  }
}
