package bitlab.search.haq;

/**
 * Where a search's time went, in seconds: scoring policies (quantize, fine-tune if on, evaluate; only for
 * policies not in the cache), the agent (actions and DDPG updates), and the rest (states, repair,
 * pricing). {@code evaluations} counts distinct policies scored, {@code cacheHits} the repeats;
 * {@code finetune} is the fine-tuning's part of the scoring, summed over the threads that scored (so it can
 * exceed the wall time of scoring when several policies were scored at once).
 */
public record Timing(
    double total, double scoring, double agent, int evaluations, int cacheHits, double finetune) {
  public Timing(double total, double scoring, double agent, int evaluations, int cacheHits) {
    this(total, scoring, agent, evaluations, cacheHits, 0);
  }

  public double other() {
    return Math.max(0, total - scoring - agent);
  }

  /** Mean seconds of fine-tuning per scored policy (0 without fine-tuning). */
  public double finetunePerPolicy() {
    return evaluations == 0 ? 0 : finetune / evaluations;
  }

  @Override
  public String toString() {
    String tuned = finetune > 0
        ? String.format(
            // summed over the threads that scored, so it can exceed the scoring's wall time: say so
            ", fine-tuning %.1f s of thread time (%.2f s per policy)",
            finetune, finetunePerPolicy())
        : "";
    return String.format(
        "%.1f s: scoring %.1f s (%d policies, %d cache hits%s), agent %.1f s, other %.1f s",
        total, scoring, evaluations, cacheHits, tuned, agent, other());
  }
}
