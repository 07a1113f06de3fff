package bitlab.hardware;

/**
 * Latency and energy of some work on a target: an immutable value that adds up, so per-layer
 * costs sum to a model total. Seconds and joules; {@link #millis()} and {@link #millijoules()}
 * are the units people read.
 */
public record Cost(double seconds, double joules) {

  public static final Cost ZERO = new Cost(0, 0);

  public Cost {
    if (!(seconds >= 0) || !(joules >= 0)) {
      throw new IllegalArgumentException(
          "A cost needs non-negative, finite latency and energy, got " + seconds + " s and "
              + joules + " J.");
    }
  }

  public Cost plus(Cost other) {
    return new Cost(seconds + other.seconds, joules + other.joules);
  }

  public Cost minus(Cost other) {
    return new Cost(Math.max(0, seconds - other.seconds), Math.max(0, joules - other.joules));
  }

  public Cost times(double factor) {
    return new Cost(seconds * factor, joules * factor);
  }

  public double millis() {
    return seconds * 1e3;
  }

  public double millijoules() {
    return joules * 1e3;
  }

  @Override
  public String toString() {
    return String.format("%.4f ms, %.4f mJ", millis(), millijoules());
  }
}
