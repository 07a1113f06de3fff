package bitlab.dsl.haq;

import bitlab.data.Dataset;
import bitlab.hardware.Bits;
import bitlab.hardware.Target;
import bitlab.model.Model;
import bitlab.quant.PtqConfig;
import bitlab.search.Budget;
import bitlab.search.haq.DdpgConfig;
import bitlab.search.haq.Environment;
import bitlab.search.haq.Exploration;
import bitlab.search.haq.FineTune;
import bitlab.search.haq.Haq;
import bitlab.search.haq.HaqConfig;
import bitlab.search.haq.HaqException;
import bitlab.search.haq.HaqResult;
import bitlab.search.haq.LayerStates;
import bitlab.search.haq.Pricing;
import bitlab.search.haq.Resource;
import bitlab.search.haq.Scoring;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * {@code haq(net, data).on(edge).latency(0.6).episodes(100).seed(1).run()}: collects the settings
 * of a HAQ search and runs it. Defaults: 100 episodes, seed 1, warm-up a fifth of the episodes (at
 * most 20), bits 2..8, HAQ's DDPG settings, scoring on 1,000 validation images with 256
 * calibration images (integer-only execution), no fine-tuning ({@code .finetune()} turns on its default, 16 steps), baselines on,
 * and the frontier start ({@link #fromUniform}) with noise 0.3, chosen on validation images (engine README, "Measured:
 * HAQ"); {@link #paperExploration} is HAQ as published (random warm-up, repair from the last layer back, noise 0.5).
 * Each setting returns a new builder (the old one is unchanged), so a cell can branch off variants:
 * {@code var base = haq(net, data).on(edge); base.latency(0.5).run();}.
 */
public final class HaqBuilder {
  private final Model net;
  private final Dataset data;
  private Target target;
  private Budget budget;
  private int episodes = 100;
  private Integer warmup;
  private long seed = 1;
  private int minBits = 2;
  private int maxBits = 8;
  private DdpgConfig ddpg = DdpgConfig.DEFAULT;
  // the noise width chosen with noise() or ddpg(); null: the exploration's measured one (0.3
  // frontier, 0.5 paper)
  private Double sigma;
  private boolean baselines = true;
  private Scoring scoring = Scoring.DEFAULT;
  private boolean kmeans;
  private Exploration exploration = Exploration.FROM_UNIFORM;

  public HaqBuilder(Model net, Dataset data) {
    if (net == null || data == null)
      throw new HaqException(
          "haq(net, data) needs a model and a data set, e.g. haq(zoo(\"mobilenet-v2-mini\"), mnist()).");
    this.net = net;
    this.data = data;
  }

  /** The hardware that prices policies, e.g. {@code hardware("bismo-edge")}. */
  public HaqBuilder on(Target t) {
    return with(b -> b.target = t);
  }

  /**
   * Latency at most this fraction of the all-8-bit latency on the target: {@code Budget.latencyOf8Bit(fraction)}.
   * This is what {@code .latency(0.6)} has always meant in HAQ (HAWQ-V3's {@code .latency(target, 0.6)} is a
   * point between the cheapest and the dearest policy instead); {@link #budget(Budget)} takes any budget.
   */
  public HaqBuilder latency(double fraction) {
    return budget(Budget.latencyOf8Bit(fraction));
  }

  /** Energy at most this fraction of the all-8-bit energy on the target: {@code Budget.energyOf8Bit(fraction)}. */
  public HaqBuilder energy(double fraction) {
    return budget(Budget.energyOf8Bit(fraction));
  }

  /** Weight size at most this fraction of the all-8-bit weights: {@code Budget.sizeOf8Bit(fraction)}. */
  public HaqBuilder size(double fraction) {
    return budget(Budget.sizeOf8Bit(fraction));
  }

  /** Latency at most this many milliseconds on the target: {@code Budget.latencyMs(ms)}. */
  public HaqBuilder latencyMillis(double ms) {
    return budget(Budget.latencyMs(ms));
  }

  /** Energy at most this many millijoules on the target: {@code Budget.energyMj(mj)}. */
  public HaqBuilder energyMillijoules(double mj) {
    return budget(Budget.energyMj(mj));
  }

  /** Packed weights at most this many KiB: {@code Budget.sizeKib(kib)}. */
  public HaqBuilder sizeKib(double kib) {
    return budget(Budget.sizeKib(kib));
  }

  /**
   * Any budget, e.g. {@code Budget.latencyBetween(0.3)} (30% of the way from every layer at the minimum bits
   * to every layer at the maximum). HAQ prices latency, energy and size on its {@link #on} target.
   */
  public HaqBuilder budget(Budget budget) {
    return with(b -> b.budget = budget);
  }

  public HaqBuilder episodes(int n) {
    return with(b -> b.episodes = n);
  }

  public HaqBuilder warmup(int n) {
    return with(b -> b.warmup = n);
  }

  public HaqBuilder seed(long s) {
    return with(b -> b.seed = s);
  }

  public HaqBuilder bits(int min, int max) {
    return with(b -> {
      b.minBits = min;
      b.maxBits = max;
    });
  }

  /** Hidden layer size of actor and critic (default 300). */
  public HaqBuilder hidden(int h) {
    return with(b -> b.ddpg = b.ddpg.withHidden(h)); // the noise still follows the exploration
  }

  /** All DDPG settings, its noise width included (it then no longer follows the exploration's). */
  public HaqBuilder ddpg(DdpgConfig c) {
    return with(b -> {
      b.ddpg = c;
      b.sigma = c == null ? null : c.sigma();
    });
  }

  /**
   * Exploration noise: the truncated normal's width after warm-up and its decay per episode. Unset, the width is the
   * exploration's measured one: 0.3 from the uniform frontier (the default), the paper's 0.5 with
   * {@link #paperExploration}; the decay is HAQ's 0.99.
   */
  public HaqBuilder noise(double sigma, double decay) {
    return ddpg(ddpg.withNoise(sigma, decay));
  }

  /**
   * Where exploration starts and how the repair cuts: {@link Exploration#FROM_UNIFORM} (the default, see
   * {@link #fromUniform}) or {@link Exploration#PAPER} (see {@link #paperExploration}).
   */
  public HaqBuilder exploration(Exploration x) {
    return with(b -> b.exploration = x);
  }

  /**
   * The default exploration ({@link Exploration#FROM_UNIFORM}, noise 0.3 unless {@link #noise} says otherwise): the
   * warm-up begins with the uniform policies on the budget's frontier, the actor is taught the best policy so far and
   * explores around it, the repair cuts the cheapest bit first and a policy under budget gets the margin back. The
   * search then never returns a policy below the best uniform one that fits.
   */
  public HaqBuilder fromUniform() {
    return exploration(Exploration.FROM_UNIFORM);
  }

  /**
   * HAQ's exploration as published ({@link Exploration#PAPER}, noise 0.5 unless {@link #noise} says otherwise):
   * random warm-up episodes, then the actor plus noise, and a repair that cuts from the last layer back. Kept to
   * reproduce the paper; on short searches it loses to the default (engine README, "Measured: HAQ").
   */
  public HaqBuilder paperExploration() {
    return exploration(Exploration.PAPER);
  }

  /**
   * The paper's model-size experiment: share each layer's weights by k-means (Deep Compression's codebooks, 2^b
   * float32 centroids per layer, fine-tuned when {@link #finetune} is on) and search the weight widths under a size
   * budget that counts the codebooks, e.g. {@code .kmeans().budget(Budget.sizeKib(40))}. A simulation: the centroids
   * are looked up in float and activations stay float. The uniform baseline is Deep Compression's one width.
   */
  public HaqBuilder kmeans() {
    return with(b -> b.kmeans = true);
  }

  /** Skip the uniform and random-search baselines (they cost about as much as the search). */
  public HaqBuilder baselines(boolean on) {
    return with(b -> b.baselines = on);
  }

  /** Validation images every policy is scored on (default 1,000; the data set's first ones). */
  public HaqBuilder evaluationImages(int n) {
    return scoring(scoring.withEvaluation(n));
  }

  /**
   * Before each method (HAQ, uniform, random search) chooses, score its {@code finalists} best policies again on
   * every validation image and keep the best on those: the winner of many policies scored on a few hundred images is
   * partly the luckiest ({@link bitlab.search.haq.Recheck}). Off by default.
   */
  public HaqBuilder recheck(int finalists) {
    return recheck(finalists, data.validation().size());
  }

  /** As {@link #recheck(int)}, on the first {@code images} validation images (more than the search scores on). */
  public HaqBuilder recheck(int finalists, int images) {
    return scoring(scoring.withRecheck(finalists, images));
  }

  /**
   * As {@link #recheck(int, int)}, each finalist fine-tuned and scored with {@code seeds} fine-tune seeds (the
   * search's own and others) and ranked on the mean, so that one lucky fine-tune does not choose. Needs
   * {@link #finetune}.
   */
  public HaqBuilder recheck(int finalists, int images, int seeds) {
    return scoring(scoring.withRecheck(finalists, images, seeds));
  }

  public HaqBuilder calibrationImages(int n) {
    return scoring(scoring.withCalibration(n));
  }

  public HaqBuilder ptq(PtqConfig c) {
    return scoring(scoring.withPtq(c));
  }

  /**
   * Score each policy on the integer-only executor (true, the default: the arithmetic of a deployment, at about
   * a third of the simulation's CPU time per image) or on the fake-quantized float simulation (false).
   */
  public HaqBuilder integerScoring(boolean on) {
    return scoring(scoring.withInteger(on));
  }

  private HaqBuilder scoring(Scoring sc) {
    return with(b -> b.scoring = sc);
  }

  /** A copy with one setting changed: every setting returns a new builder, the old one is unchanged. */
  private HaqBuilder with(java.util.function.Consumer<HaqBuilder> change) {
    HaqBuilder b = copy();
    change.accept(b);
    return b;
  }

  private HaqBuilder copy() {
    HaqBuilder b = new HaqBuilder(net, data);
    b.target = target;
    b.budget = budget;
    b.episodes = episodes;
    b.warmup = warmup;
    b.seed = seed;
    b.minBits = minBits;
    b.maxBits = maxBits;
    b.ddpg = ddpg;
    b.sigma = sigma;
    b.baselines = baselines;
    b.scoring = scoring;
    b.kmeans = kmeans;
    b.exploration = exploration;
    return b;
  }

  /**
   * Fine-tune every policy for {@code steps} batches of 64 training images before scoring it, as HAQ's paper does
   * (0: no fine-tuning, the default). Baselines are fine-tuned the same way, so the comparison stays fair.
   */
  public HaqBuilder finetune(int steps) {
    return finetune(FineTune.steps(steps));
  }

  /** Fine-tune every policy for {@link FineTune#DEFAULT_STEPS} steps before scoring it. */
  public HaqBuilder finetune() {
    return finetune(FineTune.defaults());
  }

  /** Fine-tune every policy for a fraction of an epoch of the training part (e.g. 0.25) before scoring it. */
  public HaqBuilder finetuneEpochs(double fraction) {
    return finetune(FineTune.epochs(fraction));
  }

  public HaqBuilder finetune(FineTune f) {
    return scoring(scoring.withFinetune(f));
  }

  public HaqConfig config() {
    if (exploration == null)
      throw new HaqException(
          "Give an exploration: .fromUniform() (the default) or .paperExploration() (HAQ as published).");
    DdpgConfig d =
        ddpg.withNoise(sigma != null ? sigma : exploration.defaultSigma(), ddpg.sigmaDecay());
    HaqConfig c = HaqConfig.of(episodes, seed, exploration)
        .withBits(minBits, maxBits)
        .withDdpg(d)
        .withBaselines(baselines);
    return warmup == null ? c : c.withWarmup(warmup);
  }

  public HaqResult run() {
    checkBudget();
    if (kmeans) return Haq.kmeans(net, data, budget, config(), scoring);
    return Haq.search(net, data, target, budget, config(), scoring);
  }

  private void checkBudget() {
    if (budget == null) {
      throw new HaqException(
          "Give the search a budget: .latency(0.6), .energy(0.5) or .size(0.4) (fractions of the all-8-bit cost), "
              + "or .latencyMillis(ms), .energyMillijoules(mJ), .sizeKib(KiB).");
    }
    Resource r = Resource.of(budget.metric());
    if (kmeans && r != Resource.SIZE) {
      throw new HaqException("k-means weight sharing is searched under a size budget, got " + budget
          + "; use .size(0.25), .sizeKib(40) or .budget(Budget.sizeBytes(...)).");
    }
    if (target == null && r != Resource.SIZE) {
      throw new HaqException("A " + r.label()
          + " budget needs hardware to price it: add .on(hardware(\"bismo-edge\")).");
    }
  }

  /**
   * The environment the agent acts in: the model's layers priced on the target (tensors at the widths the scoring's
   * placement stores them at, as the search prices them), the budget, the bit range.
   */
  public Environment environment() {
    checkBudget();
    return new Environment(
        Pricing.of(net, target, scoring.ptq()),
        budget,
        minBits,
        maxBits,
        exploration.repair(),
        exploration.fill());
  }

  /**
   * What the agent observes at each of its steps (two per layer: weight bits, then activation bits): the ten
   * features, min-max normalised over the layers. The last one, the previous action, depends on the run;
   * it is shown as if every earlier step had chosen the maximum width.
   */
  public Table states() {
    Environment env = environment();
    List<String> features = LayerStates.featureNames();
    IntColumn step = IntColumn.create("step");
    StringColumn layer = StringColumn.create("layer");
    StringColumn picks = StringColumn.create("picks");
    DoubleColumn[] f = new DoubleColumn[features.size()];
    for (int k = 0; k < f.length; k++) f[k] = DoubleColumn.create(features.get(k));
    for (int s = 0; s < env.steps(); s++) {
      step.append(s);
      layer.append(env.workloads().get(s / 2).name());
      picks.append(s % 2 == 0 ? "weights" : "activations");
      double[] x = env.state(s, maxBits);
      for (int k = 0; k < f.length; k++) f[k].append(Math.round(x[k] * 1000) / 1000.0);
    }
    Table t = Table.create(
        "the agent's observation at each step (" + net.name() + ")", step, layer, picks);
    for (DoubleColumn c : f) t.addColumns(c);
    return t;
  }

  /** The width an action in [0, 1] becomes: [0, 1] is cut into equal intervals, one per width from the minimum to the maximum. */
  public int bitsFor(double action) {
    if (!(action >= 0 && action <= 1))
      throw new HaqException("An action is a number in [0, 1], got " + action + ".");
    return new Environment(
            Pricing.of(net.workloads(), null), Budget.sizeOf8Bit(1.0), minBits, maxBits)
        .bits(action);
  }

  /** What the budget repair makes of a policy (one bit pair per layer, in layer order). */
  public Repaired repair(List<Bits> policy) {
    Environment env = environment();
    if (policy.size() != env.layers()) {
      throw new HaqException(
          "A policy for " + net.name() + " needs one bit pair per quantizable layer ("
              + env.layers() + "), got " + policy.size() + ".");
    }
    int[] w = policy.stream().mapToInt(Bits::weights).toArray();
    int[] a = policy.stream().mapToInt(Bits::activations).toArray();
    for (int i = 0; i < w.length; i++) {
      if (w[i] < minBits || w[i] > maxBits || a[i] < minBits || a[i] > maxBits) {
        throw new HaqException("Layer " + env.workloads().get(i).name() + " has " + policy.get(i)
            + "; the search uses widths " + minBits + ".." + maxBits
            + " (change them with .bits(min, max)).");
      }
    }
    Environment.Outcome out = env.finish(w, a);
    return new Repaired(
        net.name(),
        env.pricing().targetName(),
        budget,
        env.workloads(),
        policy,
        out.policy().bits(),
        env.cost(w, a),
        out.cost(),
        env.limit(),
        env.eightBitCost(),
        out.repairs());
  }
}
