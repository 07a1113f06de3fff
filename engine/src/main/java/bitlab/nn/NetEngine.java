package bitlab.nn;

import bitlab.model.FloatEngine;
import bitlab.model.Model;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The float engine as {@link bitlab.model.Inference} uses it: each model's compiled inference {@link Net} (float, no
 * hooks), kept for the few most recently used models; a network's native memory is freed as soon as its model falls
 * out of that set, or by {@link #release}.
 */
public final class NetEngine implements FloatEngine {
  private static final int KEPT = 4;
  /** Most recently used last; keyed by identity (models are immutable values, but each compiles its own network). */
  private final Map<Model, Net> nets = new LinkedHashMap<>();

  @Override
  public INDArray logits(Model model, INDArray x) {
    return net(model).logits(x);
  }

  @Override
  public Map<String, INDArray> outputs(Model model, INDArray x, Collection<String> nodes) {
    return net(model).outputs(x, nodes);
  }

  @Override
  public void release(Model model) {
    synchronized (nets) {
      for (Map.Entry<Model, Net> e : nets.entrySet())
        if (e.getKey() == model) e.getValue().release();
    }
  }

  /** The compiled inference network of a model, kept while the model is among the last few used. */
  private Net net(Model model) {
    synchronized (nets) {
      Net net = null;
      for (Iterator<Map.Entry<Model, Net>> it = nets.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<Model, Net> e = it.next();
        if (e.getKey() == model) {
          net = e.getValue();
          it.remove();
          break;
        }
      }
      if (net == null) net = Net.compile(model, Net.Mode.INFERENCE);
      nets.put(model, net);
      if (nets.size() > KEPT) {
        Iterator<Map.Entry<Model, Net>> it = nets.entrySet().iterator();
        Net old = it.next().getValue();
        it.remove();
        old.close();
      }
      return net;
    }
  }
}
