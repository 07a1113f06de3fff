package bitlab.train;

import bitlab.BitlabException;

/**
 * How to train: optimizer, schedule and seed. Learning rate follows a cosine decay to zero over
 * all epochs; weight decay is L2 added to the gradient of weights (not of biases or BatchNorm);
 * {@code shift} augments each training batch with random translations of up to that many pixels.
 */
public record TrainConfig(
    int epochs,
    int batchSize,
    Optimizer optimizer,
    double learningRate,
    double momentum,
    double weightDecay,
    int shift,
    long seed) {

  public enum Optimizer {
    SGD,
    ADAM
  }

  public TrainConfig {
    if (epochs < 1)
      throw new BitlabException("Training needs at least 1 epoch, got " + epochs + ".");
    if (batchSize < 2)
      throw new BitlabException(
          "Batch size must be at least 2 (BatchNorm needs a batch), got " + batchSize + ".");
    if (!(learningRate > 0))
      throw new BitlabException("The learning rate must be positive, got " + learningRate + ".");
    if (momentum < 0 || momentum >= 1)
      throw new BitlabException("Momentum must be in [0, 1), got " + momentum + ".");
    if (weightDecay < 0)
      throw new BitlabException("Weight decay must be non-negative, got " + weightDecay + ".");
    if (shift < 0)
      throw new BitlabException(
          "The augmentation shift must be 0 or more pixels, got " + shift + ".");
    if (optimizer == null) throw new BitlabException("Choose an optimizer: SGD or ADAM.");
  }

  /** Adam, learning rate 1e-3, batch 64, 5e-5 weight decay. */
  public static TrainConfig adam(int epochs, long seed) {
    return new TrainConfig(epochs, 64, Optimizer.ADAM, 1e-3, 0.9, 5e-5, 0, seed);
  }

  /** SGD with Nesterov momentum 0.9, learning rate 0.05, batch 64, 5e-4 weight decay. */
  public static TrainConfig sgd(int epochs, long seed) {
    return new TrainConfig(epochs, 64, Optimizer.SGD, 0.05, 0.9, 5e-4, 0, seed);
  }

  public TrainConfig withLearningRate(double lr) {
    return new TrainConfig(epochs, batchSize, optimizer, lr, momentum, weightDecay, shift, seed);
  }

  public TrainConfig withBatchSize(int b) {
    return new TrainConfig(epochs, b, optimizer, learningRate, momentum, weightDecay, shift, seed);
  }

  public TrainConfig withSeed(long s) {
    return new TrainConfig(
        epochs, batchSize, optimizer, learningRate, momentum, weightDecay, shift, s);
  }

  /** Random translations of up to {@code px} pixels in each direction (0: no augmentation). */
  public TrainConfig withShift(int px) {
    return new TrainConfig(
        epochs, batchSize, optimizer, learningRate, momentum, weightDecay, px, seed);
  }

  public TrainConfig withWeightDecay(double wd) {
    return new TrainConfig(epochs, batchSize, optimizer, learningRate, momentum, wd, shift, seed);
  }
}
