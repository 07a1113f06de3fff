package bitlab.dsl.hawq;

import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.quant.Policy;
import bitlab.search.hawq.Plan;

/**
 * A solved HAWQ-V3 plan as a notebook shows it: bit table, per-layer trace chart (log scale), budget
 * use and the uniform policies beside it. {@link #policy()} feeds {@code quantize(net, ...)}.
 */
public final class HawqResult implements Renderable {
  private final Plan plan;
  private final HawqBuilder from;

  HawqResult(Plan plan, HawqBuilder from) {
    this.plan = plan;
    this.from = from;
  }

  public Plan plan() {
    return plan;
  }

  public Policy policy() {
    return plan.policy();
  }

  public double omega() {
    return plan.omega();
  }

  /** Top-1 test accuracy after static PTQ under this plan's policy (runs PTQ and an evaluation). */
  public double accuracy() {
    return from.testAccuracy(plan.policy());
  }

  /**
   * The test evaluation behind {@link #accuracy()}: images right out of how many, and the 95% interval
   * ({@code evaluate().interval95Text()}) to compare two plans by.
   */
  public bitlab.model.Evaluation evaluate() {
    return from.testEvaluation(plan.policy());
  }

  /** The same on the validation images, the ones a Pareto sweep compares plans by. */
  public double validationAccuracy() {
    return from.ptqAccuracy(plan.policy());
  }

  /** The problem as an ILP file for {@code ./bitlab ilp --input}. */
  public String ilpJson() {
    return bitlab.search.hawq.IlpJson.write(plan.problem());
  }

  @Override
  public MimeBundle render() {
    return HawqViews.plan(plan);
  }

  @Override
  public String toString() {
    return plan.toString();
  }
}
