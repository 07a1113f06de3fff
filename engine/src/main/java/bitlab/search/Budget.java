package bitlab.search;

import bitlab.hardware.Target;
import java.util.Locale;

/**
 * One resource limit on a search, the same type for HAQ, HAWQ-V3, random search, Pareto sweeps and the
 * command line. The constructor's name says what the number is:
 *
 * <ul>
 *   <li>a fraction of the same model with every layer at 8 bits: {@link #latencyOf8Bit}, {@link
 *       #sizeOf8Bit}, {@link #energyOf8Bit}, {@link #bopsOf8Bit} (HAQ's and the sweeps' habit);
 *   <li>a point between the cheapest policy the search may choose (0) and the dearest (1): {@link
 *       #sizeBetween}, {@link #latencyBetween}, ... (HAWQ-V3's low/medium/high habit);
 *   <li>an absolute amount in a unit people read: {@link #sizeBytes}, {@link #sizeKib}, {@link #latencyMs},
 *       {@link #energyMj}, {@link #bops}.
 * </ul>
 *
 * A search turns a budget into a limit in base units with {@link #limit(Reach)}, given what its policies
 * can reach; a budget no policy meets is refused there, naming the cheapest reachable value in the
 * budget's own terms.
 *
 * @param metric what is limited
 * @param scale  what {@code value} is
 * @param value  the fraction, the point, or the amount in base units (bytes, BOPs, seconds, joules)
 * @param target the hardware that prices latency and energy; null for size and BOPs, and for a latency or
 *               energy budget that the search prices on its own target (HAQ's {@code .on(target)})
 */
public record Budget(Metric metric, Scale scale, double value, Target target) {

  /** What a budget limits, with the base unit its amounts are kept in. */
  public enum Metric {
    /** Weight bytes as {@code Policy.sizeBytes} counts them (HAQ counts only the packed weights). */
    SIZE("size", "bytes"),
    /** Bit operations per image: {@code sum b_w * b_a * MACs}. */
    BOPS("BOPs", "BOPs"),
    LATENCY("latency", "s"),
    ENERGY("energy", "J");

    private final String label;
    private final String unit;

    Metric(String label, String unit) {
      this.label = label;
      this.unit = unit;
    }

    /** {@code size}, {@code BOPs}, {@code latency}, {@code energy}. */
    public String label() {
      return label;
    }

    /** The base unit: bytes, BOPs, s, J. */
    public String unit() {
      return unit;
    }

    /** Whether a hardware target prices it. */
    public boolean onTarget() {
      return this == LATENCY || this == ENERGY;
    }

    /** An amount in base units the way people read it: {@code 30.5 KB} (decimal, as HAWQ-V3's tables), {@code 2.41 ms}, {@code 1.2e+07 BOPs}. */
    public String format(double base) {
      return switch (this) {
        case SIZE ->
          base >= 1e6
              ? trim(base / 1e6) + " MB"
              : base >= 1e3 ? trim(base / 1e3) + " KB" : trim(base) + " bytes";
        case BOPS -> trim(base) + " BOPs";
        case LATENCY -> trim(base * 1e3) + " ms";
        case ENERGY -> trim(base * 1e3) + " mJ";
      };
    }

    /** {@code size}, {@code bops}, {@code latency}, {@code energy} (or the label): case does not matter. */
    public static Metric parse(String text) {
      String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
      for (Metric m : values()) if (m.label.toLowerCase(Locale.ROOT).equals(t)) return m;
      throw new BudgetException(
          "Budget metric '" + text + "' is not known; use size, bops, latency or energy.");
    }
  }

  /** What a budget's number is. */
  public enum Scale {
    /** A fraction of the same model with every layer at 8 bits (weights and activations). */
    OF_8BIT,
    /** A point from the cheapest policy the search may choose (0) to the dearest (1). */
    BETWEEN,
    /** An amount in the metric's base unit. */
    ABSOLUTE
  }

  /**
   * What a search's policies reach for one metric, in base units.
   *
   * @param eightBit the cost with every layer at W8A8
   * @param cheapest the least any policy the search may choose costs
   * @param dearest  the most any policy the search may choose costs
   * @param fixed    the part no bit width changes (HAWQ-V3's size counts 32-bit scales and biases), kept
   *                 out of the fraction of 8-bit so that "half the 8-bit size" halves what the bits decide
   * @param cheapestIs how the cheapest policy is made, for messages: {@code every layer at 2 bits}
   */
  public record Reach(
      double eightBit, double cheapest, double dearest, double fixed, String cheapestIs) {}

