package bitlab.hardware;

/**
 * The roofline of a target at one bit pair: the best MAC rate its arithmetic can reach with
 * every tile full, and its DRAM bandwidth. A layer of intensity I (MACs per byte) can reach at
 * most {@code min(macsPerSecond, I * bytesPerSecond)}; layers plotted under this roof show how
 * far padding, bit-serial passes or traffic keep them from it.
 */
public record Roof(double macsPerSecond, double bytesPerSecond) {

  public Roof {
    if (!(macsPerSecond > 0) || !(bytesPerSecond > 0)) {
      throw new IllegalArgumentException("A roof needs positive rates, got " + macsPerSecond
          + " MAC/s and " + bytesPerSecond + " B/s.");
    }
  }

  /** Intensity where the roof turns from memory-bound to compute-bound, MACs per byte. */
  public double ridge() {
    return macsPerSecond / bytesPerSecond;
  }

  /** The roof's height at an intensity. */
  public double attainable(double macsPerByte) {
    return Math.min(macsPerSecond, macsPerByte * bytesPerSecond);
  }
}
