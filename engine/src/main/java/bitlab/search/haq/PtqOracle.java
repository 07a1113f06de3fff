package bitlab.search.haq;

import bitlab.data.Samples;
import bitlab.hardware.Bits;
import bitlab.integer.IntegerException;
import bitlab.integer.IntegerModel;
import bitlab.model.Evaluation;
import bitlab.model.Model;
import bitlab.nn.Net;
import bitlab.quant.Observations;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.Qat;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import java.util.List;

/**
 * HAQ's reward signal: static PTQ of the model under the policy (BatchNorm folded, activation ranges
 * calibrated on a fixed set of training images), optionally a short quantization-aware fine-tune on the
 * training part as HAQ's paper does ({@link FineTune}), then top-1 accuracy of the quantized model on a
 * fixed set of validation images (never the test set).
 * The calibration histograms are observed once and shared by every policy (the float activations
 * do not depend on the bits).
 *
 * <p>With {@code integer} the quantized model runs on the integer-only executor (dyadic
 * requantization, the arithmetic of a deployment); otherwise on the fake-quantized float graph.
 * The two agree except where a rounding of the float path and of the integer path part (a code
 * differs by one). If the executor refuses the model (an operator without an integer step, say),
 * every policy is scored by simulation and {@link #describe} says why. Policies may be scored on
 * several threads at once (the calibration is shared and observed once).
 */
public final class PtqOracle implements AccuracyOracle {
  private final Model model;
  private final Samples calibration;
  private final Observations observed;
  private final Samples evaluation;
  private final PtqConfig config;
  private final String integerRefused;
  private final boolean integer;
  private final java.util.concurrent.atomic.AtomicInteger simulatedFallbacks =
      new java.util.concurrent.atomic.AtomicInteger();
  private final Samples train;
  private final FineTune finetune;
  private final long seed;
  private final java.util.concurrent.atomic.AtomicInteger diverged =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger finetuned =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong finetuneNanos =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile String firstDivergence;
  private Double reference;

  public PtqOracle(Model model, Samples calibration, Samples evaluation, PtqConfig config) {
    this(model, calibration, evaluation, config, false);
  }

  public PtqOracle(
      Model model, Samples calibration, Samples evaluation, PtqConfig config, boolean integer) {
    this(model, calibration, evaluation, config, integer, null, FineTune.OFF, 0);
  }

  /**
   * With {@code finetune} on, every policy is fine-tuned on {@code train} (images prepared for the model, never the
   * scoring ones) before it is scored, the batch order fixed by {@code seed}: the same policy and seed give the same
   * model and score on every run and any number of threads.
   */
  public PtqOracle(
      Model model,
      Samples calibration,
      Samples evaluation,
      PtqConfig config,
      boolean integer,
      Samples train,
      FineTune finetune,
      long seed) {
    if (finetune.on() && (train == null || train.size() == 0)) {
      throw new HaqException(
          "Fine-tuning needs training images, and this data set has none; score without it (FineTune.OFF).");
    }
    this.train = train;
    this.finetune = finetune;
    this.seed = seed;
    this.model = model;
    this.calibration = calibration;
    this.evaluation = evaluation;
    this.config = config;
    this.observed = Observations.of(model, calibration, config.bins());
    String refused = null;
    if (integer) {
      try {
        IntegerModel.of(ptq(Policy.uniform(model, 8, 8)));
      } catch (IntegerException e) {
        refused = e.getMessage();
      }
    }
    this.integerRefused = refused;
    this.integer = integer && refused == null;
  }

  @Override
  public PtqConfig ptq() {
    return config;
  }

  /** True if policies run on the integer-only executor. */
  public boolean integer() {
    return integer;
  }

  @Override
  public synchronized double reference() {
    if (reference == null) reference = AccuracyOracle.unquantized(model, evaluation);
    return reference;
  }

  @Override
  public double accuracy(List<Bits> policy) {
    return score(policy).accuracy();
  }

