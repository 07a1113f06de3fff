package bitlab.hardware;

import java.util.List;

/** A whole model priced on one target for one policy: every layer, and their sum. */
public record ModelCost(String target, List<LayerCost> layers, Cost total) {

  public ModelCost {
    layers = List.copyOf(layers);
  }

  static ModelCost of(String target, List<LayerCost> layers) {
    Cost total = Cost.ZERO;
    for (LayerCost c : layers) total = total.plus(c.cost());
    return new ModelCost(target, layers, total);
  }

  /** Number of layers that the given resource limits. */
  public long count(Bound bound) {
    return layers.stream().filter(l -> l.bound() == bound).count();
  }
}
