package bitlab.search.haq;

import bitlab.hardware.Bits;
import java.util.List;

/** The reward side of the search: the accuracy (percent) of the model quantized with a policy, and of the unquantized model. */
public interface AccuracyOracle {
  /** Top-1 accuracy in percent of the unquantized model on the images the policies are scored on. */
  double reference();

  /** Top-1 accuracy in percent of the model quantized with one bit pair per layer. */
  double accuracy(List<Bits> policy);

  /** Accuracy and, where the oracle can tell it, the mean cross-entropy of the quantized model; it breaks accuracy ties. */
  default Score score(List<Bits> policy) {
    return new Score(accuracy(policy), Double.NaN);
  }

  /**
   * How the scored models are quantized: their placement and residual stream width decide the widths their tensors
   * are stored and moved at, and so what the search prices ({@link Pricing#of(bitlab.model.Model,
   * bitlab.hardware.Target, bitlab.quant.PtqConfig)}); the defaults unless the oracle says otherwise.
   */
  default bitlab.quant.PtqConfig ptq() {
    return bitlab.quant.PtqConfig.DEFAULT;
  }

  /**
   * True if the scored models store each layer's weights as k-means indices with a float32 codebook
   * ({@link KMeansOracle}): a size budget then counts every layer's codebook beside its packed indices.
   */
  default boolean sharesWeights() {
    return false;
  }

  /** How many images each policy is scored on (0 if this oracle does not say): what a 95% interval needs. */
  default int images() {
    return 0;
  }

  /**
   * Top-1 accuracy in percent of the unquantized model on some images, on one thread with no kernel raced (the same
   * number on every run), its working memory given back afterwards: what {@link #reference()} reports.
   */
  static double unquantized(bitlab.model.Model model, bitlab.data.Samples images) {
    double a = 100
        * bitlab.nn.Net.oneThread(() -> bitlab.model.Inference.evaluate(model, images))
            .accuracy();
    bitlab.model.Inference.release(model);
    return a;
  }

  /** One line for provenance: which images, how quantized. */
  default String describe() {
    return getClass().getSimpleName();
  }
}
