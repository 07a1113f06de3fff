package bitlab.dsl.sweep.job;

import bitlab.hardware.Target;
import bitlab.model.Model;
import bitlab.quant.Policy;
import bitlab.search.haq.Budget;
import bitlab.search.haq.Pricing;
import bitlab.search.haq.Resource;
import java.io.Serializable;
import java.util.Locale;

/**
 * A budget of a sweep: latency, energy or weight size at most {@code fraction} of the same model with
 * every layer at 8 bits (on the job's target for latency and energy). Every method of a sweep reads it
 * the same way; this is the one place that turns it into each search's own budget type (HAQ's and
 * HAWQ-V3's differ today), so a future single budget type changes only this file.
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

  /** HAQ's form: the same fraction of the all-8-bit cost. */
  public Budget haq() {
    return new Budget(resource, fraction, true);
  }

  /** The limit in base units (seconds, joules, bytes of weights at their widths) for this model on this target. */
  public double limit(Model model, Target target) {
    return fraction * Pricing.of(model.workloads(), target).uniform(resource, 8, 8);
  }

  /**
   * HAWQ-V3's form, as an absolute limit. HAWQ-V3 counts the 32-bit scales and biases in a model's size
   * (what {@link Policy#sizeBytes} counts); they do not depend on the bits, so they are added to the limit.
   */
  public bitlab.search.hawq.Budget hawq(Model model, Target target) {
    double limit = limit(model, target);
    return switch (resource) {
      case LATENCY -> bitlab.search.hawq.Budget.latencySeconds(target, limit);
      case ENERGY -> bitlab.search.hawq.Budget.energyJoules(target, limit);
      case SIZE -> bitlab.search.hawq.Budget.sizeBytes(limit + fixedBytes(model));
    };
  }

  private static double fixedBytes(Model model) {
    double weights = Pricing.of(model.workloads(), null).uniform(Resource.SIZE, 8, 8);
    return Policy.uniform(model, 8, 8).sizeBytes(model) - weights;
  }

  /** {@code "latency 0.5"}. */
  public String label() {
    return resource.label() + " " + trim(fraction);
  }

  static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.4f", v);
    return s.replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  @Override
  public String toString() {
    return resource.label() + " <= " + trim(fraction) + " x 8-bit";
  }
}
