package bitlab.dsl.sweep.job;

import bitlab.search.Budget;
import bitlab.search.haq.Resource;
import java.io.Serializable;
import java.util.Locale;

/**
 * A budget of a sweep: latency, energy or weight size at most {@code fraction} of the same model with
 * every layer at 8 bits (on the job's target for latency and energy). A job carries this small serializable
 * form; {@link #budget()} is the one {@link Budget} every method of the sweep (HAQ, HAWQ-V3, random, uniform)
 * reads, {@code Budget.latencyOf8Bit(fraction)} and its kin.
 */
public record SweepBudget(Resource resource, double fraction) implements Serializable {
  public SweepBudget {
    if (resource == null)
      throw new SweepException("A budget needs a resource: latency, energy or size.");
    if (!(fraction > 0 && fraction <= 1)) {
      throw new SweepException(
          "A " + resource.label() + " budget is a fraction of the all-8-bit cost in (0, 1], got "
              + fraction + "; e.g. latency 0.5 is half the 8-bit latency.");
    }
  }

  /** {@code "latency 0.5"}, {@code "latency:0.5"}, {@code "size=0.4"}, {@code "energy 0.7"}. */
  public static SweepBudget parse(String text) {
    String[] parts =
        text == null ? new String[0] : text.trim().toLowerCase(Locale.ROOT).split("[\\s:=]+");
    if (parts.length != 2) {
      throw new SweepException("Budget '" + text
          + "' is not understood; write a resource and a fraction of the all-8-bit cost, "
          + "e.g. \"latency 0.5\", \"energy 0.7\" or \"size 0.4\".");
    }
    Resource r = switch (parts[0]) {
      case "latency" -> Resource.LATENCY;
      case "energy" -> Resource.ENERGY;
      case "size" -> Resource.SIZE;
      default ->
        throw new SweepException(
            "Budget resource '" + parts[0] + "' is not known; use latency, energy or size.");
    };
    try {
      return new SweepBudget(r, Double.parseDouble(parts[1]));
    } catch (NumberFormatException e) {
      throw new SweepException(
          "Budget '" + text + "' has no number after the resource; e.g. \"" + parts[0] + " 0.5\".");
    }
  }

  /** Whether pricing this budget needs a hardware target. */
  public boolean needsTarget() {
    return resource != Resource.SIZE;
  }

  /**
   * The budget every method reads: this fraction of the all-8-bit cost. HAWQ-V3 counts the 32-bit scales and
   * biases in a model's size; {@link Budget#limit} keeps that fixed part out of the fraction, so HAQ and
   * HAWQ-V3 meet the same limit on the weights.
   */
  public Budget budget() {
    return switch (resource) {
      case LATENCY -> Budget.latencyOf8Bit(fraction);
      case ENERGY -> Budget.energyOf8Bit(fraction);
      case SIZE -> Budget.sizeOf8Bit(fraction);
    };
  }

  /** {@code "latency 0.5"}. */
  public String label() {
    return resource.label() + " " + trim(fraction);
  }

  static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.4f", v);
    return s.replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  /** In words, as {@link Budget#toString}: {@code latency at most 0.5 of the all-8-bit latency}. */
  @Override
  public String toString() {
    return budget().toString();
  }
}
