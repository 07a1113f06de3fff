package bitlab.search.haq;

/**
 * How to search: episodes, random warm-up episodes (no learning, uniform actions), seed, the bit
 * range, the DDPG hyper-parameters, and whether to run the baselines (best uniform policy and
 * random search with as many episodes) at the same budget.
 */
public record HaqConfig(int episodes, int warmup, long seed, int minBits, int maxBits, DdpgConfig ddpg, boolean baselines) {
  public HaqConfig {
    if (episodes < 1) throw new HaqException("A search needs at least 1 episode, got " + episodes + "; try episodes(100).");
    if (warmup < 0 || warmup > episodes) {
      throw new HaqException("Warm-up must be between 0 and the number of episodes (" + episodes + "), got " + warmup + ".");
    }
    if (ddpg == null) throw new HaqException("Give DDPG settings (DdpgConfig.DEFAULT).");
  }

  /** The default warm-up: a fifth of the episodes, at most HAQ's 20, at least 1. */
  public static int defaultWarmup(int episodes) {
    return Math.max(1, Math.min(20, episodes / 5));
  }

  public static HaqConfig of(int episodes, long seed) {
    if (episodes < 1) throw new HaqException("A search needs at least 1 episode, got " + episodes + "; try episodes(100).");
    return new HaqConfig(episodes, defaultWarmup(episodes), seed, 2, 8, DdpgConfig.DEFAULT, true);
  }

  public HaqConfig withEpisodes(int e) {
    return new HaqConfig(e, Math.min(warmup, e), seed, minBits, maxBits, ddpg, baselines);
  }

  public HaqConfig withWarmup(int w) { return new HaqConfig(episodes, w, seed, minBits, maxBits, ddpg, baselines); }

  public HaqConfig withSeed(long s) { return new HaqConfig(episodes, warmup, s, minBits, maxBits, ddpg, baselines); }

  public HaqConfig withBits(int min, int max) { return new HaqConfig(episodes, warmup, seed, min, max, ddpg, baselines); }

  public HaqConfig withDdpg(DdpgConfig d) { return new HaqConfig(episodes, warmup, seed, minBits, maxBits, d, baselines); }

  public HaqConfig withBaselines(boolean b) { return new HaqConfig(episodes, warmup, seed, minBits, maxBits, ddpg, b); }
}
