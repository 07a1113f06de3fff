package bitlab.search.haq;

/**
 * Where a search's time went, in seconds: scoring policies (quantize, calibrate, evaluate; only for
 * policies not in the cache), the agent (actions and DDPG updates), and the rest (states, repair,
 * pricing). {@code evaluations} counts distinct policies scored, {@code cacheHits} the repeats.
 */
public record Timing(double total, double scoring, double agent, int evaluations, int cacheHits) {
  public double other() { return Math.max(0, total - scoring - agent); }

  @Override public String toString() {
    return String.format("%.1f s: scoring %.1f s (%d policies, %d cache hits), agent %.1f s, other %.1f s",
        total, scoring, evaluations, cacheHits, agent, other());
  }
}
