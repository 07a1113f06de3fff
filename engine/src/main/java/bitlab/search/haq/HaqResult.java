package bitlab.search.haq;

import bitlab.hardware.LayerWorkload;
import bitlab.quant.Policy;
import bitlab.search.Budget;
import java.util.List;

/**
 * What a HAQ search found, with everything needed to judge and rerun it: the best policy (meets the
 * budget), its accuracy and cost, the unquantized accuracy on the same images, the baselines at
 * the same budget, every episode, the layers, where the time went, and provenance.
 *
 * @param limit        the budget in base units (seconds, joules, bytes)
 * @param eightBitCost the all-8-bit cost in base units
 * @param reference    unquantized accuracy (percent) on the scoring images
 * @param best         the best policy, ranked on the scoring (validation) images; with a data set, it and the
 *                     baselines also carry their test accuracy ({@link Candidate#test()}), measured once chosen
 * @param stopped      true if an interrupt ended the search early (the best so far is kept)
 * @param validationImages how many images each policy was scored on (0 if the oracle does not say)
 * @param testImages   how many test images scored the final policies (0 if none did)
 * @param unchecked    with a {@link Recheck}: each method's own pick before it (HAQ's first), scored on the search's
 *                     images, so a reader sees what the re-check changed; empty without one
 */
public record HaqResult(
    String model,
    String target,
    Budget budget,
    double limit,
    double eightBitCost,
    double reference,
    Candidate best,
    Policy policy,
    List<Candidate> baselines,
    List<Episode> episodes,
    List<LayerWorkload> layers,
    HaqConfig config,
    boolean stopped,
    Timing timing,
    String scoring,
    int validationImages,
    int testImages,
    List<Candidate> unchecked) {

  public HaqResult {
    baselines = List.copyOf(baselines);
    unchecked = List.copyOf(unchecked);
    episodes = List.copyOf(episodes);
    layers = List.copyOf(layers);
  }

  public Resource resource() {
    return Resource.of(budget.metric());
  }

  /** The same result with another scoring line (e.g. a caveat about the images it was scored on). */
  public HaqResult withScoring(String s) {
    return new HaqResult(
        model,
        target,
        budget,
        limit,
        eightBitCost,
        reference,
        best,
        policy,
        baselines,
        episodes,
        layers,
        config,
        stopped,
        timing,
        s,
        validationImages,
        testImages,
        unchecked);
  }

  /**
   * The same result with the final policies (HAQ's best and each baseline) carrying their accuracy on the test
   * images, as {@code test} gives it (percent), measured on {@code images} test images.
   */
  public HaqResult withTest(java.util.function.ToDoubleFunction<Policy> test, int images) {
    Candidate b = best.withTest(test.applyAsDouble(best.policy()));
    List<Candidate> bs =
        baselines.stream().map(c -> c.withTest(test.applyAsDouble(c.policy()))).toList();
    // a pick the re-check kept is the same policy: score it once
    List<Candidate> finals = new java.util.ArrayList<>(bs);
    finals.add(b);
    List<Candidate> us = unchecked.stream()
        .map(u -> u.withTest(finals.stream()
            .filter(f -> f.policy().equals(u.policy()))
            .mapToDouble(Candidate::test)
            .findFirst()
            .orElseGet(() -> test.applyAsDouble(u.policy()))))
        .toList();
    return new HaqResult(
        model,
        target,
        budget,
        limit,
        eightBitCost,
        reference,
        b,
        policy,
        bs,
        episodes,
        layers,
        config,
        stopped,
        timing,
        scoring,
        validationImages,
        images,
        us);
  }

  /** Accuracy (percent) of the best policy on the images policies were ranked on (validation images). */
  public double accuracy() {
    return best.accuracy();
  }

  /** Accuracy (percent) of the best policy on the test images, NaN if the search was scored without a data set. */
  public double testAccuracy() {
    return best.test();
  }

  public double cost() {
    return best.cost();
  }

  /** The baseline of a method ("uniform", "random search"), or null if it did not run. */
  public Candidate baseline(String prefix) {
    return baselines.stream()
        .filter(c -> c.method().startsWith(prefix))
        .findFirst()
        .orElse(null);
  }

  public double secondsPerEpisode() {
    return episodes.isEmpty()
        ? Double.NaN
        : episodes.stream().mapToDouble(Episode::seconds).sum() / episodes.size();
  }

  @Override
  public String toString() {
    Resource r = resource();
    StringBuilder b = new StringBuilder();
    b.append(String.format(
        "HAQ on %s for %s, %s (%s; 8-bit %s)%s%n",
        model,
        target,
        budget,
        r.format(limit),
        r.format(eightBitCost),
        stopped ? " - stopped early" : ""));
    b.append(String.format("  unquantized accuracy %.2f%% (%s)%n", reference, scoring));
    line(b, best);
    for (Candidate c : baselines) line(b, c);
    if (!unchecked.isEmpty()) {
      b.append(String.format(
          "  (accuracy on %d validation images; before the re-check, on the search's images, each method picked:",
          validationImages));
      for (Candidate u : unchecked) {
        b.append(String.format(" %s %.2f%%", u.method(), u.accuracy()));
        if (!Double.isNaN(u.test())) b.append(String.format(" test %.2f%%", u.test()));
        b.append(u == unchecked.get(unchecked.size() - 1) ? ")" : ";");
      }
      b.append('\n');
    }
    b.append(String.format(
        "  %d episodes (seed %d, %s), %s%n", episodes.size(), config.seed(), warmupText(), timing));
    b.append("  policy: ").append(Policies.compact(best.policy().bits())).append('\n');
    return b.toString();
  }

  /**
   * "warm-up 4; exploration ..., noise 0.3": how many episodes learned nothing, which exploration searched (under
   * {@link Exploration#FROM_UNIFORM}, the default, the warm-up begins with the uniform frontier) and its noise width.
   */
  public String warmupText() {
    long warm = episodes.stream().filter(Episode::warmup).count();
    return "warm-up " + warm + "; exploration " + config.exploration() + ", noise "
        + config.ddpg().sigma();
  }

  private void line(StringBuilder b, Candidate c) {
    String test = Double.isNaN(c.test()) ? "" : String.format(" test %6.2f%%", c.test());
    b.append(String.format(
        "  %-22s accuracy %6.2f%%%s  %s %s (%.3f of 8-bit)%n",
        c.method(),
        c.accuracy(),
        test,
        resource().label(),
        resource().format(c.cost()),
        c.cost() / eightBitCost));
  }
}
