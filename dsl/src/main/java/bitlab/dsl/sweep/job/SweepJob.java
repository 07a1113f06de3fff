package bitlab.dsl.sweep.job;

import java.io.Serializable;

/**
 * One job of a sweep: references (a model name, a data set name, a target name), the budget, the
 * method and the seed, and the settings every job shares; no model, data or closure travels with
 * it, so it can run in another JVM that has the inputs by name.
 *
 * @param target the target's name, or "" when the job needs none (a size budget on no target)
 * @param budget null for a job that evaluates a fixed policy
 */
public record SweepJob(
    int index,
    String model,
    String data,
    String target,
    SweepBudget budget,
    Method method,
    long seed,
    SweepSettings settings)
    implements Serializable {

  public SweepJob {
    if (model == null || data == null || method == null || settings == null)
      throw new SweepException("A job needs a model, data, a method and settings.");
    target = target == null ? "" : target;
    if (budget == null && method.usesBudget())
      throw new SweepException("Job " + index + " (" + method + ") needs a budget.");
  }

  /** What identifies the job's row in a results file: the same key means the same computation. */
  public String key() {
    return String.join(
        "|",
        model,
        data,
        target,
        budget == null ? "-" : budget.label(),
        method.label(),
        method.usesSeed() ? Long.toString(seed) : "-");
  }

  /** E.g. {@code job 7 (haq of lenet5 on bismo-edge, latency 0.5, seed 2)}. */
  public String describe() {
    StringBuilder b = new StringBuilder("job ")
        .append(index)
        .append(" (")
        .append(method.label())
        .append(" of ")
        .append(model);
    if (!target.isEmpty()) b.append(" on ").append(target);
    if (budget != null) b.append(", ").append(budget.label());
    if (method.usesSeed()) b.append(", seed ").append(seed);
    return b.append(')').toString();
  }

  @Override
  public String toString() {
    return describe();
  }
}
