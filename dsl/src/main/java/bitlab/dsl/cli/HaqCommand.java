package bitlab.dsl.cli;

import bitlab.dsl.haq.HaqBuilder;
import bitlab.dsl.haq.HaqCharts;
import bitlab.dsl.hardware.SessionTargets;
import bitlab.search.Budget;
import bitlab.search.haq.Candidate;
import bitlab.search.haq.FineTune;
import bitlab.search.haq.HaqResult;
import bitlab.search.haq.Timing;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "haq",
    description =
        "HAQ: a DDPG agent picks weight/activation bits per layer under a hardware budget; "
            + "prints the best policy and the baselines (best uniform, random search) at the same budget.")
final class HaqCommand implements Callable<Integer> {
  @Mixin
  ModelArgs args;

  @Option(
      names = "--target",
      description =
          "A target of the catalogue (see 'bitlab hardware list'); needed for --latency and --energy.")
  String target;

  static final class BudgetArgs {
    @Option(
        names = "--latency",
        description =
            "Latency budget: a fraction of the all-8-bit latency (0.6), a point between the "
                + "cheapest and the dearest policy (0.3between), or an amount (2.5ms).")
    String latency;

    @Option(
        names = "--energy",
        description =
            "Energy budget: a fraction of the all-8-bit energy (0.6), 0.3between, or an amount (1.2mJ).")
    String energy;

    @Option(
        names = "--size",
        description =
            "Weight-size budget: a fraction of the all-8-bit weights (0.5), 0.3between, or an amount (30KiB).")
    String size;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  BudgetArgs budget;

  @Option(names = "--episodes", defaultValue = "100")
  int episodes;

  @Option(
      names = "--warmup",
      description = "Random warm-up episodes (default: a fifth of the episodes, at most 20).")
  Integer warmup;

  @Option(names = "--seed", defaultValue = "1")
  long seed;

  @Option(
      names = "--eval-images",
      defaultValue = "1000",
      description =
          "Validation images every policy is scored on (the first N of the data set's validation part).")
  int evalImages;

  @Option(
      names = "--simulated",
      description =
          "Score policies with the fake-quantized float graph instead of the integer-only executor.")
  boolean simulated;

  @Option(
      names = "--explore",
      defaultValue = "uniform",
      paramLabel = "uniform|paper",
      description =
          "uniform (the default, chosen on validation images): start from the uniform policies that fit, explore "
              + "around the best policy so far, cut the cheapest bit first and spend what is left of the budget; "
              + "paper: HAQ as published (random warm-up, repair from the last layer back).")
  String explore;

  @Option(
      names = "--noise",
      description =
          "Exploration noise: the truncated normal's width after warm-up (default 0.3 with "
              + "--explore uniform, the paper's 0.5 with --explore paper).")
  Double noise;

  @Option(
      names = "--recheck",
      paramLabel = "K",
      description =
          "Before each method chooses, score its K best policies again on every validation image and "
              + "keep the best on those (against the luck of the best of many policies scored on a few images).")
  Integer recheck;

  @Option(
      names = "--recheck-seeds",
      paramLabel = "S",
      description =
          "With --recheck and --finetune: fine-tune and score each finalist with S fine-tune seeds (the search's "
              + "own and S-1 others) and rank on the mean, so one lucky fine-tune does not choose (default 1).")
  Integer recheckSeeds;

  @Option(names = "--no-baselines", description = "Skip the uniform and random-search baselines.")
  boolean noBaselines;

  @Option(
      names = "--finetune",
      paramLabel = "STEPS|Fepoch",
      description = "Fine-tune every policy on the training part before "
          + "scoring it, as HAQ's paper does: a number of steps of 64 images (e.g. 32), or a fraction of an epoch (e.g. 0.25epoch); "
          + "0 or absent: no fine-tuning.")
  String finetune;

  @Option(
      names = "--finetune-lr",
      description = "Adam's learning rate for the fine-tuning (default 1e-3).")
  Double finetuneLr;

  @Option(
      names = "--kmeans",
      description =
          "Share each layer's weights by k-means (Deep Compression: 2^b float32 centroids per layer, "
              + "fine-tuned with --finetune) and search the weight widths under --size, codebooks counted; "
              + "simulated in float, activations float.")
  boolean kmeans;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  record Layer(String name, String kind, int weightBits, int activationBits) {}

  /** {@code accuracy} on the validation images that ranked the policies; {@code testAccuracy} on the test images (null if unmeasured). */
  record Method(
      String method, double accuracy, Double testAccuracy, double cost, double fractionOf8Bit) {}