  @Override
  public Score score(List<Bits> policy) {
    long t = System.nanoTime();
    QuantizedModel q = quantize(policy);
    double tuning = finetune.on() ? (System.nanoTime() - t) / 1e9 : 0;
    Evaluation e = evaluate(q, evaluation);
    return new Score(100 * e.accuracy(), e.loss(), tuning);
  }

  /** The accuracy (percent) of one quantized model on some samples, in this oracle's arithmetic. */
  public double accuracy(QuantizedModel q, Samples samples) {
    return 100 * evaluate(q, samples).accuracy();
  }

  private Evaluation evaluate(QuantizedModel q, Samples samples) {
    if (integer) {
      try {
        return IntegerModel.of(q).evaluate(samples);
      } catch (IntegerException e) {
        simulatedFallbacks
            .incrementAndGet(); // one policy the executor cannot take (e.g. a sum that could leave
        // int32): simulate it
      }
    }
    try {
      return Net.oneThread(() -> q.simulate(samples));
    } finally {
      q.release(); // one network per policy: give its working memory back now, not at the next
      // garbage collection
    }
  }

  /**
   * Quantizes with a policy, reusing this oracle's calibration, and fine-tunes it if this oracle does (the model the
   * policy's score is measured on). A fine-tune whose loss stops being finite is dropped: the PTQ model is scored
   * instead, and {@link #describe} counts it.
   */
  public QuantizedModel quantize(List<Bits> policy) {
    QuantizedModel q = ptq(Policy.of(model, policy));
    if (!finetune.on()) return q;
    long t = System.nanoTime();
    try {
      int steps = finetune.stepsFor(train.size());
      return Net.oneThread(() -> Qat.fineTune(q, train, finetune.qat(seed), steps));
    } catch (Qat.Diverged d) {
      diverged.incrementAndGet();
      if (firstDivergence == null)
        firstDivergence = Policies.compact(policy) + ": " + d.getMessage();
      return q;
    } finally {
      finetuned.incrementAndGet();
      finetuneNanos.addAndGet(System.nanoTime() - t);
    }
  }

  /**
   * Static PTQ with this oracle's calibration. The calibration images run through the float engine when first
   * needed, on one thread and with no layout raced ({@link Net#oneThread}): the same ranges, and so the same
   * scores, on every run.
   */
  private QuantizedModel ptq(Policy policy) {
    return Net.oneThread(() -> Quantizer.ptq(observed, policy, config));
  }

  /** The fine-tuning every policy gets ({@link FineTune#OFF} if none). */
  public FineTune finetune() {
    return finetune;
  }

  /** Seconds spent fine-tuning so far, over {@link #finetuned()} policies. */
  public double finetuneSeconds() {
    return finetuneNanos.get() / 1e9;
  }

  public int finetuned() {
    return finetuned.get();
  }

  /** Policies whose fine-tune diverged (each was scored without it). */
  public int diverged() {
    return diverged.get();
  }

  @Override
  public int images() {
    return evaluation.size();
  }

  @Override
  public String describe() {
    String how = integer
        ? "integer-only execution"
            + (simulatedFallbacks.get() > 0
                ? " (" + simulatedFallbacks.get() + " policies simulated)"
                : "")
        : "fake-quantized simulation"
            + (integerRefused != null
                ? " (the integer executor refused the model: " + integerRefused + ")"
                : "");
    String tuned = !finetune.on()
        ? ", no fine-tuning"
        : ", " + finetune.describe(train.size()) + " of " + train.name() + " (seed " + seed + ")"
            + (diverged.get() == 0
                ? ""
                : "; " + diverged.get() + " of " + finetuned.get()
                    + " fine-tunes diverged and those policies were scored "
                    + "without it (the first: " + firstDivergence + ")");
    return String.format(
        "static PTQ (%s) calibrated on %d images of %s%s, %s, scored on %d images of %s",
        config.describe(),
        calibration.size(),
        calibration.name(),
        tuned,
        how,
        evaluation.size(),
        evaluation.name());
  }
}
