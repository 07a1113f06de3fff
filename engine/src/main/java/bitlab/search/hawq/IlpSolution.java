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
public record IlpSolution(List<String> layers, List<Bits> bits, int[] choice, double[] omega, double objective,
    List<Usage> usage, double millis, Proof proof) {

  /**
   * How the optimum was established: {@code proven} when the exact search finished (always, below its
   * node limit); {@code solverOptimal} when ojAlgo's own answer already was the optimum.
   */
  public record Proof(boolean proven, boolean solverOptimal, long nodes) {}

  /**
   * One budget: what the plan uses, the limit, and the range any policy spans (cheapest and dearest
   * choice per layer, fixed layers and ties respected).
   */
  public record Usage(String budget, String unit, double used, double limit, double low, double high) {
    /** Used as a fraction of the limit. */
    public double ofLimit() { return used / limit; }

    /** Where the limit sits between the cheapest (0) and the dearest (1) policy. */
    public double limitFraction() { return high > low ? (limit - low) / (high - low) : 1; }
  }

  public IlpSolution {
    layers = List.copyOf(layers);
    bits = List.copyOf(bits);
    choice = choice.clone();
    omega = omega.clone();
    usage = List.copyOf(usage);
  }

  public Bits bits(String layer) {
    int i = layers.indexOf(layer);
    if (i < 0) throw new IlpInputException("Layer '" + layer + "' is not in this solution; its layers are " + String.join(", ", layers) + ".");
    return bits.get(i);
  }
}
