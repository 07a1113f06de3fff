package bitlab.search.haq;

/**
 * DDPG hyper-parameters, defaults from the HAQ reference: two hidden layers of 300, Adam with
 * learning rates 1e-4 (actor) and 1e-3 (critic), soft target updates tau 0.01, discount 1,
 * mini-batches of 64 from a replay buffer of 128 transitions per step of an episode,
 * truncated-normal exploration decaying 0.99 per episode after warm-up, and a moving reward
 * baseline with rate 0.5. The noise's width is 0.3 in {@link #DEFAULT}, bitlab's default
 * exploration ({@link Exploration#FROM_UNIFORM}): chosen on validation images among 0.1, 0.3 and
 * 0.5 (engine README, "Measured: HAQ"); {@link #PAPER} keeps the paper's 0.5 for
 * {@link Exploration#PAPER}.
 */
public record DdpgConfig(
    int hidden1,
    int hidden2,
    double actorLr,
    double criticLr,
    double tau,
    double discount,
    int batchSize,
    int bufferPerStep,
    double sigma,
    double sigmaDecay,
    double baselineRate) {

  /** The frontier start's noise, chosen on validation images (latency a tie, k-means and energy best at 0.3). */
  public static final double FRONTIER_SIGMA = 0.3;

  /** The HAQ paper's noise width. */
  public static final double PAPER_SIGMA = 0.5;

  /** HAQ's settings with the noise measured for the default exploration (sigma 0.3). */
  public static final DdpgConfig DEFAULT =
      new DdpgConfig(300, 300, 1e-4, 1e-3, 0.01, 1.0, 64, 128, FRONTIER_SIGMA, 0.99, 0.5);

  /** HAQ's settings as published (sigma 0.5), for {@link Exploration#PAPER}. */
  public static final DdpgConfig PAPER = DEFAULT.withNoise(PAPER_SIGMA, 0.99);

  public DdpgConfig {
    if (hidden1 < 1 || hidden2 < 1)
      throw new HaqException(
          "Hidden layer sizes must be positive, got " + hidden1 + " and " + hidden2 + ".");
    if (!(actorLr > 0) || !(criticLr > 0))
      throw new HaqException("Learning rates must be positive.");
    if (!(tau > 0 && tau <= 1)) throw new HaqException("tau must be in (0, 1], got " + tau + ".");
    if (!(discount >= 0 && discount <= 1))
      throw new HaqException("The discount must be in [0, 1], got " + discount + ".");
    if (batchSize < 1 || bufferPerStep < 1)
      throw new HaqException("Batch and buffer sizes must be positive.");
    if (!(sigma > 0) || !(sigmaDecay > 0 && sigmaDecay <= 1))
      throw new HaqException("Exploration needs sigma > 0 and a decay in (0, 1].");
    if (!(baselineRate > 0 && baselineRate <= 1))
      throw new HaqException("The baseline rate must be in (0, 1].");
  }

  public DdpgConfig withHidden(int h) {
    return new DdpgConfig(
        h,
        h,
        actorLr,
        criticLr,
        tau,
        discount,
        batchSize,
        bufferPerStep,
        sigma,
        sigmaDecay,
        baselineRate);
  }

  public DdpgConfig withNoise(double s, double decay) {
    return new DdpgConfig(
        hidden1,
        hidden2,
        actorLr,
        criticLr,
        tau,
        discount,
        batchSize,
        bufferPerStep,
        s,
        decay,
        baselineRate);
  }
}
