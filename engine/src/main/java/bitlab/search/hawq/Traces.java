package bitlab.search.hawq;

import java.util.List;

/**
 * Per-layer Hessian traces of one model on some images, with how they were obtained.
 *
 * @param converged true when every layer's running mean settled within the tolerance before the
 *                  iteration limit
 */
public record Traces(
    String model,
    String data,
    int images,
    TraceOptions options,
    List<LayerTrace> layers,
    boolean converged,
    double seconds) {
  public Traces {
    layers = List.copyOf(layers);
  }

  public LayerTrace layer(String name) {
    for (LayerTrace t : layers) if (t.layer().equals(name)) return t;
    throw new HawqException("No trace for layer '" + name + "'; traced layers are "
        + String.join(", ", layers.stream().map(LayerTrace::layer).toList()) + ".");
  }

  /** Average traces {@code Tr(H_i)/n_i} in layer order. */
  public double[] averages() {
    return layers.stream().mapToDouble(LayerTrace::average).toArray();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(String.format(
        "Hessian traces of %s on %d images of %s (%s probes, %s curvature, %s, %.1f s)%n",
        model,
        images,
        data,
        options.probes().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
        options.curvature().name().toLowerCase(java.util.Locale.ROOT),
        converged ? "converged" : "iteration limit reached",
        seconds));
    for (LayerTrace t : layers) {
      b.append(String.format(
          "  %-14s avg trace %.4e +- %.1e  (trace %.4e, %,d weights, %d probes)%n",
          t.layer(), t.average(), t.averageError(), t.trace(), t.parameters(), t.probes()));
    }
    return b.toString();
  }
}
