package bitlab.search.haq;

/**
 * How to search: episodes, random warm-up episodes (no learning, uniform actions), seed, the bit
 * range, the DDPG hyper-parameters, whether to run the baselines (best uniform policy and random
 * search with as many episodes) at the same budget, and how many policies are scored at once where
 * the order does not matter (the warm-up episodes and the baselines; the result is the same for any
 * number, only the time changes), and where exploration starts ({@link Exploration}). The default
 * ({@link #of}) is the frontier start ({@link Exploration#FROM_UNIFORM}) with noise 0.3, chosen by measurement on
 * validation images; {@link #paper} is HAQ as published (random warm-up, repair from the last layer back, noise 0.5).
 */
public record HaqConfig(
    int episodes,
    int warmup,
    long seed,
    int minBits,
    int maxBits,
    DdpgConfig ddpg,
    boolean baselines,
    int threads,
    Exploration exploration) {
  public HaqConfig {
    if (episodes < 1)
      throw new HaqException(
          "A search needs at least 1 episode, got " + episodes + "; try episodes(100).");
    if (warmup < 0 || warmup > episodes) {
      throw new HaqException("Warm-up must be between 0 and the number of episodes (" + episodes
          + "), got " + warmup + ".");
    }
    if (ddpg == null) throw new HaqException("Give DDPG settings (DdpgConfig.DEFAULT).");
    if (threads < 1)
      throw new HaqException("Policies are scored on at least 1 thread, got " + threads + ".");
    if (exploration == null)
      throw new HaqException(
          "Give an exploration (Exploration.PAPER or Exploration.FROM_UNIFORM).");
  }

  /** The default warm-up: a fifth of the episodes, at most HAQ's 20, at least 1. */
  public static int defaultWarmup(int episodes) {
    return Math.max(1, Math.min(20, episodes / 5));
  }

  /** Policies scored at once by default: {@code -Dbitlab.search.threads=N}, else one per core. */
  public static int defaultThreads() {
    return bitlab.task.ParallelMap.defaultThreads();
  }

  /**
   * bitlab's default search: the frontier start ({@link Exploration#FROM_UNIFORM}: the uniform policies that fit
   * first, then around the best so far, cheapest-bit repair and fill) with noise 0.3 ({@link DdpgConfig#DEFAULT}).
   */
  public static HaqConfig of(int episodes, long seed) {
    return of(episodes, seed, Exploration.FROM_UNIFORM);
  }

  /** HAQ as published: random warm-up, repair from the last layer back, noise 0.5 ({@link DdpgConfig#PAPER}). */
  public static HaqConfig paper(int episodes, long seed) {
    return of(episodes, seed, Exploration.PAPER);
  }

  /** A search with this exploration and its measured noise ({@link Exploration#defaultDdpg}). */
  public static HaqConfig of(int episodes, long seed, Exploration exploration) {
    if (episodes < 1)
      throw new HaqException(
          "A search needs at least 1 episode, got " + episodes + "; try episodes(100).");
    if (exploration == null)
      throw new HaqException(
          "Give an exploration (Exploration.PAPER or Exploration.FROM_UNIFORM).");
    return new HaqConfig(
        episodes,
        defaultWarmup(episodes),
        seed,
        2,
        8,
        exploration.defaultDdpg(),
        true,
        defaultThreads(),
        exploration);
  }

  public HaqConfig withEpisodes(int e) {
    return new HaqConfig(
        e, Math.min(warmup, e), seed, minBits, maxBits, ddpg, baselines, threads, exploration);
  }

  public HaqConfig withWarmup(int w) {
    return new HaqConfig(
        episodes, w, seed, minBits, maxBits, ddpg, baselines, threads, exploration);
  }

  public HaqConfig withSeed(long s) {
    return new HaqConfig(
        episodes, warmup, s, minBits, maxBits, ddpg, baselines, threads, exploration);
  }

  public HaqConfig withBits(int min, int max) {
    return new HaqConfig(episodes, warmup, seed, min, max, ddpg, baselines, threads, exploration);
  }

  public HaqConfig withDdpg(DdpgConfig d) {
    return new HaqConfig(
        episodes, warmup, seed, minBits, maxBits, d, baselines, threads, exploration);
  }

  public HaqConfig withBaselines(boolean b) {
    return new HaqConfig(episodes, warmup, seed, minBits, maxBits, ddpg, b, threads, exploration);
  }

  /**
   * Where exploration starts and how the repair cuts ({@link Exploration#FROM_UNIFORM} by default). The noise is
   * left as it is: {@link #of(int, long, Exploration)} gives an exploration with its measured noise.
   */
  public HaqConfig withExploration(Exploration x) {
    return new HaqConfig(episodes, warmup, seed, minBits, maxBits, ddpg, baselines, threads, x);
  }

  /** Policies scored at once in the warm-up and the baselines (1: one after the other). */
  public HaqConfig withThreads(int n) {
    return new HaqConfig(episodes, warmup, seed, minBits, maxBits, ddpg, baselines, n, exploration);
  }
}