  public Budget {
    if (metric == null)
      throw new BudgetException("A budget needs a metric: size, BOPs, latency or energy.");
    if (scale == null)
      throw new BudgetException("A budget needs a scale: a fraction of 8-bit, a point between the "
          + "cheapest and the dearest policy, or an absolute amount.");
    if (!metric.onTarget()) target = null;
    switch (scale) {
      case OF_8BIT -> {
        if (!(value > 0 && value <= 1))
          throw new BudgetException("A " + metric.label
              + " budget as a fraction of the all-8-bit cost must be in (0, 1], got " + value
              + "; e.g. 0.5 is half the 8-bit " + metric.label + ", or give an absolute amount.");
      }
      case BETWEEN -> {
        if (!(value >= 0 && value <= 1))
          throw new BudgetException("A " + metric.label
              + " budget given as a fraction must lie between 0 (the cheapest policy) and 1 (the dearest), got "
              + value + ".");
      }
      case ABSOLUTE -> {
        if (!(value > 0) || Double.isInfinite(value))
          throw new BudgetException(
              "A " + metric.label + " budget must be a positive finite amount, got " + value + ".");
      }
    }
  }

  // ---- a fraction of the all-8-bit cost ----

  /** Weight size at most this fraction of the same model at 8 bits. */
  public static Budget sizeOf8Bit(double fraction) {
    return new Budget(Metric.SIZE, Scale.OF_8BIT, fraction, null);
  }

  /** Latency at most this fraction of the all-8-bit latency (on the search's target, or {@link #on}). */
  public static Budget latencyOf8Bit(double fraction) {
    return new Budget(Metric.LATENCY, Scale.OF_8BIT, fraction, null);
  }

  public static Budget energyOf8Bit(double fraction) {
    return new Budget(Metric.ENERGY, Scale.OF_8BIT, fraction, null);
  }

  public static Budget bopsOf8Bit(double fraction) {
    return new Budget(Metric.BOPS, Scale.OF_8BIT, fraction, null);
  }

  // ---- a point between the cheapest and the dearest policy ----

  /** Size at this point from the cheapest policy (0) to the dearest (1). */
  public static Budget sizeBetween(double point) {
    return new Budget(Metric.SIZE, Scale.BETWEEN, point, null);
  }

  public static Budget latencyBetween(double point) {
    return new Budget(Metric.LATENCY, Scale.BETWEEN, point, null);
  }

  public static Budget energyBetween(double point) {
    return new Budget(Metric.ENERGY, Scale.BETWEEN, point, null);
  }

  public static Budget bopsBetween(double point) {
    return new Budget(Metric.BOPS, Scale.BETWEEN, point, null);
  }

  // ---- absolute amounts ----

  public static Budget sizeBytes(double bytes) {
    return new Budget(Metric.SIZE, Scale.ABSOLUTE, bytes, null);
  }

  public static Budget sizeKib(double kib) {
    return sizeBytes(kib * 1024);
  }

  public static Budget latencyMs(double ms) {
    return new Budget(Metric.LATENCY, Scale.ABSOLUTE, ms / 1e3, null);
  }

  public static Budget latencySeconds(double seconds) {
    return new Budget(Metric.LATENCY, Scale.ABSOLUTE, seconds, null);
  }

  public static Budget energyMj(double mj) {
    return new Budget(Metric.ENERGY, Scale.ABSOLUTE, mj / 1e3, null);
  }

  public static Budget energyJoules(double joules) {
    return new Budget(Metric.ENERGY, Scale.ABSOLUTE, joules, null);
  }

  /** Bit operations per image ({@code sum b_w * b_a * MACs}). */
  public static Budget bops(double bops) {
    return new Budget(Metric.BOPS, Scale.ABSOLUTE, bops, null);
  }

  // ---- from text, the one parser (command line, sweeps, HAWQ-V3's size(amount, unit)) ----

  /**
   * An absolute amount in a unit: size in B, KB, MB, GB (decimal) or KiB, MiB; latency in s, ms, us; energy
   * in J, mJ, uJ; BOPs in BOPs, MBOPs, GBOPs.
   */
  public static Budget amount(Metric m, double amount, String unit) {
    String u = unit.trim().toLowerCase(Locale.ROOT);
    double scale = switch (m) {
      case SIZE ->
        switch (u) {
          case "b", "byte", "bytes" -> 1;
          case "kb" -> 1e3;
          case "mb" -> 1e6;
          case "gb" -> 1e9;
          case "kib" -> 1024;
          case "mib" -> 1024 * 1024;
          default -> Double.NaN;
        };
      case LATENCY ->
        switch (u) {
          case "s" -> 1;
          case "ms" -> 1e-3;
          case "us" -> 1e-6;
          default -> Double.NaN;
        };
      case ENERGY ->
        switch (u) {
          case "j" -> 1;
          case "mj" -> 1e-3;
          case "uj" -> 1e-6;
          default -> Double.NaN;
        };
      case BOPS ->
        switch (u) {
          case "bops" -> 1;
          case "mbops" -> 1e6;
          case "gbops" -> 1e9;
          default -> Double.NaN;
        };
    };
    if (Double.isNaN(scale)) {
      throw new BudgetException(
          "A " + m.label + " unit '" + unit + "' is not known; use " + UNITS.get(m) + ".");
    }
    return new Budget(m, Scale.ABSOLUTE, amount * scale, null);
  }

