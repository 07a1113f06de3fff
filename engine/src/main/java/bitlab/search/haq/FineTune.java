package bitlab.search.haq;

import bitlab.quant.QatConfig;

/**
 * The short fine-tune HAQ's paper runs on every policy before scoring it: quantization-aware training of the
 * PTQ model for a few steps on the data set's training part (never on the images that score it), Adam with a
 * cosine decay to zero, straight-through estimator, the batch order fixed by the search's seed. Either a number
 * of steps or a fraction of an epoch ({@code epochs}); {@link #OFF} scores the PTQ model as it is.
 *
 * @param steps        batches per policy (0: given by {@code epochs})
 * @param epochs       a fraction (or multiple) of the training part per policy, used when {@code steps} is 0
 * @param batchSize    images per step
 * @param learningRate Adam's base rate
 */
public record FineTune(int steps, double epochs, int batchSize, double learningRate) {
  /** Batches per policy by default: chosen by measurement (engine/README.md, "Measured: HAQ"). */
  public static final int DEFAULT_STEPS = 16;

  public static final int DEFAULT_BATCH = 64;
  public static final double DEFAULT_LEARNING_RATE = 1e-3;
  public static final FineTune OFF = new FineTune(0, 0, DEFAULT_BATCH, DEFAULT_LEARNING_RATE);

  public FineTune {
    if (steps < 0)
      throw new HaqException(
          "Fine-tuning takes 0 or more steps, got " + steps + "; 0 turns it off.");
    if (!(epochs >= 0) || Double.isInfinite(epochs)) {
      throw new HaqException(
          "Fine-tuning takes a fraction of an epoch of 0 or more, got " + epochs + "; try 0.25.");
    }
    if (steps > 0 && epochs > 0)
      throw new HaqException("Give fine-tuning either steps or a fraction of an epoch, not both.");
    if (batchSize < 1)
      throw new HaqException("A fine-tuning batch holds at least 1 image, got " + batchSize + ".");
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new HaqException("The fine-tuning learning rate must be a positive number, got "
          + learningRate + "; try 1e-3.");
    }
  }

  /** {@code n} steps of 64 images per policy at the default rate (0: off). */
  public static FineTune steps(int n) {
    return new FineTune(n, 0, DEFAULT_BATCH, DEFAULT_LEARNING_RATE);
  }

  /** A fraction of an epoch of the training part per policy (e.g. 0.25), in steps of 64 images. */
  public static FineTune epochs(double fraction) {
    return new FineTune(0, fraction, DEFAULT_BATCH, DEFAULT_LEARNING_RATE);
  }

  /** The default: {@link #DEFAULT_STEPS} steps of 64 images (a quarter of an epoch of mnist()'s 6,400 training images) at 1e-3. */
  public static FineTune defaults() {
    return steps(DEFAULT_STEPS);
  }

  public FineTune withLearningRate(double lr) {
    return new FineTune(steps, epochs, batchSize, lr);
  }

  public FineTune withBatchSize(int b) {
    return new FineTune(steps, epochs, b, learningRate);
  }

  public boolean on() {
    return steps > 0 || epochs > 0;
  }

  /** Steps per policy on a training part of {@code trainImages} images (at least 1 when on). */
  public int stepsFor(int trainImages) {
    if (steps > 0 || !on()) return steps;
    return Math.max(1, (int) Math.round(epochs * trainImages / batchSize));
  }

  /** The QAT settings of one fine-tune: the batch order follows {@code seed}. */
  QatConfig qat(long seed) {
    return QatConfig.of(1)
        .withLearningRate(learningRate)
        .withBatchSize(batchSize)
        .withSeed(seed);
  }

  /** E.g. "fine-tuned 32 steps of 64 training images (Adam 1e-3, STE)" or "no fine-tuning". */
  public String describe(int trainImages) {
    if (!on()) return "no fine-tuning";
    int n = stepsFor(trainImages);
    String part = epochs > 0
        ? String.format(" (%.3g of an epoch)", epochs)
        : String.format(" (%.2f of an epoch)", (double) n * batchSize / trainImages);
    return String.format(
        "fine-tuned %d steps of %d training images%s, Adam %.1e, STE",
        n, batchSize, part, learningRate);
  }
}
