package bitlab.hardware;

/**
 * The price of one layer at one bit pair: the work (MACs and DRAM bytes per run), the time its
 * arithmetic alone would take, the time its memory traffic alone would take, and the resulting
 * cost (a model that overlaps the two takes the larger). A table-driven target knows neither
 * time nor traffic: those are NaN and the bound is UNKNOWN.
 */
public record LayerCost(
    int index,
    String layer,
    Bits bits,
    double macs,
    double dramBytes,
    double computeSeconds,
    double memorySeconds,
    Cost cost) {

  public static LayerCost measured(int index, String layer, Bits bits, double macs, Cost cost) {
    return new LayerCost(index, layer, bits, macs, Double.NaN, Double.NaN, Double.NaN, cost);
  }

  public Bound bound() {
    if (Double.isNaN(computeSeconds) || Double.isNaN(memorySeconds)) return Bound.UNKNOWN;
    return computeSeconds >= memorySeconds ? Bound.COMPUTE : Bound.MEMORY;
  }

  /**
   * How strongly the layer is bound: the limiting time over the other one (1 means balanced,
   * 4 means the limit takes four times as long as the other side). NaN when unknown.
   */
  public double boundRatio() {
    if (bound() == Bound.UNKNOWN) return Double.NaN;
    double hi = Math.max(computeSeconds, memorySeconds);
    double lo = Math.min(computeSeconds, memorySeconds);
    return lo == 0 ? Double.POSITIVE_INFINITY : hi / lo;
  }

  /** Arithmetic intensity, MACs per DRAM byte: the x coordinate of a roofline plot. */
  public double intensity() {
    return macs / dramBytes;
  }

  /** MACs per second the layer achieves: the y coordinate of a roofline plot. */
  public double attainedMacsPerSecond() {
    return macs / cost.seconds();
  }
}
