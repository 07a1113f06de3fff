package bitlab.hardware;

import java.util.List;
import java.util.Optional;

/**
 * How one kind of machine prices a layer. The kinds are records in {@code bitlab.hardware.kind}, each with one entry
 * in the catalogue's kind table ({@code bitlab.hardware.catalogue.Kinds}), so every kind is listed in one place. The
 * interface lives beside {@link Target} (not with the kinds, which use this package's values) so that the two packages
 * do not depend on each other.
 *
 * <p>All kinds price a run of {@link #batch()} images at once (an accelerator that batches
 * amortises its weight traffic over the batch), as the papers they reproduce report latency.
 */
public interface CostModel {

  /** The name used for this kind in target files. */
  String kind();

  /** Images priced per run. */
  int batch();

  /** Price layer {@code index} of a model (the index matters only to tables). */
  LayerCost price(int index, LayerWorkload layer, Bits bits);

  /**
   * Price it with its tensors moved at the widths a quantized model stores them at (see {@link TensorWidths});
   * a measured table has no traffic term and prices the layer as measured.
   */
  default LayerCost price(int index, LayerWorkload layer, Bits bits, TensorWidths widths) {
    return price(index, layer, bits);
  }

  /**
   * Price operator {@code index} among a model's operators without weights (see {@link TensorWorkload}); empty where
   * this kind has no model of such work (a measured per-layer table has no rows for it).
   */
  default Optional<TensorCost> price(int index, TensorWorkload op) {
    return Optional.empty();
  }

  /** The ideal roofline at a pair (full tiles, peak rates); empty for a table, which has none. */
  Optional<Roof> roof(Bits bits);

  /** Checks that this model can price these layers at all; tables check their layer count. */
  default void checkLayers(List<LayerWorkload> layers) {}
}
