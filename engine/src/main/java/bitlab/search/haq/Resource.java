package bitlab.search.haq;

/** What a budget limits: latency or energy on a target, or the size of the quantized weights. */
public enum Resource {
  LATENCY("latency", "ms", 1e3),
  ENERGY("energy", "mJ", 1e3),
  SIZE("size", "KiB", 1.0 / 1024);

  private final String label;
  private final String unit;
  private final double scale;

  Resource(String label, String unit, double scale) {
    this.label = label;
    this.unit = unit;
    this.scale = scale;
  }

  /** HAQ's resource for a budget's metric; HAQ prices latency, energy and size, not BOPs. */
  public static Resource of(bitlab.search.Budget.Metric m) {
    return switch (m) {
      case LATENCY -> LATENCY;
      case ENERGY -> ENERGY;
      case SIZE -> SIZE;
      case BOPS ->
        throw new bitlab.search.BudgetException(
            "HAQ prices latency, energy or size, not BOPs; use a latency, energy or size budget, or "
                + "HAWQ-V3 (hawq(net, data).bopsAtMost(...)) for a BOPs budget.");
    };
  }

  public String label() {
    return label;
  }

  /** The unit people read: ms, mJ or KiB. */
  public String unit() {
    return unit;
  }

  /** A value in base units (seconds, joules, bytes) in the unit people read. */
  public double display(double base) {
    return base * scale;
  }

  /** E.g. "12.345 ms". */
  public String format(double base) {
    return String.format("%.4g %s", display(base), unit);
  }
}
