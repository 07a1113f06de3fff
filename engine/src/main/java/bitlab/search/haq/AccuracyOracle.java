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

  /** One line for provenance: which images, how quantized. */
  default String describe() {
    return getClass().getSimpleName();
  }
}
