package bitlab.search.haq;

import bitlab.data.Samples;
import bitlab.hardware.Bits;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.quant.Observations;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import java.util.List;

/**
 * HAQ's reward signal without fine-tuning: static PTQ of the model under the policy (BatchNorm
 * folded, activation ranges calibrated on a fixed set of training images), then top-1 accuracy of
 * the simulated quantized model on a fixed held-out subset of the training data (never the test set).
 * The calibration histograms are observed once and shared by every policy (the float activations
 * do not depend on the bits).
 */
public final class PtqOracle implements AccuracyOracle {
  private final Model model;
  private final Samples calibration;
  private final Observations observed;
  private final Samples evaluation;
  private final PtqConfig config;
  private Double reference;

  public PtqOracle(Model model, Samples calibration, Samples evaluation, PtqConfig config) {
    this.model = model;
    this.calibration = calibration;
    this.evaluation = evaluation;
    this.config = config;
    this.observed = Observations.of(model, calibration, config.bins());
  }

  @Override public synchronized double reference() {
    if (reference == null) {
      reference = 100 * Inference.evaluate(model, evaluation).accuracy();
      Inference.graph(model).release();
    }
    return reference;
  }

  @Override public double accuracy(List<Bits> policy) {
    QuantizedModel q = Quantizer.ptq(observed, Policy.of(model, policy), config);
    try {
      return 100 * q.evaluate(evaluation).accuracy();
    } finally {
      q.graph().release(); // one graph per policy: give its working memory back now, not at the next garbage collection
    }
  }

  @Override public String describe() {
    return String.format("static PTQ (%s) calibrated on %d images of %s, scored on %d held-out images of %s",
        config.describe(), calibration.size(), calibration.name(), evaluation.size(), evaluation.name());
  }
}
