package bitlab.search.haq;

import bitlab.quant.PtqConfig;

/**
 * How policies are scored: the first {@code evaluation} images of the data set's validation part
 * (images the model never trained on) are the fixed subset every policy is scored on, and the first
 * {@code calibration} training images calibrate activation ranges. The test part is never used.
 *
 * <p>{@code integer} (the default) runs each quantized policy on the integer-only executor, the
 * arithmetic a deployed model uses, at about a third of the CPU time per image of the fake-quantized
 * float graph on mobilenet-v2-mini (engine/README.md, "Measured: HAQ"); {@code false} scores with the
 * fake-quantized simulation. A model the executor
 * cannot compile is scored by simulation either way (the result's scoring line says which).
 *
 * <p>{@code finetune}: as in HAQ's paper, each policy can be fine-tuned briefly on the training part before it
 * is scored ({@link FineTune}); off by default.
 *
 * <p>{@code recheck}: each method's best few policies scored again on more validation images before it chooses
 * ({@link Recheck}); off by default.
 */
public record Scoring(
    int evaluation,
    int calibration,
    PtqConfig ptq,
    boolean integer,
    FineTune finetune,
    Recheck recheck) {
  public static final Scoring DEFAULT =
      new Scoring(1000, 256, PtqConfig.DEFAULT, true, FineTune.OFF, Recheck.OFF);

  public Scoring {
    if (evaluation < 1 || calibration < 1)
      throw new HaqException("Scoring needs at least one evaluation and one calibration image.");
    if (ptq == null) throw new HaqException("Give a PTQ configuration (PtqConfig.DEFAULT).");
    if (finetune == null)
      throw new HaqException("Give a fine-tuning setting (FineTune.OFF for none).");
    if (recheck == null) throw new HaqException("Give a re-check setting (Recheck.OFF for none).");
    if (recheck.on() && recheck.images() <= evaluation) {
      throw new HaqException("Re-checking the finalists on " + recheck.images()
          + " validation images cannot tell them apart better than the " + evaluation
          + " the search scored them on; re-check on more images than the search scores on.");
    }
    if (finetune.on() && ptq.asymmetricActivations()) {
      throw new HaqException(
          "Fine-tuning uses symmetric activations; drop the asymmetric PTQ option or turn fine-tuning off.");
    }
  }

  public Scoring(int evaluation, int calibration, PtqConfig ptq, boolean integer) {
    this(evaluation, calibration, ptq, integer, FineTune.OFF);
  }

  public Scoring(
      int evaluation, int calibration, PtqConfig ptq, boolean integer, FineTune finetune) {
    this(evaluation, calibration, ptq, integer, finetune, Recheck.OFF);
  }

  public Scoring withEvaluation(int n) {
    return new Scoring(n, calibration, ptq, integer, finetune, recheck);
  }

  public Scoring withCalibration(int n) {
    return new Scoring(evaluation, n, ptq, integer, finetune, recheck);
  }

  public Scoring withPtq(PtqConfig c) {
    return new Scoring(evaluation, calibration, c, integer, finetune, recheck);
  }

  /** Integer-only execution (true) or the fake-quantized simulation (false). */
  public Scoring withInteger(boolean on) {
    return new Scoring(evaluation, calibration, ptq, on, finetune, recheck);
  }

  /** A short fine-tune of every policy on the training part before it is scored ({@link FineTune#OFF}: none). */
  public Scoring withFinetune(FineTune f) {
    return new Scoring(evaluation, calibration, ptq, integer, f, recheck);
  }

  /**
   * Each method's {@code finalists} best policies scored again on the first {@code images} validation images before
   * it chooses (see {@link Recheck}); {@code (0, 0)}: off, the default.
   */
  public Scoring withRecheck(int finalists, int images) {
    return withRecheck(finalists, images, 1);
  }

  /**
   * As {@link #withRecheck(int, int)}, each finalist fine-tuned and scored with {@code seeds} fine-tune seeds and
   * ranked on the mean (needs fine-tuning on: without it every seed gives the same score).
   */
  public Scoring withRecheck(int finalists, int images, int seeds) {
    return new Scoring(
        evaluation, calibration, ptq, integer, finetune, new Recheck(finalists, images, seeds));
  }

  /** Refuses a re-check averaged over fine-tune seeds when nothing is fine-tuned (checked when a search starts). */
  void checkRecheckSeeds() {
    if (recheck.on() && recheck.seeds() > 1 && !finetune.on()) {
      throw new HaqException("Averaging the re-check over " + recheck.seeds()
          + " fine-tune seeds needs fine-tuning, and it is off: every seed would give the same score;"
          + " turn fine-tuning on or re-check with 1 seed.");
    }
  }
}
