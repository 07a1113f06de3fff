package bitlab.search.hawq;

import bitlab.hardware.Target;
import java.util.Locale;

/**
 * One resource limit on a plan, written the way people think of it: an absolute amount, or a
 * fraction of the way from the cheapest policy (0) to the dearest (1), as HAWQ-V3's
 * low/medium/high configurations are.
 *
 * @param kind     what is limited
 * @param target   the hardware that prices latency and energy (null for size and BOPs)
 * @param value    bytes, BOPs, seconds or joules when absolute; 0..1 when a fraction
 * @param fraction whether {@code value} is a fraction
 */
public record Budget(Kind kind, Target target, double value, boolean fraction) {

  /** Size: weight bytes ({@code sum n_i * b_i / 8}). BOPs: {@code sum b_w * b_a * MACs}. Latency, energy: on a target. */
  public enum Kind {
    SIZE("bytes"),
    BOPS("BOPs"),
    LATENCY("s"),
    ENERGY("J");

    final String unit;

    Kind(String unit) {
      this.unit = unit;
    }

    public String unit() {
      return unit;
    }
  }

  public Budget {
    if (kind == null)
      throw new HawqException("A budget needs a kind: size, BOPs, latency or energy.");
    boolean onTarget = kind == Kind.LATENCY || kind == Kind.ENERGY;
    if (onTarget && target == null) {
      throw new HawqException("A " + kind.name().toLowerCase(Locale.ROOT)
          + " budget needs a hardware target, e.g. hardware(\"bismo-edge\").");
    }
    if (!onTarget) target = null;
    if (fraction && !(value >= 0 && value <= 1)) {
      throw new BudgetException("A " + name(kind, target)
          + " budget given as a fraction must lie between 0 (the cheapest policy) and 1 (the dearest), got "
          + value + ".");
    }
    if (!fraction && !(value > 0) || Double.isInfinite(value)) {
      throw new BudgetException("A " + name(kind, target)
          + " budget must be a positive finite amount, got " + value + ".");
    }
  }

  public static Budget size(double fraction) {
    return new Budget(Kind.SIZE, null, fraction, true);
  }

  public static Budget sizeBytes(double bytes) {
    return new Budget(Kind.SIZE, null, bytes, false);
  }

  public static Budget bops(double fraction) {
    return new Budget(Kind.BOPS, null, fraction, true);
  }

  public static Budget bopsAbsolute(double bops) {
    return new Budget(Kind.BOPS, null, bops, false);
  }

  public static Budget latency(Target t, double fraction) {
    return new Budget(Kind.LATENCY, t, fraction, true);
  }

  public static Budget latencySeconds(Target t, double seconds) {
    return new Budget(Kind.LATENCY, t, seconds, false);
  }

  public static Budget energy(Target t, double fraction) {
    return new Budget(Kind.ENERGY, t, fraction, true);
  }

  public static Budget energyJoules(Target t, double joules) {
    return new Budget(Kind.ENERGY, t, joules, false);
  }

  /** The name of this budget's row in the ILP: {@code size}, {@code bops}, {@code latency@bismo-edge}. */
  public String name() {
    return name(kind, target);
  }

  public Budget withValue(double v) {
    return new Budget(kind, target, v, fraction);
  }

  private static String name(Kind kind, Target target) {
    String k = kind.name().toLowerCase(Locale.ROOT);
    return target == null ? k : k + "@" + target.name();
  }

  @Override
  public String toString() {
    return name()
        + (fraction
            ? String.format(Locale.ROOT, " at %.3g of the way from cheapest to dearest", value)
            : " <= " + IlpSolver.fmt(value, kind.unit()));
  }
}
