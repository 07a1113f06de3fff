package bitlab.search.hawq;

import bitlab.data.Samples;
import bitlab.model.Model;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * What rounding one layer's weights does to the loss, measured and taken apart. With
 * {@code dW = Q_b(W) - W} for one layer (everything else unchanged), on fixed images, in double precision:
 * <ul>
 *   <li>{@code measured}: {@code L(W + dW) - L(W)};</li>
 *   <li>{@code gradient}: the first-order term {@code g^T dW}, which HAWQ-V3 drops (the gradient is
 *       small at a trained minimum, but it multiplies {@code ||dW||}, not its square);</li>
 *   <li>{@code quadratic}: the second-order term {@code 1/2 dW^T H dW} along the actual rounding, as
 *       {@code 1/2 mean_n (J dW)^T A (J dW)} with {@code J dW} the logits' exact derivative along dW (exact
 *       for piecewise-linear networks, see {@link HessianTraces}); HAWQ-V3 replaces it by
 *       {@code Omega / 2 = 1/2 avgTr(H) ||dW||^2}.</li>
 * </ul>
 */
public final class LossChange {
  /** One layer at one width. */
  public record Terms(String layer, int bits, double measured, double gradient, double quadratic) {
    /** The second-order Taylor prediction {@code g^T dW + 1/2 dW^T H dW}. */
    public double taylor() {
      return gradient + quadratic;
    }
  }

  private final Model model;
  private final Gradients grads;
  private final INDArray[] z0;
  private final double baseLoss;
  private Map<String, INDArray>
      gradient; // taken on first need: measured damage alone does not use it
  private final Map<String, Double> measuredLoss = new java.util.HashMap<>();

  private LossChange(Model model, Samples samples) {
    if (model.layers().isEmpty()) {
      throw new HawqException("Model '" + model.name()
          + "' has no Conv or Linear layers with weights; there is nothing to quantize.");
    }
    bitlab.model.Inference.checkFits(model, samples);
    this.model = model;
    this.grads = new Gradients(model, samples);
    this.z0 = grads.logits();
    this.baseLoss = grads.loss(z0);
  }

  /** Prepares the measurements on these images (one forward pass of the float model; its gradient when {@link #at} needs it). */
  public static LossChange on(Model model, Samples samples) {
    return new LossChange(model, samples);
  }

  /** The mean loss of the unquantized model on the images. */
  public double baseLoss() {
    return baseLoss;
  }

  /** {@code L(W + dW) - L(W)} alone: this layer's weights rounded to {@code bits}, one forward pass (remembered). */
  public synchronized double measured(String layer, int bits) {
    return measuredLoss.computeIfAbsent(layer + "@" + bits, k -> measure(layer, bits));
  }

  private double measure(String layer, int bits) {
    String key = weightKey(layer);
    INDArray w = grads.weight(key).castTo(DataType.DOUBLE);
    grads.setWeight(key, Perturbation.quantized(model.param(key), bits).castTo(DataType.DOUBLE));
    try {
      return grads.loss(grads.logits()) - baseLoss;
    } finally {
      grads.setWeight(key, w);
    }
  }

  private String weightKey(String layer) {
    String key = model.node(layer).param("weight");
    if (!grads.weightNames().contains(key)) {
      throw new HawqException(
          "Layer '" + layer + "' has no weights to round; layers with weights are "
              + String.join(", ", model.layerNames()) + ".");
    }
    return key;
  }

  /** Rounds this layer's weights to {@code bits} (as PTQ does), measures and decomposes the loss change. */
  public synchronized Terms at(String layer, int bits) {
    String key = weightKey(layer);
    double measured = measured(layer, bits);
    if (gradient == null) gradient = grads.gradient(grads.weightNames());
    INDArray w = grads.weight(key).castTo(DataType.DOUBLE);
    INDArray dw =
        Perturbation.quantized(model.param(key), bits).castTo(DataType.DOUBLE).sub(w);
    double g = gradient.get(key).mul(dw).sumNumber().doubleValue();
    double quadratic = 0;
    if (dw.amaxNumber().doubleValue() > 0) {
      INDArray[] d = grads.logitsTangent(Map.of(key, dw));
      double s = 0;
      for (int c = 0; c < d.length; c++) {
        INDArray p = Transforms.softmax(z0[c], true);
        INDArray pd = p.mul(d[c]);
        INDArray lin = pd.sum(1);
        s += pd.mul(d[c]).sum(1).subi(lin.mul(lin)).sumNumber().doubleValue();
      }
      quadratic = 0.5 * s / grads.images();
    }
    return new Terms(layer, bits, measured, g, quadratic);
  }

  List<String> weights() {
    return grads.weightNames();
  }
}