  /** {@code stepsPerPolicy} 0 when off; {@code secondsPerPolicy} the mean fine-tuning time of a scored policy. */
  record Finetune(
      boolean on,
      int stepsPerPolicy,
      int batchSize,
      double learningRate,
      double secondsPerPolicy) {}

  record Result(
      String model,
      String target,
      String budget,
      String unit,
      double limit,
      double eightBit,
      double unquantizedAccuracy,
      List<Method> methods,
      List<Layer> policy,
      int episodes,
      long seed,
      boolean stopped,
      double secondsPerEpisode,
      Finetune finetune,
      Timing timing,
      String scoring) {}

  /** "32" (steps), "0.25epoch" (a fraction of an epoch), "0" or null (off). */
  static FineTune finetune(String s) {
    if (s == null) return FineTune.OFF;
    String t = s.trim().toLowerCase(java.util.Locale.ROOT);
    try {
      if (t.endsWith("epochs") || t.endsWith("epoch") || t.endsWith("ep")) {
        return FineTune.epochs(Double.parseDouble(t.replaceAll("(epochs|epoch|ep)$", "")));
      }
      return FineTune.steps(Integer.parseInt(t));
    } catch (NumberFormatException e) {
      throw new bitlab.search.haq.HaqException(
          "--finetune takes a number of steps (e.g. 32) or a fraction of an epoch (e.g. 0.25epoch), got '"
              + s + "'.");
    }
  }

  @Override
  public Integer call() {
    Budget b = budget.latency != null
        ? Budget.parse(Budget.Metric.LATENCY, budget.latency, Budget.Scale.OF_8BIT)
        : budget.energy != null
            ? Budget.parse(Budget.Metric.ENERGY, budget.energy, Budget.Scale.OF_8BIT)
            : Budget.parse(Budget.Metric.SIZE, budget.size, Budget.Scale.OF_8BIT);
    if (target == null && budget.size == null) {
      throw new bitlab.search.haq.HaqException(
          "A latency or energy budget is priced on hardware: add --target (see 'bitlab hardware list').");
    }
    bitlab.data.Dataset data = args.data();
    HaqBuilder builder = new HaqBuilder(args.model(), data)
        .on(target == null ? null : SessionTargets.named(target))
        .budget(b)
        .episodes(episodes)
        .seed(seed)
        .evaluationImages(evalImages)
        .baselines(!noBaselines)
        .integerScoring(!simulated);
    builder = builder.exploration(bitlab.search.haq.Exploration.named(explore));
    if (noise != null)
      builder = builder.noise(noise, bitlab.search.haq.DdpgConfig.DEFAULT.sigmaDecay());
    if (kmeans) builder = builder.kmeans();
    if (recheckSeeds != null && recheck == null) {
      throw new bitlab.search.haq.HaqException(
          "--recheck-seeds averages the re-check of each method's finalists and there is no re-check;"
              + " add --recheck K (e.g. --recheck 3).");
    }
    if (recheck != null)
      builder = builder.recheck(
          recheck, data.validation().size(), recheckSeeds == null ? 1 : recheckSeeds);
    if (warmup != null)
      builder = builder.warmup(warmup); // builders return a new builder from each setting
    FineTune ft = finetune(finetune);
    if (finetuneLr != null) ft = ft.withLearningRate(finetuneLr);
    HaqResult r = builder.finetune(ft).run();
    System.err.print("\r");
    if (!json) {
      System.out.print(r);
      return 0;
    }
    double unit = r.resource().display(1);
    List<Method> methods = new ArrayList<>();
    List<Candidate> all = new ArrayList<>(List.of(r.best()));
    all.addAll(r.baselines());
    for (Candidate c : all)
      methods.add(new Method(
          c.method(),
          c.accuracy(),
          Double.isNaN(c.test()) ? null : c.test(),
          c.cost() * unit,
          c.cost() / r.eightBitCost()));
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < r.layers().size(); i++) {
      layers.add(new Layer(
          r.layers().get(i).name(),
          HaqCharts.kind(r.layers().get(i)),
          r.best().policy().bits().get(i).weights(),
          r.best().policy().bits().get(i).activations()));
    }
    Json.print(new Result(
        r.model(),
        r.target(),
        r.budget().toString(),
        r.resource().unit(),
        r.limit() * unit,
        r.eightBitCost() * unit,
        r.reference(),
        methods,
        layers,
        r.episodes().size(),
        seed,
        r.stopped(),
        r.secondsPerEpisode(),
        new Finetune(
            ft.on(),
            ft.stepsFor(data.train().size()),
            ft.batchSize(),
            ft.learningRate(),
            r.timing().finetunePerPolicy()),
        r.timing(),
        r.scoring()));
    return 0;
  }
}
