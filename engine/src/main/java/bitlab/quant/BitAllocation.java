package bitlab.quant;

/**
 * Per-channel bit allocation under a bit budget (Banner, Nahshan and Soudry 2019, "Post-training 4-bit quantization of
 * convolutional networks for rapid-deployment", section 4): the channels of one tensor share a total of
 * {@code channels · meanBits} bits, and each gets a width whose number of levels is proportional to its range to the
 * power 2/3, {@code 2^{M_i} ∝ r_i^{2/3}}. That is the minimum of the summed quantization noise {@code Σ r_i² / 4^{M_i}}
 * when the levels are shared out; the widths are whole bits between {@code minBits} and {@code maxBits}, scaled so that
 * they spend the budget exactly (a wide channel gets fine steps, a narrow one few levels, and the total stays that of
 * {@code meanBits} everywhere).
 *
 * <p>Which tensors it applies to is {@link Target}: weights (each output channel has its own scale already, so the
 * widths are integer-executable: the codes fit the widest width) or activations (per-channel widths of a layer's
 * input cannot be summed in one accumulator, so that model is simulated only, and says so).
 */
public final class BitAllocation {
  /** What the allocation is applied to. */
  public enum Target {
    /** No allocation: every channel at the layer's width. */
    NONE,
    /** The weights' output channels (integer-executable). */
    WEIGHTS,
    /** The activations' channels (simulated only). */
    ACTIVATIONS,
    /** Both. */
    BOTH;

    public boolean weights() {
      return this == WEIGHTS || this == BOTH;
    }

    public boolean activations() {
      return this == ACTIVATIONS || this == BOTH;
    }

    /** Parses {@code none}, {@code weights}, {@code activations} or {@code both}, naming the choices otherwise. */
    public static Target parse(String name) {
      for (Target t : values()) if (t.name().equalsIgnoreCase(name.trim())) return t;
      throw new QuantException("Unknown bit allocation '" + name
          + "'; use none, weights, activations or both (Banner et al.'s per-channel widths).");
    }
  }

  /** The narrowest width a channel gets: below 2 bits a signed channel has no code but zero and ±1. */
  public static final int MIN_BITS = 2;

  /** The widest: the integer kernels read codes of at most 8 bits. */
  public static final int MAX_BITS = 8;

  private BitAllocation() {}

  /**
   * Whole-bit widths for channels of ranges {@code ranges} (a range of 0 gets {@code minBits}), summing to exactly
   * {@code ranges.length · meanBits}, each in {@code minBits..maxBits}, with levels proportional to {@code r^(2/3)}
   * up to rounding.
   */
  public static int[] widths(double[] ranges, int meanBits, int minBits, int maxBits) {
    if (minBits < 1 || maxBits < minBits)
      throw new QuantException(
          "Bit allocation needs 1 <= minBits <= maxBits, got " + minBits + ".." + maxBits + ".");
    if (meanBits < minBits || meanBits > maxBits) {
      throw new QuantException("A bit budget of " + meanBits
          + " bits per channel is outside what the channels allow (" + minBits + ".." + maxBits
          + " bits each); give the layer " + minBits + ".." + maxBits + " bits.");
    }
    int n = ranges.length;
    double[] logLevels = new double[n]; // log2 of r_i^(2/3) relative to the geometric scale below
    for (int i = 0; i < n; i++) {
      if (!(ranges[i] >= 0) || Double.isInfinite(ranges[i]))
        throw new QuantException("Channel " + i + " has range " + ranges[i]
            + "; bit allocation needs finite ranges of 0 or more.");
      logLevels[i] = ranges[i] > 0
          ? (2.0 / 3.0) * Math.log(ranges[i]) / Math.log(2)
          : Double.NEGATIVE_INFINITY;
    }
    // Levels as r^(2/3), centred on the budget: channel i's log2 level is logLevels[i] + t, with t
    // such that the
    // channels of nonzero range average meanBits; rounded, clamped, then brought to the budget
    // exactly one bit at a
    // time, taken from the channel rounded up the most or given to the one rounded down the most.
    double mean = 0;
    int finite = 0;
    for (double v : logLevels) {
      if (v > Double.NEGATIVE_INFINITY) {
        mean += v;
        finite++;
      }
    }
    double t = meanBits - (finite == 0 ? 0 : mean / finite);
    double[] ideal = new double[n];
    int[] w = new int[n];
    long sum = 0;
    for (int i = 0; i < n; i++) {
      ideal[i] = Math.max(-1e9, logLevels[i] + t);
      w[i] = (int) Math.max(minBits, Math.min(maxBits, Math.rint(ideal[i])));
      sum += w[i];
    }
    long budget = (long) n * meanBits;
    while (sum != budget) {
      boolean over = sum > budget;
      int best = -1;
      for (int i = 0; i < n; i++) {
        if (over ? w[i] <= minBits : w[i] >= maxBits) continue;
        double r = ideal[i] - w[i]; // above 0: rounded down; below: rounded up
        double b = best < 0 ? 0 : ideal[best] - w[best];
        if (best < 0 || (over ? r < b : r > b)) best = i;
      }
      w[best] += over ? -1 : 1;
      sum += over ? -1 : 1;
    }
    return w;
  }

  /**
   * The summed noise {@code Σ r_i² / 4^{w_i}} of uniform rounding at these widths (each channel's mean squared error up
   * to the common factor 1/12 and the element count): what the allocation minimises, for comparing allocations.
   */
  public static double noise(double[] ranges, int[] widths) {
    double s = 0;
    for (int i = 0; i < ranges.length; i++) s += ranges[i] * ranges[i] / Math.pow(4, widths[i]);
    return s;
  }
}
