package bitlab.search.haq;

/**
 * A resource limit for a search: latency, energy or weight size, either absolute (in the unit
 * people read: ms, mJ, KiB) or as a fraction of the same model with every layer at 8 bits.
 */
public record Budget(Resource resource, double amount, boolean relative) {
  public Budget {
    if (resource == null)
      throw new HaqException("A budget needs a resource: latency, energy or size.");
    if (!(amount > 0) || Double.isInfinite(amount)) {
      throw new HaqException(
          "A " + resource.label() + " budget must be a positive number, got " + amount + ".");
    }
    if (relative && amount > 1) {
      throw new HaqException("A " + resource.label()
          + " budget as a fraction of the all-8-bit cost must be in (0, 1], got " + amount
          + "; give an absolute budget in " + resource.unit() + " instead.");
    }
  }

  /** Latency as a fraction of the all-8-bit latency on the target. */
  public static Budget latency(double fraction) {
    return new Budget(Resource.LATENCY, fraction, true);
  }

  public static Budget energy(double fraction) {
    return new Budget(Resource.ENERGY, fraction, true);
  }

  /** Weight size as a fraction of the all-8-bit weights. */
  public static Budget size(double fraction) {
    return new Budget(Resource.SIZE, fraction, true);
  }

  public static Budget latencyMillis(double ms) {
    return new Budget(Resource.LATENCY, ms, false);
  }

  public static Budget energyMillijoules(double mj) {
    return new Budget(Resource.ENERGY, mj, false);
  }

  public static Budget sizeKib(double kib) {
    return new Budget(Resource.SIZE, kib, false);
  }

  /** The limit in base units (seconds, joules, bytes), given the all-8-bit cost in base units. */
  public double limit(double eightBitCost) {
    return relative ? amount * eightBitCost : resource.fromDisplay(amount);
  }

  @Override
  public String toString() {
    return relative
        ? String.format("%s <= %.3g x 8-bit", resource.label(), amount)
        : String.format("%s <= %.4g %s", resource.label(), amount, resource.unit());
  }
}
