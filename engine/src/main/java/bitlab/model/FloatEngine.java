package bitlab.model;

import java.util.Collection;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What runs a model in floating point: the float engine ({@code bitlab.nn}) provides it, listed in
 * {@code META-INF/services}. {@link Inference} finds it there, so that the model IR and its conveniences
 * ({@link Model#evaluate}, {@link Model#predict}) do not depend on the package that executes them, which depends on the
 * IR.
 */
public interface FloatEngine {

  /** Logits {@code [N, classes]} for a batch of inputs of the model's shape. */
  INDArray logits(Model model, INDArray x);

  /** Node outputs (before any hook) for a batch, by node name. */
  Map<String, INDArray> outputs(Model model, INDArray x, Collection<String> nodes);

  /** Frees the working memory kept for this model now (it is made again on the next use). */
  void release(Model model);
}
