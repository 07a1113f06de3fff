package bitlab.hardware;

/**
 * The price of one operator without weights on one target: its DRAM bytes and element-wise operations per run, the
 * time each alone would take, and the cost (the larger time, as for a layer). Kinds that model only a
 * multiply-accumulate array (BitFusion, BISMO) price the traffic and leave the arithmetic at zero; a measured table
 * ({@code lut}) gives the time it measured, and NaN for the two times it cannot tell apart.
 */
public record TensorCost(
    int index,
    String node,
    String op,
    double dramBytes,
    double operations,
    double computeSeconds,
    double memorySeconds,
    Cost cost) {

  /** Which time limits it; {@link Bound#UNKNOWN} for a measured operator, whose table says nothing about why. */
  public Bound bound() {
    if (Double.isNaN(computeSeconds) || Double.isNaN(memorySeconds)) return Bound.UNKNOWN;
    return computeSeconds >= memorySeconds ? Bound.COMPUTE : Bound.MEMORY;
  }
}
