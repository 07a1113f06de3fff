package bitlab.hardware;

/**
 * The price of one operator without weights on one target: its DRAM bytes and element-wise operations per run, the
 * time each alone would take, and the cost (the larger time, as for a layer). Kinds that model only a
 * multiply-accumulate array (BitFusion, BISMO) price the traffic and leave the arithmetic at zero.
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

  public Bound bound() {
    return computeSeconds >= memorySeconds ? Bound.COMPUTE : Bound.MEMORY;
  }
}
