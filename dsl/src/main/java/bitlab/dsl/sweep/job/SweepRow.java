package bitlab.dsl.sweep.job;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one job produced: the policy it chose, its accuracy on the validation images that scored it
 * and on the test split (static PTQ, the same calibration for every method), the unquantized model's
 * validation accuracy, its cost on every target of the sweep, the time the job took, where it ran
 * and how (provenance). Accuracies are percentages; a missing seed or budget is "-".
 *
 * @param policy   the bit pairs per layer, {@code conv1:8/8 conv2:4/6 ...}
 * @param costVs8Bit the policy's cost in the budget's resource (latency on the job's target when it
 *                 has no budget, size without a target) as a fraction of the all-8-bit cost
 * @param costs    cost columns: {@code latency_ms@TARGET} and {@code energy_mj@TARGET} for every target,
 *                 {@code size_kib} (weights at their widths plus 32-bit scales and biases), {@code gbops}
 * @param seconds  the job's wall time, of which {@code scoringSeconds} scoring its {@code policiesScored} policies on the
 *                 validation images (summed over the threads that scored them) and {@code agentSeconds} in HAQ's agent
 */
public record SweepRow(
    int job,
    String key,
    String model,
    String data,
    String target,
    String budget,
    String method,
    String seed,
    String policy,
    double validationAccuracy,
    double testAccuracy,
    double unquantizedAccuracy,
    double costVs8Bit,
    Map<String, Double> costs,
    double seconds,
    int policiesScored,
    double scoringSeconds,
    double agentSeconds,
    String worker,
    String provenance)
    implements Serializable {

  /** The columns before the costs. */
  public static final List<String> LEADING = List.of(
      "job",
      "key",
      "model",
      "data",
      "target",
      "budget",
      "method",
      "seed",
      "val_accuracy",
      "test_accuracy",
      "fp_val_accuracy",
      "cost_vs_8bit");
  /** The columns after the costs. */
  public static final List<String> TRAILING = List.of(
      "policy",
      "seconds",
      "policies_scored",
      "scoring_seconds",
      "agent_seconds",
      "worker",
      "provenance");

  public SweepRow {
    Objects.requireNonNull(key, "key");
    costs = Collections.unmodifiableMap(new LinkedHashMap<>(costs));
  }

  /** The cost columns of a sweep over these targets. */
  public static List<String> costColumns(List<String> targets) {
    List<String> c = new ArrayList<>();
    for (String t : targets) {
      c.add("latency_ms@" + t);
      c.add("energy_mj@" + t);
    }
    c.add("size_kib");
    c.add("gbops");
    return c;
  }

  /** Every column of a sweep over these targets, in file order. */
  public static List<String> columns(List<String> targets) {
    List<String> c = new ArrayList<>(LEADING);
    c.addAll(costColumns(targets));
    c.addAll(TRAILING);
    return c;
  }

  /** The row's cells in the order of {@code columns}; numbers round-trip exactly, NaN is empty. */
  public List<String> cells(List<String> columns) {
    List<String> out = new ArrayList<>(columns.size());
    for (String c : columns) out.add(cell(c));
    return out;
  }

  private String cell(String column) {
    switch (column) {
      case "job":
        return Integer.toString(job);
      case "key":
        return key;
      case "model":
        return model;
      case "data":
        return data;
      case "target":
        return target;
      case "budget":
        return budget;
      case "method":
        return method;
      case "seed":
        return seed;
      case "val_accuracy":
        return number(validationAccuracy);
      case "test_accuracy":
        return number(testAccuracy);
      case "fp_val_accuracy":
        return number(unquantizedAccuracy);
      case "cost_vs_8bit":
        return number(costVs8Bit);
      case "policy":
        return policy;
      case "seconds":
        return number(seconds);
      case "policies_scored":
        return Integer.toString(policiesScored);
      case "scoring_seconds":
        return number(scoringSeconds);
      case "agent_seconds":
        return number(agentSeconds);
      case "worker":
        return worker;
      case "provenance":
        return provenance;
      default:
        Double v = costs.get(column);
        return v == null ? "" : number(v);
    }
  }

  /** A row read back from a file's cells, keyed by column name. */
  public static SweepRow of(Map<String, String> cells, List<String> costColumns) {
    Map<String, Double> costs = new LinkedHashMap<>();
    for (String c : costColumns) costs.put(c, parse(cells.get(c)));
    return new SweepRow(
        Integer.parseInt(cells.get("job")),
        cells.get("key"),
        cells.get("model"),
        cells.get("data"),
        cells.get("target"),
        cells.get("budget"),
        cells.get("method"),
        cells.get("seed"),
        cells.get("policy"),
        parse(cells.get("val_accuracy")),
        parse(cells.get("test_accuracy")),
        parse(cells.get("fp_val_accuracy")),
        parse(cells.get("cost_vs_8bit")),
        costs,
        parse(cells.get("seconds")),
        Integer.parseInt(cells.get("policies_scored")),
        parse(cells.get("scoring_seconds")),
        parse(cells.get("agent_seconds")),
        cells.get("worker"),
        cells.get("provenance"));
  }

  /** True if both rows hold the same result: key, policy, accuracies and costs (not time, worker or provenance). */
  public boolean sameResult(SweepRow o) {
    return key.equals(o.key)
        && policy.equals(o.policy)
        && same(validationAccuracy, o.validationAccuracy)
        && same(testAccuracy, o.testAccuracy)
        && same(unquantizedAccuracy, o.unquantizedAccuracy)
        && same(costVs8Bit, o.costVs8Bit)
        && costs.equals(o.costs);
  }

  private static boolean same(double a, double b) {
    return Double.compare(a, b) == 0;
  }

  private static String number(double v) {
    return Double.isNaN(v) ? "" : Double.toString(v);
  }

  private static double parse(String s) {
    return s == null || s.isEmpty() ? Double.NaN : Double.parseDouble(s);
  }
}
