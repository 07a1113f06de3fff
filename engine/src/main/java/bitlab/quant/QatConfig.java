package bitlab.quant;

/**
 * Quantization-aware fine-tuning: Adam with a cosine decay to zero, from the FP32 weights.
 *
 * @param epochs            passes over the training split
 * @param learningRate      Adam's base rate (fine-tuning wants it small: 1e-4 .. 1e-3)
 * @param batchSize         images per step
 * @param learnedStep       learn the quantizer step sizes too (LSQ, Esser et al. 2020); otherwise weights
 *                          use their per-channel extremes each step and activations their calibrated ranges
 * @param calibrationImages training images used to calibrate the initial activation ranges
 * @param seed              batch order
 */
public record QatConfig(
    int epochs,
    double learningRate,
    int batchSize,
    boolean learnedStep,
    int calibrationImages,
    long seed) {
  public QatConfig {
    if (epochs < 1) throw new QuantException("QAT needs at least 1 epoch, got " + epochs + ".");
    if (!(learningRate > 0))
      throw new QuantException("The QAT learning rate must be positive, got " + learningRate + ".");
    if (batchSize < 1)
      throw new QuantException("The QAT batch size must be at least 1, got " + batchSize + ".");
    if (calibrationImages < 1)
      throw new QuantException(
          "QAT calibrates on at least 1 image, got " + calibrationImages + ".");
  }

  /** {@code epochs} of Adam at 5e-4, batch 64, straight-through estimator, 512 calibration images, seed 1. */
  public static QatConfig of(int epochs) {
    return new QatConfig(epochs, 5e-4, 64, false, 512, 1);
  }

  public QatConfig withLearnedStep(boolean l) {
    return new QatConfig(epochs, learningRate, batchSize, l, calibrationImages, seed);
  }

  public QatConfig withLearningRate(double lr) {
    return new QatConfig(epochs, lr, batchSize, learnedStep, calibrationImages, seed);
  }

  public QatConfig withSeed(long s) {
    return new QatConfig(epochs, learningRate, batchSize, learnedStep, calibrationImages, s);
  }

  public QatConfig withBatchSize(int b) {
    return new QatConfig(epochs, learningRate, b, learnedStep, calibrationImages, seed);
  }
}
