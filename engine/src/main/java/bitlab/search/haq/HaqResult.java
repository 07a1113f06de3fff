package bitlab.search.haq;

import bitlab.hardware.LayerWorkload;
import bitlab.quant.Policy;
import java.util.List;

/**
 * What a HAQ search found, with everything needed to judge and rerun it: the best policy (meets the
 * budget), its accuracy and cost, the unquantized accuracy on the same images, the baselines at
 * the same budget, every episode, the layers, where the time went, and provenance.
 *
 * @param limit        the budget in base units (seconds, joules, bytes)
 * @param eightBitCost the all-8-bit cost in base units
 * @param reference    unquantized accuracy (percent) on the scoring images
 * @param stopped      true if an interrupt ended the search early (the best so far is kept)
 */
public record HaqResult(String model, String target, Budget budget, double limit, double eightBitCost, double reference,
    Candidate best, Policy policy, List<Candidate> baselines, List<Episode> episodes, List<LayerWorkload> layers,
    HaqConfig config, boolean stopped, Timing timing, String scoring) {

  public HaqResult {
    baselines = List.copyOf(baselines);
    episodes = List.copyOf(episodes);
    layers = List.copyOf(layers);
  }

  public Resource resource() { return budget.resource(); }

  /** The same result with another scoring line (e.g. a caveat about the images it was scored on). */
  public HaqResult withScoring(String s) {
    return new HaqResult(model, target, budget, limit, eightBitCost, reference, best, policy, baselines, episodes, layers, config,
        stopped, timing, s);
  }

  public double accuracy() { return best.accuracy(); }

  public double cost() { return best.cost(); }

  /** The baseline of a method ("uniform", "random search"), or null if it did not run. */
  public Candidate baseline(String prefix) {
    return baselines.stream().filter(c -> c.method().startsWith(prefix)).findFirst().orElse(null);
  }

  public double secondsPerEpisode() {
    return episodes.isEmpty() ? Double.NaN : episodes.stream().mapToDouble(Episode::seconds).sum() / episodes.size();
  }

  @Override public String toString() {
    Resource r = resource();
    StringBuilder b = new StringBuilder();
    b.append(String.format("HAQ on %s for %s, %s (%s; 8-bit %s)%s%n", model, target, budget, r.format(limit), r.format(eightBitCost),
        stopped ? " - stopped early" : ""));
    b.append(String.format("  unquantized accuracy %.2f%% (%s)%n", reference, scoring));
    line(b, best);
    for (Candidate c : baselines) line(b, c);
    b.append(String.format("  %d episodes (seed %d, warm-up %d), %s%n", episodes.size(), config.seed(), config.warmup(), timing));
    b.append("  policy: ").append(Policies.compact(best.policy())).append('\n');
    return b.toString();
  }

  private void line(StringBuilder b, Candidate c) {
    b.append(String.format("  %-22s accuracy %6.2f%%  %s %s (%.3f of 8-bit)%n", c.method(), c.accuracy(), resource().label(),
        resource().format(c.cost()), c.cost() / eightBitCost));
  }
}
