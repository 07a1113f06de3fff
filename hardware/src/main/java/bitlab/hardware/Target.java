package bitlab.hardware;

import java.util.ArrayList;
import java.util.List;

/**
 * A named machine: its cost model, the parameters it was built from (with their sources), and
 * how it was calibrated. Prices single layers, whole models under a per-layer policy, and makes
 * {@link CostTable}s for search loops.
 *
 * @param origin where the target was read from (catalogue, a file, or "inline"), for messages
 */
public record Target(
    String name,
    String description,
    CostModel model,
    List<Parameter> parameters,
    String calibration,
    String origin)
    implements java.io.Serializable {

  public Target {
    if (name == null || name.isBlank())
      throw new IllegalArgumentException("A target needs a name.");
    if (model == null)
      throw new IllegalArgumentException("Target '" + name + "' has no cost model.");
    parameters = List.copyOf(parameters);
    description = description == null ? "" : description;
    calibration = calibration == null ? "" : calibration;
    origin = origin == null ? "" : origin;
  }

  public String kind() {
    return model.kind();
  }

  /** Images one priced run covers (latencies are per run, as the source papers report them). */
  public int batch() {
    return model.batch();
  }

  /** Price layer {@code index} of a model at one bit pair. */
  public LayerCost layer(int index, LayerWorkload layer, Bits bits) {
    return model.price(index, layer, bits);
  }

  /** The ideal roofline at a pair, for plotting layers under it; empty for table-driven targets. */
  public java.util.Optional<Roof> roof(Bits bits) {
    return model.roof(bits);
  }

  /** Price a model under a per-layer policy (one bit pair per workload, in the same order). */
  public ModelCost cost(List<LayerWorkload> layers, List<Bits> policy) {
    checkPolicy(layers, policy);
    model.checkLayers(layers);
    List<LayerCost> out = new ArrayList<>(layers.size());
    for (int i = 0; i < layers.size(); i++) out.add(model.price(i, layers.get(i), policy.get(i)));
    return ModelCost.of(name, out);
  }

  /**
   * Price a quantized model: per layer its bit pair and the widths its tensors are stored at (its placement: an
   * 8-bit residual stream read by 4-bit layers, a residual Add's second branch), in the same order.
   */
  public ModelCost cost(List<LayerWorkload> layers, List<Bits> policy, List<TensorWidths> widths) {
    checkPolicy(layers, policy);
    if (widths.size() != layers.size()) {
      throw new PolicyException("The tensor widths cover " + widths.size()
          + " layers but the model has " + layers.size() + ".");
    }
    model.checkLayers(layers);
    List<LayerCost> out = new ArrayList<>(layers.size());
    for (int i = 0; i < layers.size(); i++)
      out.add(model.price(i, layers.get(i), policy.get(i), widths.get(i)));
    return ModelCost.of(name, out);
  }

  /**
   * Price a model's operators without weights, in graph order: apart from its layers, so that the layer indices a policy,
   * a HAQ state and a HAWQ table use stay as they are. Empty when this target's kind does not price such operators (a
   * measured per-layer table).
   */
  public List<TensorCost> weightless(List<TensorWorkload> ops) {
    List<TensorCost> out = new ArrayList<>(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      java.util.Optional<TensorCost> c = model.price(i, ops.get(i));
      if (c.isEmpty()) return List.of();
      out.add(c.get());
    }
    return out;
  }

  /** Price a model with every layer at the same widths. */
  public ModelCost cost(List<LayerWorkload> layers, Bits uniform) {
    return cost(layers, java.util.Collections.nCopies(layers.size(), uniform));
  }

  /** Precompute every layer at every pair, for fast repeated pricing. */
  public CostTable table(List<LayerWorkload> layers) {
    model.checkLayers(layers);
    return new CostTable(this, layers);
  }

  /** A parameter by key, or null. */
  public Parameter parameter(String key) {
    for (Parameter p : parameters) if (p.key().equals(key)) return p;
    return null;
  }

  void checkPolicy(List<LayerWorkload> layers, List<Bits> policy) {
    if (policy.size() != layers.size()) {
      throw new PolicyException("The policy has " + policy.size() + " bit pairs but the model has "
          + layers.size() + " quantizable layers; give one pair per layer, in layer order.");
    }
    for (int i = 0; i < policy.size(); i++) {
      if (policy.get(i) == null) {
        throw new PolicyException(
            "The policy has no bit pair for layer " + i + " ('" + layers.get(i).name() + "').");
      }
    }
  }

  @Override
  public String toString() {
    return name + " (" + kind() + "): " + description;
  }
}
