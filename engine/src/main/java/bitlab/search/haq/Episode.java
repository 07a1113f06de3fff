package bitlab.search.haq;

import bitlab.quant.Policy;

/**
 * One episode of the search: the policy after repair, its accuracy (percent), reward, cost (base
 * units), how many one-bit cuts the repair made, the exploration width (NaN in warm-up, where
 * actions are uniform), whether the accuracy came from the cache, the best accuracy so far, the episode's
 * seconds, and the seconds its policy spent fine-tuning before it was scored (0 without fine-tuning or from the cache).
 */
public record Episode(
    int index,
    boolean warmup,
    Policy policy,
    double accuracy,
    double reward,
    double cost,
    int repairs,
    double sigma,
    boolean cached,
    double bestAccuracy,
    double seconds,
    double finetuneSeconds) {
  public Episode {
    java.util.Objects.requireNonNull(policy, "policy");
  }

  public Episode(
      int index,
      boolean warmup,
      Policy policy,
      double accuracy,
      double reward,
      double cost,
      int repairs,
      double sigma,
      boolean cached,
      double bestAccuracy,
      double seconds) {
    this(
        index,
        warmup,
        policy,
        accuracy,
        reward,
        cost,
        repairs,
        sigma,
        cached,
        bestAccuracy,
        seconds,
        0);
  }
}
