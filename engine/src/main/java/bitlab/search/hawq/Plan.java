package bitlab.search.hawq;

import bitlab.hardware.Bits;
import bitlab.model.Model;
import bitlab.quant.Policy;
import bitlab.search.Budget;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An optimal HAWQ-V3 bit allocation: per layer its pair and perturbation, the budgets it meets, the
 * problem it solves (exportable for {@code ./bitlab ilp}) and the traces it came from.
 *
 * @param budgets the budgets as asked (fractions or absolute); {@link #solution()} has the limits they became
 * @param measured true if Ω is the measured damage ({@link Hawq#measuredDamage}) instead of the Hessian's estimate
 */
public record Plan(
    Model model,
    Traces traces,
    IlpProblem problem,
    IlpSolution solution,
    List<Budget> budgets,
    boolean measured) {

  /** A uniform policy priced like the plan: every layer at one candidate (fixed layers stay fixed). */
  public record Uniform(Bits bits, double omega, List<IlpSolution.Usage> usage, boolean fits) {}

  public Plan {
    budgets = List.copyOf(budgets);
  }

  public Plan(
      Model model, Traces traces, IlpProblem problem, IlpSolution solution, List<Budget> budgets) {
    this(model, traces, problem, solution, budgets, false);
  }

  /** What the plan is called: HAWQ-V3's, or the same ILP over measured damage. */
  public String title() {
    return (measured ? "Measured-damage plan for " : "HAWQ-V3 plan for ") + model.name();
  }

  public List<String> layers() {
    return solution.layers();
  }

  public Bits bits(String layer) {
    return solution.bits(layer);
  }

  /** The plan as a quantization policy, for {@code quantize(net, plan.policy())} and hardware pricing. */
  public Policy policy() {
    return Policy.of(model, solution.bits());
  }

  /** The summed perturbation {@code sum Omega_i(b_i)}. */
  public double omega() {
    return solution.objective();
  }

  /** Every candidate pair as a uniform policy, with its perturbation and whether it fits the budgets. */
  public List<Uniform> uniform() {
    List<Uniform> out = new ArrayList<>();
    List<Bits> seen = new ArrayList<>();
    for (IlpProblem.Layer l : problem.layers()) {
      for (Bits b : l.candidates()) if (!seen.contains(b)) seen.add(b);
    }
    for (Bits b : seen) {
      int[] choice = new int[problem.layers().size()];
      boolean possible = true;
      for (int i = 0; i < choice.length && possible; i++) {
        IlpProblem.Layer l = problem.layers().get(i);
        Bits f = problem.fixed().get(l.name());
        choice[i] = l.index(f != null ? f : b);
        possible = choice[i] >= 0;
      }
      if (!possible) continue;
      IlpSolution s = IlpSolver.evaluate(problem, choice);
      boolean fits = s.usage().stream().allMatch(u -> u.used() <= u.limit() * (1 + 1e-12));
      out.add(new Uniform(b, s.objective(), s.usage(), fits));
    }
    return out;
  }

  /** The best uniform policy that meets every budget, or null if none does. */
  public Uniform bestUniform() {
    Uniform best = null;
    for (Uniform u : uniform())
      if (u.fits() && (best == null || u.omega() < best.omega())) best = u;
    return best;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(String.format(
        Locale.ROOT,
        "%s: total perturbation %.4e (%s, %.1f ms)%n",
        title(),
        omega(),
        solution.verdict(),
        solution.millis()));
    for (int i = 0; i < layers().size(); i++) {
      b.append(String.format(
          Locale.ROOT,
          "  %-16s %-6s Omega %.3e  avg trace %.3e%n",
          layers().get(i),
          solution.bits().get(i),
          solution.omega()[i],
          traces.layer(layers().get(i)).average()));
    }
    for (IlpSolution.Usage u : solution.usage()) {
      String asked = budgets.stream()
          .filter(x -> x.name().equals(u.budget()))
          .map(x -> "; asked: " + x)
          .findFirst()
          .orElse("");
      b.append(String.format(
          Locale.ROOT,
          "  budget %-20s uses %s of %s (%.1f%%); any policy spans %s to %s%s%n",
          u.budget(),
          IlpSolver.fmt(u.used(), u.unit()),
          IlpSolver.fmt(u.limit(), u.unit()),
          100 * u.ofLimit(),
          IlpSolver.fmt(u.low(), u.unit()),
          IlpSolver.fmt(u.high(), u.unit()),
          asked));
    }
    for (Uniform u : uniform()) {
      b.append(String.format(
          Locale.ROOT,
          "  uniform %-6s Omega %.3e (%s)%n",
          u.bits(),
          u.omega(),
          u.fits() ? "fits" : "over budget"));
    }
    return b.toString();
  }
}
