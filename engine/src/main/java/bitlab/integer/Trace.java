package bitlab.integer;

import java.util.List;

/** The per-step comparison of one batch through the integer executor, its float64 simulation and the fake-quantized model. */
public record Trace(
    String model,
    String policy,
    int images,
    List<LayerTrace> rows,
    int predictionsAgreeSim,
    int predictionsAgreeFake) {

  public Trace {
    rows = List.copyOf(rows);
  }

  /** True when every step's integers equal the simulation's. */
  public boolean exact() {
    return rows.stream().allMatch(LayerTrace::exact);
  }

  /** The first step where the integer executor and the simulation part, or null. */
  public LayerTrace firstMismatch() {
    return rows.stream().filter(r -> !r.exact()).findFirst().orElse(null);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(String.format(
        "Trace of %s (%s) on %d images: %s%n",
        model,
        policy,
        images,
        exact()
            ? "bit-exact with the simulation at every step"
            : "differs from the simulation first at '" + firstMismatch().node() + "'"));
    b.append(String.format(
        "  %-14s %-16s %-10s %4s %8s %10s %12s %12s%n",
        "node", "op", "shape", "bits", "elements", "vs sim", "vs fake-quant", "max |diff|"));
    for (LayerTrace r : rows) {
      b.append(String.format(
          "  %-14s %-16s %-10s %4s %8d %10d %12s %12.4g%n",
          r.node(),
          r.op(),
          r.shape(),
          r.bits() == 0 ? "" : String.valueOf(r.bits()),
          r.elements(),
          r.simMismatches(),
          r.fakeMismatches() < 0 ? "-" : String.valueOf(r.fakeMismatches()),
          r.fakeMaxDiff()));
    }
    b.append(String.format(
        "  predictions: %d / %d equal to the simulation's, %d / %d to the fake-quantized model's%n",
        predictionsAgreeSim, images, predictionsAgreeFake, images));
    return b.toString();
  }
}
