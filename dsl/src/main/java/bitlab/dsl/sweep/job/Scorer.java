package bitlab.dsl.sweep.job;

import bitlab.data.Dataset;
import bitlab.data.Samples;
import bitlab.data.Split;
import bitlab.hardware.Bits;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.quant.PtqConfig;
import bitlab.search.haq.PtqOracle;
import bitlab.search.haq.Score;
import java.util.List;
import java.util.Locale;

/**
 * How every job of a sweep scores policies of one model on one data set: static PTQ calibrated on the
 * first training images and evaluated on the data set's validation part (images the model never trained
 * on); the test part scores each job's final policy only. A data set without a validation part gets one
 * carved from its training part (seeded, recorded in {@link #describe()}), with a warning in the
 * description that the model may have trained on those images. One scorer serves every job of its model
 * in a JVM (its calibration is observed once).
 */
public final class Scorer {
  private final Dataset data;
  private final Samples validation;
  private final Samples calibration;
  private final PtqOracle oracle;
  private final String describe;

  private Scorer(
      Dataset data, Samples validation, Samples calibration, PtqOracle oracle, String describe) {
    this.data = data;
    this.validation = validation;
    this.calibration = calibration;
    this.oracle = oracle;
    this.describe = describe;
  }

  public static Scorer of(Model model, Dataset data, SweepSettings s) {
    data = model.prepare(data);
    Inference.checkFits(model, data.train());
    Samples validation;
    Samples calibration;
    String where;
    if (data.hasValidation()) {
      validation = data.validation(s.validationImages());
      calibration = data.calibration(s.calibrationImages());
      where = String.format(
          Locale.ROOT,
          "validation: %d of the %d images of %s's validation part; calibration: %d training images",
          validation.size(),
          data.validation().size(),
          data.name(),
          calibration.size());
    } else {
      Split split = data.train().stratifiedSplit(s.validationFraction(), s.validationSeed());
      validation =
          split.heldOut().take(Math.min(s.validationImages(), split.heldOut().size()));
      calibration =
          split.rest().take(Math.min(s.calibrationImages(), split.rest().size()));
      where = String.format(
          Locale.ROOT,
          "validation: %d images of a split of %d held out of %s's %d training images (%.0f%% of every class, seed %d, carved by the "
              + "sweep because the data set has no validation part: if the model trained on them, validation accuracies flatter it; "
              + "data.withValidation(fraction, seed) before training avoids that); calibration: %d other training images",
          validation.size(),
          split.heldOut().size(),
          data.name(),
          data.train().size(),
          100 * s.validationFraction(),
          s.validationSeed(),
          calibration.size());
    }
    PtqOracle oracle =
        new PtqOracle(model, calibration, validation, PtqConfig.DEFAULT, s.integer());
    String describe = where
        + String.format(
            Locale.ROOT,
            "; test: the %d images of %s",
            data.test().size(),
            data.test().name());
    return new Scorer(data, validation, calibration, oracle, describe);
  }

  /** The oracle searches score policies with (validation images, shared calibration). */
  public PtqOracle oracle() {
    return oracle;
  }

  /** Training images not in the validation split (HAWQ-V3 takes its traces on these). */
  public Samples calibration() {
    return calibration;
  }

  public Samples validation() {
    return validation;
  }

  /** Accuracy (percent) and loss of the quantized model on the validation images. */
  public Score validation(List<Bits> policy) {
    return oracle.score(policy);
  }

  /** Accuracy (percent) of the quantized model on the test split, same quantization and arithmetic. */
  public double test(List<Bits> policy) {
    return oracle.accuracy(oracle.quantize(policy), data.test());
  }

  /** The unquantized model's accuracy (percent) on the validation images. */
  public double reference() {
    return oracle.reference();
  }

  /** Which images score and calibrate, and how policies run. */
  public String describe() {
    return describe + "; " + oracle.describe();
  }
}
