package bitlab.search.hawq;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Proves a candidate solution of the bit-allocation ILP optimal, or finds the better one: a
 * depth-first branch and bound over tie groups whose bound is the Lagrangian relaxation of the
 * budgets, {@code L(lambda) = sum_g min_k (omega_gk + lambda . c_gk) - lambda . limit}, a valid lower
 * bound for every {@code lambda >= 0} (the multipliers only decide how fast the search prunes,
 * never what it returns). Each node first tries the root's multipliers (constant time from suffix
 * sums), then, in subtrees of at most {@link #SUBTREE_DUAL_GROUPS} groups, multipliers re-optimised
 * for its own remaining capacity; the relaxation's completion, when it fits, is taken as an
 * incumbent and improved greedily ({@link #fill}). Works on the scaled problem: perturbations at
 * most 1, limits 1.
 *
 * <p>The search keeps its path in arrays, not on the call stack (10,000 layers overflowed the stack
 * of the recursive version), stops at a deadline, and then still says how good its best point is:
 * the lowest bound of the subtrees it has not closed is a proven lower bound on the optimum.
 */
final class Certificate {
  /**
   * Subtrees with more groups than this skip the re-optimised multipliers: they cost time linear in
   * the subtree at every node, which made deep searches crawl, and they rarely prune near the root.
   */
  static final int SUBTREE_DUAL_GROUPS = 256;
  /** Nodes between looks at the clock, the interrupt and the progress line (tests look more often). */
  int checkEvery = 1024;

  private final double[][] omega; // [group][choice]
  private final double[][][] cost; // [group][choice][budget], each budget's limit is 1
  private final int budgets;
  private int[] order; // groups, most consequential first
  private double[] lambda;
  private double[] nodeLambda;
  private double[]
      suffixBound; // per depth: sum over the remaining groups of min_k (omega + lambda.c)
  private double[][]
      suffixMinCost; // per depth and budget: the cheapest the remaining groups can be
  private double[]
      suffixArgOmega; // per depth: perturbation of the remaining groups at their reduced-best
  // choice
  private double[][] suffixArgCost; // per depth and budget: cost of that completion
  private int[][] tryOrder; // per group: choices by omega + lambda.c
  private long[] moves; // (group, choice) pairs for fill(), most promising first
  private double best;
  private int[] bestChoice;
  long nodes;

  Certificate(double[][] omega, double[][][] cost, int budgets) {
    this.omega = omega;
    this.cost = cost;
    this.budgets = budgets;
  }

  /**
   * Result: the best choice per group (null if none was found), its objective, whether the search
   * finished (a proof), the nodes it took, and a proven lower bound on the optimum (the objective
   * itself when proven).
   */
  record Outcome(int[] choice, double objective, boolean proven, long nodes, double lowerBound) {}

  /** What the search reports while it runs: nodes so far, best objective, proven lower bound. */
  interface Progress {
    void report(long nodes, double best, double lowerBound);
  }

  /** Searches until done or until {@code deadline} ({@link System#nanoTime()}); checks the thread's interrupt. */
  Outcome run(int[] incumbent, long deadline, Progress progress) {
    int g = omega.length;
    lambda = multipliers();
    nodeLambda = new double[budgets];
    // Groups whose perturbation varies most go first: their decisions move the objective most.
    order = IntStream.range(0, g)
        .boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -spread(i)))
        .mapToInt(Integer::intValue)
        .toArray();
    tryOrder = new int[g][];
    for (int i = 0; i < g; i++) {
      final int gi = i;
      tryOrder[i] = IntStream.range(0, omega[i].length)
          .boxed()
          .sorted(Comparator.comparingDouble((Integer k) -> reduced(gi, k)))
          .mapToInt(Integer::intValue)
          .toArray();
    }
    suffixBound = new double[g + 1];
    suffixMinCost = new double[g + 1][budgets];
    suffixArgOmega = new double[g + 1];
    suffixArgCost = new double[g + 1][budgets];
    for (int d = g - 1; d >= 0; d--) {
      int gi = order[d];
      double m = Double.POSITIVE_INFINITY;
      for (int k = 0; k < omega[gi].length; k++) m = Math.min(m, reduced(gi, k));
      suffixBound[d] = suffixBound[d + 1] + m;
      int arg = tryOrder[gi][0];
      suffixArgOmega[d] = suffixArgOmega[d + 1] + omega[gi][arg];
      for (int b = 0; b < budgets; b++) {
        double c = Double.POSITIVE_INFINITY;
        for (int k = 0; k < omega[gi].length; k++) c = Math.min(c, cost[gi][k][b]);
        suffixMinCost[d][b] = suffixMinCost[d + 1][b] + c;
        suffixArgCost[d][b] = suffixArgCost[d + 1][b] + cost[gi][arg][b];
      }
    }
    moves = moves();
    boolean usable = feasible(incumbent);
    bestChoice = usable ? incumbent.clone() : null;
    best = usable ? objective(incumbent) : Double.POSITIVE_INFINITY;
    if (usable) fill();
    return search(deadline, progress);
  }

  /**
   * Depth-first search with an explicit path: {@code next[d]} is the position in the try order of
   * the next child of the node at depth {@code d}, {@code partial[d]} the perturbation fixed above it.
   */
  private Outcome search(long deadline, Progress progress) {
    int g = order.length;
    int[] next = new int[g + 1];
    double[] partial = new double[g + 1];
    int[] current = new int[g];
    double[] used = new double[budgets];
    double rootBound = suffixBound[0];
    for (int b = 0; b < budgets; b++) rootBound -= lambda[b];
    int depth = 0;
    boolean entering = true;
    while (depth >= 0) {
      if (entering) {
        entering = false;
        if (++nodes % checkEvery == 0
            && nodes > 1) { // the root always runs: its completion is the first plan
          bitlab.task.Work.checkpoint();
          if (System.nanoTime() - deadline > 0) {
            return new Outcome(
                bestChoice,
                best,
                false,
                nodes,
                lowerBound(rootBound, depth, true, next, partial, current));
          }
          if (progress != null)
            progress.report(
                nodes, best, lowerBound(rootBound, depth, true, next, partial, current));
        }
        if (depth == g || pruned(depth, partial[depth], used, current)) {
          if (depth == g && partial[depth] < best) {
            best = partial[depth];
            bestChoice = current.clone();
          }
          depth = up(depth, used, current);
          continue;
        }
        next[depth] = 0;
      }
      int gi = order[depth];
      boolean descended = false;
      while (next[depth] < tryOrder[gi].length) {
        int k = tryOrder[gi][next[depth]++];
        if (!fits(gi, k, depth, used)) continue;
        for (int b = 0; b < budgets; b++) used[b] += cost[gi][k][b];
        current[gi] = k;
        partial[depth + 1] = partial[depth] + omega[gi][k];
        depth++;
        entering = true;
        descended = true;
        break;
      }
      if (!descended) depth = up(depth, used, current);
    }
    return new Outcome(bestChoice, best, true, nodes, best);
  }

  /** Leaves the node at {@code depth}: its parent's choice is taken back. Returns the parent's depth. */
  private int up(int depth, double[] used, int[] current) {
    if (depth > 0) {
      int gi = order[depth - 1];
      for (int b = 0; b < budgets; b++) used[b] -= cost[gi][current[gi]][b];
    }
    return depth - 1;
  }

  private boolean fits(int gi, int k, int depth, double[] used) {
    for (int b = 0; b < budgets; b++) {
      if (used[b] + cost[gi][k][b] + suffixMinCost[depth + 1][b] > 1 + 1e-12) return false;
    }
    return true;
  }

  /** The bound tests of a node, and its relaxation's completion as an incumbent when it fits. True when pruned. */
  private boolean pruned(int depth, double partial, double[] used, int[] current) {
    // Lagrangian bound of this subtree with the root's multipliers: partial + lambda.(used - 1) +
    // reduced minima.
    double bound = partial + suffixBound[depth];
    for (int b = 0; b < budgets; b++) bound += lambda[b] * (used[b] - 1);
    if (bound >= best - slack()) return true;
    // The root multipliers did not prune: re-optimise them for this subtree's remaining capacity.
    int remaining = order.length - depth;
    if (remaining > 1
        && remaining <= SUBTREE_DUAL_GROUPS
        && partial + subtreeDual(depth, used) >= best - slack()) return true;
    // The relaxation's own completion, if it fits, is a feasible point: a cheap incumbent.
    boolean completionFits = true;
    for (int b = 0; b < budgets && completionFits; b++)
      completionFits = used[b] + suffixArgCost[depth][b] <= 1 + 1e-12;
    if (completionFits && partial + suffixArgOmega[depth] < best) {
      best = partial + suffixArgOmega[depth];
      bestChoice = current.clone();
      for (int d = depth; d < order.length; d++) bestChoice[order[d]] = tryOrder[order[d]][0];
      fill();
      return bound >= best - slack();
    }
    return false;
  }

  /**
   * A proven lower bound on the optimum while the search is under way: the best point so far, or
   * less if a subtree not yet closed might hold a better one (each open subtree's root-multiplier
   * bound), and never below the root's bound. Open are the untried children of the nodes on the
   * path, and the node at {@code depth} itself if it was not expanded yet.
   */
  private double lowerBound(
      double rootBound, int depth, boolean nodeOpen, int[] next, double[] partial, int[] current) {
    double low = best;
    double[] used = new double[budgets];
    for (int d = 0; d <= depth && d < order.length; d++) {
      int gi = order[d];
      if (d == depth && nodeOpen) {
        double bound = partial[d] + suffixBound[d];
        for (int b = 0; b < budgets; b++) bound += lambda[b] * (used[b] - 1);
        low = Math.min(low, bound);
        break;
      }
      for (int i = next[d]; i < tryOrder[gi].length; i++) {
        int k = tryOrder[gi][i];
        if (!fits(gi, k, d, used)) continue;
        double bound = partial[d] + omega[gi][k] + suffixBound[d + 1];
        for (int b = 0; b < budgets; b++) bound += lambda[b] * (used[b] + cost[gi][k][b] - 1);
        low = Math.min(low, bound);
      }
      for (int b = 0; b < budgets; b++) used[b] += cost[gi][current[gi]][b];
    }
    if (depth == order.length) low = Math.min(low, partial[depth]);
    return Math.max(rootBound, low);
  }

  /**
   * Improves the incumbent greedily: the relaxation's completion gives tied layers (a network's
   * repeated blocks) the same choice, all cheap or all dear, and leaves budget unused. One pass over
   * every (group, choice) move, best perturbation saved per multiplier-weighted cost first, takes
   * each move that still lowers the perturbation and fits every budget. Costs one sort at the start
   * and time linear in the moves per call.
   */
  private void fill() {
    double[] used = new double[budgets];
    for (int g = 0; g < bestChoice.length; g++)
      for (int b = 0; b < budgets; b++) used[b] += cost[g][bestChoice[g]][b];
    boolean changed = false;
    for (long m : moves) {
      int g = (int) (m >>> 32);
      int k = (int) m;
      int c = bestChoice[g];
      if (omega[g][k] >= omega[g][c]) continue;
      boolean fits = true;
      for (int b = 0; b < budgets && fits; b++)
        fits = used[b] + cost[g][k][b] - cost[g][c][b] <= 1 + 1e-12;
      if (!fits) continue;
      for (int b = 0; b < budgets; b++) used[b] += cost[g][k][b] - cost[g][c][b];
      bestChoice[g] = k;
      changed = true;
    }
    if (changed) best = objective(bestChoice);
  }

  /** Every (group, choice) as {@code group << 32 | choice}, by perturbation saved per weighted cost added, from the reduced-best choice. */
  private long[] moves() {
    int n = 0;
    for (double[] o : omega) n += o.length;
    long[] all = new long[n];
    double[] key = new double[n];
    int i = 0;
    for (int g = 0; g < omega.length; g++) {
      int base = tryOrder[g][0];
      for (int k = 0; k < omega[g].length; k++) {
        double saved = omega[g][base] - omega[g][k];
        double added = 0;
        for (int b = 0; b < budgets; b++)
          added += Math.max(lambda[b], 1e-12) * (cost[g][k][b] - cost[g][base][b]);
        key[i] = added <= 0 ? Double.NEGATIVE_INFINITY : -saved / added;
        all[i++] = ((long) g << 32) | k;
      }
    }
    Integer[] idx = new Integer[n];
    for (int j = 0; j < n; j++) idx[j] = j;
    Arrays.sort(idx, Comparator.comparingDouble(j -> key[j]));
    long[] out = new long[n];
    for (int j = 0; j < n; j++) out[j] = all[idx[j]];
    return out;
  }

  /** Prune only what is worse by more than rounding: ties keep the incumbent. */
  private double slack() {
    return 1e-12 * Math.max(1, Math.abs(best));
  }

  private double reduced(int g, int k) {
    double r = omega[g][k];
    for (int b = 0; b < budgets; b++) r += lambda[b] * cost[g][k][b];
    return r;
  }

  private double spread(int g) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double o : omega[g]) {
      lo = Math.min(lo, o);
      hi = Math.max(hi, o);
    }
    return hi - lo;
  }

  /**
   * The Lagrangian bound of the groups from {@code depth} on with capacity {@code 1 - used}, maximised
   * over the multipliers by coordinate bisection around the root's (any value is a valid bound).
   */
  private double subtreeDual(int depth, double[] used) {
    double[] mu = nodeLambda;
    System.arraycopy(lambda, 0, mu, 0, budgets);
    double bestValue = dual(depth, used, mu);
    for (int sweep = 0; sweep < (budgets == 1 ? 1 : 2); sweep++) {
      for (int b = 0; b < budgets; b++) {
        double keep = mu[b];
        mu[b] = 0;
        if (subtreeSubgradient(depth, used, mu, b) <= 0) {
          bestValue = Math.max(bestValue, dual(depth, used, mu));
          continue;
        }
        double lo = Math.log10(Math.max(keep, 1e-30)) - 4;
        double hi = Math.log10(Math.max(keep, 1e-30)) + 4;
        for (int it = 0; it < 24; it++) {
          double mid = (lo + hi) / 2;
          mu[b] = Math.pow(10, mid);
          if (subtreeSubgradient(depth, used, mu, b) > 0) lo = mid;
          else hi = mid;
        }
        mu[b] = Math.pow(10, hi);
        double v = dual(depth, used, mu);
        mu[b] = Math.pow(10, lo);
        bestValue = Math.max(bestValue, Math.max(v, dual(depth, used, mu)));
      }
    }
    return bestValue;
  }

  private double dual(int depth, double[] used, double[] mu) {
    double s = 0;
    for (int d = depth; d < order.length; d++) {
      int g = order[d];
      double m = Double.POSITIVE_INFINITY;
      for (int k = 0; k < omega[g].length; k++) {
        double r = omega[g][k];
        for (int b = 0; b < budgets; b++) r += mu[b] * cost[g][k][b];
        m = Math.min(m, r);
      }
      s += m;
    }
    for (int b = 0; b < budgets; b++) s -= mu[b] * (1 - used[b]);
    return s;
  }

  private double subtreeSubgradient(int depth, double[] used, double[] mu, int budget) {
    double s = 0;
    for (int d = depth; d < order.length; d++) {
      int g = order[d];
      int arg = 0;
      double m = Double.POSITIVE_INFINITY;
      for (int k = 0; k < omega[g].length; k++) {
        double r = omega[g][k];
        for (int b = 0; b < budgets; b++) r += mu[b] * cost[g][k][b];
        if (r < m) {
          m = r;
          arg = k;
        }
      }
      s += cost[g][arg][budget];
    }
    return s - (1 - used[budget]);
  }

  /**
   * Root multipliers that make the bound tight: coordinate ascent, each coordinate by bisection on
   * the sign of the subgradient (chosen cost minus limit) over a logarithmic range.
   */
  private double[] multipliers() {
    double[] l = new double[budgets];
    lambda = l;
    for (int sweep = 0; sweep < (budgets == 1 ? 1 : 6); sweep++) {
      for (int b = 0; b < budgets; b++) {
        l[b] = 0;
        if (subgradient(b) <= 0) continue; // the budget does not bind at lambda_b = 0
        double lo = -30;
        double hi = 30;
        for (int it = 0; it < 80; it++) {
          double mid = (lo + hi) / 2;
          l[b] = Math.pow(10, mid);
          if (subgradient(b) > 0) lo = mid;
          else hi = mid;
        }
        l[b] = Math.pow(10, hi);
      }
    }
    return l;
  }

  /** Cost under budget b of the choices that minimise the reduced perturbation, minus its limit (1). */
  private double subgradient(int b) {
    double s = 0;
    for (int g = 0; g < omega.length; g++) {
      int arg = 0;
      for (int k = 1; k < omega[g].length; k++) if (reduced(g, k) < reduced(g, arg)) arg = k;
      s += cost[g][arg][b];
    }
    return s - 1;
  }

  private boolean feasible(int[] c) {
    if (c == null) return false;
    for (int b = 0; b < budgets; b++) {
      double s = 0;
      for (int g = 0; g < c.length; g++) s += cost[g][c[g]][b];
      if (s > 1 + 1e-12) return false;
    }
    return true;
  }

  private double objective(int[] c) {
    double s = 0;
    for (int g = 0; g < c.length; g++) s += omega[g][c[g]];
    return s;
  }

  @Override
  public String toString() {
    return "Certificate(lambda=" + Arrays.toString(lambda) + ", nodes=" + nodes + ")";
  }
}
