package bitlab.dsl.haq;

import bitlab.dsl.display.Diagram;
import bitlab.dsl.display.Flow;
import bitlab.search.haq.Candidate;
import bitlab.search.haq.Episode;
import bitlab.search.haq.HaqResult;
import bitlab.search.haq.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HAQ's loop with the numbers of one search: the state the agent sees, its action and the bits it maps to, the
 * repair to the budget, quantization (and fine-tuning, if on), the reward, and the best policy found. The loop
 * runs once per layer and operand inside an episode and once per episode around the whole.
 */
public final class HaqDiagram {
  private HaqDiagram() {}

  /** "500 images of mnist/validation[0:500]" from the result's scoring line, which says much more. */
  static String scoringImages(String scoring) {
    int at = scoring.indexOf("scored on ");
    if (at < 0) return "the scoring images";
    String rest = scoring.substring(at + "scored on ".length());
    int end = rest.indexOf(';');
    return end < 0 ? rest : rest.substring(0, end);
  }

  public static Diagram of(HaqResult r) {
    int layers = r.layers().size();
    int minBits = r.config().minBits(), maxBits = r.config().maxBits();
    List<Episode> episodes = r.episodes();
    Resource res = r.resource();

    List<String> state = List.of(
        "10 numbers per step: index, c_in, c_out,",
        "kernel, stride, feature size, weights,",
        "depthwise?, weights-or-activations?,",
        "the previous step's bits",
        String.format(Locale.ROOT, "%d steps per episode (%d layers × 2)", 2 * layers, layers));

    List<String> agent = new ArrayList<>();
    agent.add("DDPG actor: action a in [0, 1]");
    agent.add(String.format(
        Locale.ROOT,
        "bits = round(%.1f + %d·a), %d..%d",
        minBits - 0.5,
        maxBits - minBits + 1,
        minBits,
        maxBits));
    int warmup = (int) episodes.stream().filter(Episode::warmup).count();
    var x = r.config().exploration();
    agent.add(
        x.fromUniform()
            ? warmup + " warm-up episodes: the uniform frontier, then random"
            : warmup + " warm-up episodes with random actions");
    double[] sigma = episodes.stream()
        .mapToDouble(Episode::sigma)
        .filter(s -> !Double.isNaN(s))
        .toArray();
    if (sigma.length > 0)
      agent.add(String.format(
          Locale.ROOT, "exploration noise σ %.3f → %.3f", sigma[0], sigma[sigma.length - 1]));

    double cuts = episodes.stream().mapToInt(Episode::repairs).average().orElse(0);
    List<String> repair = List.of(
        "while the policy costs more than the budget,",
        x.repair() == bitlab.search.haq.Repair.Order.CHEAPEST
            ? "cut one bit at a time, the cheapest first"
                + (x.fill() ? "; then spend what is left" : "")
            : "cut one bit at a time, last layer first"
                + (x.fill() ? "; then spend what is left" : ""),
        "budget: " + r.budget(),
        "= " + res.format(r.limit()),
        String.format(Locale.ROOT, "%.1f cuts per episode on average", cuts));

    List<String> quantize = new ArrayList<>();
    quantize.add("calibrate and quantize every layer");
    double tune = r.timing().finetunePerPolicy();
    quantize.add(
        tune > 0
            ? String.format(Locale.ROOT, "fine-tune before scoring: %.2f s per policy", tune)
            : "scored without fine-tuning");
    quantize.add(String.format(
        Locale.ROOT,
        "%d policies scored (baselines too), %d from the cache",
        r.timing().evaluations(),
        r.timing().cacheHits()));

    double bestReward = episodes.stream().mapToDouble(Episode::reward).max().orElse(Double.NaN);
    List<String> reward = List.of(
        "accuracy on " + scoringImages(r.scoring()),
        String.format(Locale.ROOT, "reward = 0.1 × (accuracy − %.2f)", r.reference()),
        String.format(Locale.ROOT, "best reward %.3f", bestReward),
        "stored with every step of the episode;",
        "the agent learns from the replay buffer");

    Candidate best = r.best();
    int found = -1;
    for (Episode e : episodes)
      if (e.policy().equals(best.policy())) {
        found = e.index();
        break;
      }
    List<String> result = new ArrayList<>();
    result.add(String.format(Locale.ROOT, "accuracy %.2f%%", best.accuracy()));
    result.add(String.format(
        Locale.ROOT,
        "%s %s (%.3f of 8-bit)",
        res.label(),
        res.format(best.cost()),
        best.cost() / r.eightBitCost()));
    result.add(
        found >= 0
            ? String.format(Locale.ROOT, "first seen in episode %d of %d", found, episodes.size())
            : episodes.size() + " episodes");

    List<Flow.Box> boxes = List.of(
        new Flow.Box("1. state of one layer", state, null),
        new Flow.Box("2. agent chooses bits", agent, null),
        new Flow.Box("3. repair to the budget", repair, null),
        new Flow.Box("4. quantize the policy", quantize, null),
        new Flow.Box("5. score: the reward", reward, null),
        new Flow.Box("6. best policy so far", result, "#eaf6ea"));
    List<String> labels = List.of("state", "bits", "fits", "model", "best");
    String heading = "HAQ on " + r.model() + " for " + r.target()
        + ": steps 1-2 repeat for every layer, 1-5 for every episode";
    String svg = Flow.svg(heading, boxes, labels, 3, 330);
    StringBuilder text = new StringBuilder();
    for (Flow.Box b : boxes)
      text.append(b.title()).append(": ").append(String.join("; ", b.lines())).append('\n');
    return new Diagram(
        "The HAQ loop of " + r.model() + " on " + r.target(), text.toString().stripTrailing(), svg);
  }
}
