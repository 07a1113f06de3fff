package bitlab.integer;

import bitlab.integer.kernel.Int8Peak;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where one batch's time goes in an integer-only model: per step the median wall time over several
 * calls, its share of the whole, GMAC/s for the layers, which kernel ran and why ({@code
 * ConvKernels.explain}: the instruction set, oneDNN's implementation, or what ruled the faster kernels
 * out), and, when a reference runtime was measured on the same layers, its time beside it.
 *
 * @param rounds     the calls timed
 * @param callMs     the median wall time of those calls, whole: more than {@link #totalMs()}, the sum of each step's
 *                   median, by what no step's timer covers and by the slow steps of different calls not adding up
 * @param cpu        the instruction set the kernels dispatched on ({@code CpuFeatures})
 * @param peak       the computed int8 peak of this CPU
 * @param reference  the runtime in the reference column (e.g. {@code ONNX Runtime 1.23.2, QDQ}), or empty
 */
public record Profile(
    String model,
    String policy,
    int batch,
    int rounds,
    double callMs,
    String cpu,
    Int8Peak peak,
    List<Row> rows,
    String reference) {

  public Profile {
    rows = List.copyOf(rows);
  }

  /**
   * One step.
   *
   * @param macs         multiply-accumulates of the whole batch (0 for steps without weights)
   * @param referenceMs  the reference runtime's time for the same layer, NaN where not measured
   */
  public record Row(
      String step, String op, String kernel, String why, long macs, double ms, double referenceMs) {
    /** Multiply-accumulates per second, in billions; NaN for steps without weights. */
    public double gmacs() {
      return macs == 0 ? Double.NaN : macs / ms / 1e6;
    }
  }

  /** The sum of the steps' medians, milliseconds per batch (the whole call's median is {@link #callMs}). */
  public double totalMs() {
    return rows.stream().mapToDouble(Row::ms).sum();
  }

  /** The share of the steps' sum ({@link #totalMs()}) that step {@code r} takes, 0..1. */
  public double share(Row r) {
    return r.ms() / totalMs();
  }

  /** Multiply-accumulates per second over the whole batch, in billions, at the whole call's median time. */
  public double gmacs() {
    return rows.stream().mapToLong(Row::macs).sum() / callMs / 1e6;
  }

  /** The same profile with a reference runtime's milliseconds per step (steps it does not name stay NaN). */
  public Profile withReference(String name, Map<String, Double> msByStep) {
    List<Row> out = new ArrayList<>();
    for (Row r : rows)
      out.add(new Row(
          r.step(),
          r.op(),
          r.kernel(),
          r.why(),
          r.macs(),
          r.ms(),
          msByStep.getOrDefault(r.step(), Double.NaN)));
    return new Profile(model, policy, batch, rounds, callMs, cpu, peak, out, name);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(String.format(
        "Profile of %s %s, batch %d, %d calls: %.2f ms a call (median), %.1f GMAC/s (%.1f%% of the %s); the steps'"
            + " medians below sum to %.2f ms%n",
        model,
        policy,
        batch,
        rounds,
        callMs,
        gmacs(),
        100 * gmacs() / peak.gmacs(),
        peak.brief(),
        totalMs()));
    b.append("  instruction set: ").append(cpu).append('\n');
    boolean ref = !reference.isEmpty();
    b.append(String.format(
        "  %-22s %-14s %9s %6s %8s%s  %s%n",
        "step",
        "op",
        "ms",
        "share",
        "GMAC/s",
        ref ? String.format(" %10s", "ref ms") : "",
        "kernel"));
    for (Row r : rows) {
      b.append(String.format(
          "  %-22s %-14s %9.3f %5.1f%% %8s%s  %s%n",
          r.step(),
          r.op(),
          r.ms(),
          100 * share(r),
          Double.isNaN(r.gmacs()) ? "" : String.format("%.1f", r.gmacs()),
          ref
              ? String.format(
                  " %10s",
                  Double.isNaN(r.referenceMs()) ? "" : String.format("%.3f", r.referenceMs()))
              : "",
          r.why().isEmpty() ? r.kernel() : r.why()));
    }
    if (ref) b.append("  ref: ").append(reference).append('\n');
    return b.toString();
  }
}