  private static final java.util.Map<Metric, String> UNITS = java.util.Map.of(
      Metric.SIZE, "B, KB, MB, GB, KiB or MiB",
      Metric.LATENCY, "s, ms or us",
      Metric.ENERGY, "J, mJ or uJ",
      Metric.BOPS, "BOPs, MBOPs or GBOPs");

  /**
   * A budget as a person types it: {@code 0.6of8bit} (a fraction of the all-8-bit cost), {@code 0.3between}
   * (a point between the cheapest and the dearest policy), an amount with its unit ({@code 40KB},
   * {@code 2.5ms}, {@code 1.2mJ}, {@code 12e6BOPs}), or a bare number, read as {@code bare} says (HAQ and
   * sweeps read {@code 0.6} as a fraction of 8-bit, HAWQ-V3 as a point between, as they always have).
   */
  public static Budget parse(Metric m, String text, Scale bare) {
    String t = text == null ? "" : text.trim();
    java.util.regex.Matcher x = java.util.regex.Pattern.compile(
            "([0-9]*\\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\\s*([A-Za-z0-9]*)")
        .matcher(t);
    if (!x.matches()) {
      throw new BudgetException(
          "A " + m.label + " budget '" + text + "' is not understood; write a "
              + "fraction of the all-8-bit cost (0.5of8bit), a point between the cheapest and the dearest "
              + "policy (0.5between) or an amount with its unit (" + UNITS.get(m) + ").");
    }
    double v = Double.parseDouble(x.group(1));
    String suffix = x.group(2).toLowerCase(Locale.ROOT);
    return switch (suffix) {
      case "" -> new Budget(m, bare, v, null);
      case "of8bit", "x8bit" -> new Budget(m, Scale.OF_8BIT, v, null);
      case "between" -> new Budget(m, Scale.BETWEEN, v, null);
      default -> amount(m, v, suffix);
    };
  }

  // ---- copies ----

  /** The same budget priced on this target (latency and energy; size and BOPs need none). */
  public Budget on(Target t) {
    return new Budget(metric, scale, value, t);
  }

  /** The same metric, scale and target at another value (a sweep varies one budget). */
  public Budget at(double v) {
    return new Budget(metric, scale, v, target);
  }

  /**
   * The name of this budget's row in an integer program: {@code size}, {@code bops},
   * {@code latency@bismo-edge}. Two budgets with one name limit the same thing.
   */
  public String name() {
    String k = metric.name().toLowerCase(Locale.ROOT);
    return target == null ? k : k + "@" + target.name();
  }

  /**
   * The limit in base units, given what the search's policies reach.
   *
   * @throws BudgetException if even the cheapest policy costs more, naming the cheapest reachable value
   *     in this budget's own terms
   */
  public double limit(Reach r) {
    double limit = switch (scale) {
      case OF_8BIT -> r.fixed() + value * (r.eightBit() - r.fixed());
      case BETWEEN -> r.cheapest() + value * (r.dearest() - r.cheapest());
      case ABSOLUTE -> value;
    };
    if (limit < r.cheapest() * (1 - 1e-12)) {
      throw new BudgetException(String.format(
          Locale.ROOT,
          "The budget %s cannot be met: the cheapest reachable is %s (%s); raise the budget to at "
              + "least that, or allow fewer bits.",
          this,
          inOwnTerms(r.cheapest(), r),
          (scale == Scale.ABSOLUTE ? "" : metric.format(r.cheapest()) + ", ") + r.cheapestIs()));
    }
    return limit;
  }

  /** A cost in this budget's own terms: a fraction of 8-bit, a point between the extremes, or an amount. */
  public String inOwnTerms(double base, Reach r) {
    return switch (scale) {
      case OF_8BIT ->
        trim((base - r.fixed()) / (r.eightBit() - r.fixed())) + " of the all-8-bit " + metric.label;
      case BETWEEN ->
        trim(r.dearest() == r.cheapest() ? 0 : (base - r.cheapest()) / (r.dearest() - r.cheapest()))
            + " of the way from the cheapest policy to the dearest";
      case ABSOLUTE -> metric.format(base);
    };
  }

  /** In words: {@code latency at most 0.6 of the all-8-bit latency on bismo-edge}. */
  @Override
  public String toString() {
    String on = target == null ? "" : " on " + target.name();
    return switch (scale) {
      case OF_8BIT ->
        metric.label + " at most " + trim(value) + " of the all-8-bit " + metric.label + on;
      case BETWEEN ->
        metric.label + on + " at " + trim(value)
            + " of the way from the cheapest policy to the dearest";
      case ABSOLUTE -> metric.label + " at most " + metric.format(value) + on;
    };
  }

  /** Up to four significant digits, no trailing zeros: {@code 0.6}, {@code 30.52}, {@code 1.2e+07}. */
  static String trim(double v) {
    if (v != 0 && (Math.abs(v) >= 1e7 || Math.abs(v) < 1e-3))
      return String.format(Locale.ROOT, "%.4g", v).replaceAll("\\.?0+e", "e");
    return new java.math.BigDecimal(v)
        .round(new java.math.MathContext(4))
        .stripTrailingZeros()
        .toPlainString();
  }
}
