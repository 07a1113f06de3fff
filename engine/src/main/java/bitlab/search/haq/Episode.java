package bitlab.search.haq;

import bitlab.hardware.Bits;
import java.util.List;

/**
 * One episode of the search: the policy after repair, its accuracy (percent), reward, cost (base
 * units), how many one-bit cuts the repair made, the exploration width (NaN in warm-up, where
 * actions are uniform), whether the accuracy came from the cache, and the best accuracy so far.
 */
public record Episode(int index, boolean warmup, List<Bits> policy, double accuracy, double reward, double cost,
    int repairs, double sigma, boolean cached, double bestAccuracy, double seconds) {
  public Episode {
    policy = List.copyOf(policy);
  }
}
