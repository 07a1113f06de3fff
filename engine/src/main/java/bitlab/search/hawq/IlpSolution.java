package bitlab.search.hawq;

import bitlab.hardware.Bits;
import java.util.List;

/**
 * The optimum of an {@link IlpProblem}: one pair per layer, the total perturbation, and how much of
 * each budget it uses.
 *
 * @param choice per layer, the index of its chosen candidate
 * @param millis wall time of the solve (building the model, branch and bound, proof)
 * @param proof  how optimality was established; null for a policy priced by {@link IlpSolver#evaluate}
 */
public record IlpSolution(
    List<String> layers,
    List<Bits> bits,
    int[] choice,
    double[] omega,
    double objective,
    List<Usage> usage,
    double millis,
    Proof proof) {

  /**
   * How good the answer is: {@code proven} when the exact search finished within the time limit (the
   * answer is the optimum); otherwise {@code lowerBound} is what the search proved no policy goes
   * below, so the answer is at most {@link #gap()} above the optimum. {@code solverOptimal} when
   * ojAlgo's own answer already was the best; {@code limitSeconds} the time limit the solve had.
   */
  public record Proof(
      boolean proven, boolean solverOptimal, long nodes, double lowerBound, double limitSeconds) {
    /** How far above the optimum the answer may be, as a fraction of the answer (0 when proven). */
    public double gap(double objective) {
      return proven ? 0 : gap(objective, lowerBound);
    }

    static double gap(double objective, double lowerBound) {
      if (Double.isInfinite(objective)) return Double.POSITIVE_INFINITY;
      double d = Math.max(0, objective - lowerBound);
      return d == 0 ? 0 : d / Math.max(Math.abs(objective), Double.MIN_NORMAL);
    }
  }

  /**
   * One budget: what the plan uses, the limit, and the range any policy spans (cheapest and dearest
   * choice per layer, fixed layers and ties respected).
   */
  public record Usage(
      String budget, String unit, double used, double limit, double low, double high) {
    /** Used as a fraction of the limit. */
    public double ofLimit() {
      return used / limit;
    }
  }

  public IlpSolution {
    layers = List.copyOf(layers);
    bits = List.copyOf(bits);
    choice = choice.clone();
    omega = omega.clone();
    usage = List.copyOf(usage);
  }

  /** This solution with a proof attached. */
  IlpSolution withProof(Proof p) {
    return new IlpSolution(layers, bits, choice, omega, objective, usage, millis, p);
  }

  /** How far above the optimum this solution may be, as a fraction of its objective (0 when proven optimal). */
  public double gap() {
    return proof == null ? Double.NaN : proof.gap(objective);
  }

  /**
   * In words: "proven optimal", or how good a plan cut short by the time limit is, e.g. "best found
   * within the 20 s time limit, at most 0.0177% above the optimum".
   */
  public String verdict() {
    if (proof == null) return "priced, not solved";
    if (proof.proven()) return "proven optimal";
    String limit =
        IlpSolver.seconds(java.time.Duration.ofMillis(Math.round(proof.limitSeconds() * 1000)));
    return String.format(
        java.util.Locale.ROOT,
        "best found within the %s time limit, at most %.3g%% above the optimum",
        limit,
        100 * gap());
  }

  public Bits bits(String layer) {
    int i = layers.indexOf(layer);
    if (i < 0)
      throw new IlpInputException("Layer '" + layer + "' is not in this solution; its layers are "
          + String.join(", ", layers) + ".");
    return bits.get(i);
  }
}
