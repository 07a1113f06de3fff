package bitlab.quant;

/**
 * How AdaRound learns each layer's rounding ({@link AdaRound}).
 *
 * @param iterations     Adam steps per layer (each costs one product of the layer's weights with its input Gram matrix)
 * @param learningRate   Adam's step size on the rounding variables
 * @param regularization weight of the term that drives every rounding variable to 0 or 1 (λ of the paper)
 * @param images         calibration images whose layer inputs and outputs define the reconstruction error (the first
 *                       ones of the calibration set, at most all of it)
 */
public record AdaRoundConfig(
    int iterations, double learningRate, double regularization, int images) {

  public static final AdaRoundConfig DEFAULT = new AdaRoundConfig(1000, 1e-2, 0.01, 256);

  public AdaRoundConfig {
    if (iterations < 1 || iterations > 1_000_000) {
      throw new QuantException(
          "AdaRound needs 1..1,000,000 iterations per layer, got " + iterations + ".");
    }
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new QuantException(
          "AdaRound's learning rate must be a positive number, got " + learningRate + ".");
    }
    if (!(regularization >= 0) || !Double.isFinite(regularization)) {
      throw new QuantException("AdaRound's rounding regularization must be zero or positive, got "
          + regularization + ".");
    }
    if (images < 1)
      throw new QuantException(
          "AdaRound needs at least one calibration image, got " + images + ".");
  }

  public AdaRoundConfig withIterations(int n) {
    return new AdaRoundConfig(n, learningRate, regularization, images);
  }

  public AdaRoundConfig withLearningRate(double lr) {
    return new AdaRoundConfig(iterations, lr, regularization, images);
  }

  public AdaRoundConfig withImages(int n) {
    return new AdaRoundConfig(iterations, learningRate, regularization, n);
  }
}
