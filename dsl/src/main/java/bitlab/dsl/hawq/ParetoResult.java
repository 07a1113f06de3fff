package bitlab.dsl.hawq;

import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.hardware.Bits;
import bitlab.search.Budget;
import bitlab.search.hawq.IlpSolution;
import bitlab.search.hawq.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Optimal plans along one budget, with the uniform policies of the same candidates beside them:
 * perturbation (and PTQ accuracy when asked) against the budget.
 */
public final class ParetoResult implements Renderable {
  /** One point of the sweep: the budget fraction, what the plan uses, its perturbation and accuracy (NaN if not measured). */
  public record Point(
      double fraction, double limit, double used, double omega, double accuracy, Plan plan) {}

  /** A uniform policy: what it uses of the swept budget, its perturbation and accuracy (NaN if not measured). */
  public record Uniform(Bits bits, double used, double omega, double accuracy) {}

  private final Budget swept;
  private final List<Point> points = new ArrayList<>();
  private final List<Uniform> uniform = new ArrayList<>();
  private final int images;

  ParetoResult(
      Budget swept,
      double[] fractions,
      List<Plan> plans,
      List<Double> accuracies,
      List<Double> uniformAccuracies,
      int images) {
    this.swept = swept;
    this.images = images;
    for (int i = 0; i < plans.size(); i++) {
      Plan p = plans.get(i);
      IlpSolution.Usage u = usage(p);
      points.add(new Point(
          fractions[i],
          u.limit(),
          u.used(),
          p.omega(),
          accuracies.isEmpty() ? Double.NaN : accuracies.get(i),
          p));
    }
    if (!plans.isEmpty()) {
      Plan any = plans.get(plans.size() - 1);
      int at = any.solution().usage().indexOf(usage(any));
      for (Plan.Uniform u : any.uniform()) {
        double acc =
            uniformAccuracies.isEmpty() ? Double.NaN : uniformAccuracies.get(uniform.size());
        uniform.add(new Uniform(u.bits(), u.usage().get(at).used(), u.omega(), acc));
      }
    }
  }

  private IlpSolution.Usage usage(Plan p) {
    for (IlpSolution.Usage u : p.solution().usage()) if (u.budget().equals(swept.name())) return u;
    throw new IllegalStateException("plan without budget " + swept.name());
  }

  public Budget swept() {
    return swept;
  }

  public List<Point> points() {
    return List.copyOf(points);
  }

  public List<Uniform> uniform() {
    return List.copyOf(uniform);
  }

  /** The validation images each accuracy was measured on (0 when none was measured). */
  public int images() {
    return images;
  }

  public boolean hasAccuracy() {
    return !points.isEmpty() && !Double.isNaN(points.get(0).accuracy());
  }

  @Override
  public MimeBundle render() {
    return HawqViews.pareto(this);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("HAWQ-V3 Pareto sweep over " + swept.name() + "\n");
    for (Point p : points) {
      b.append(String.format(
          Locale.ROOT,
          "  fraction %.2f  limit %-14s used %-14s Omega %.4e%s%n",
          p.fraction(),
          HawqViews.amount(p.limit(), swept),
          HawqViews.amount(p.used(), swept),
          p.omega(),
          Double.isNaN(p.accuracy())
              ? ""
              : String.format(
                  Locale.ROOT, "  PTQ validation accuracy %.2f%%", 100 * p.accuracy())));
    }
    for (Uniform u : uniform) {
      b.append(String.format(
          Locale.ROOT,
          "  uniform %-6s used %-14s Omega %.4e%s%n",
          u.bits(),
          HawqViews.amount(u.used(), swept),
          u.omega(),
          Double.isNaN(u.accuracy())
              ? ""
              : String.format(
                  Locale.ROOT, "  PTQ validation accuracy %.2f%%", 100 * u.accuracy())));
    }
    return b.toString();
  }
}
