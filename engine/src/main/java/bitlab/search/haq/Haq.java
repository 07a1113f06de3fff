package bitlab.search.haq;

import bitlab.data.Dataset;
import bitlab.data.Inputs;
import bitlab.data.Samples;
import bitlab.hardware.Target;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.search.Budget;
import bitlab.task.CancelledException;
import bitlab.task.Work;
import java.util.ArrayList;
import java.util.List;

/**
 * The front door: HAQ on a model and data set, priced on a target, scored by PTQ accuracy on
 * the data set's validation images, with the baselines at the same budget. Progress goes to
 * {@link Work#progress}; an interrupt stops the search and returns the best policy so far
 * (marked stopped), or rethrows if no episode had finished.
 */
public final class Haq {
  private Haq() {}

  public static HaqResult search(
      Model model, Dataset data, Target target, Budget budget, HaqConfig cfg, Scoring scoring) {
    requireLayers(model);
    data = model.prepare(data);
    Inference.checkFits(model, data.train());
    Samples eval = data.validation(scoring.evaluation());
    Samples calib = data.calibration(scoring.calibration());
    if (scoring.finetune().on() && data.train().size() == 0) {
      throw new HaqException("Fine-tuning trains on the data set's training part, and "
          + data.name() + " has no training images; "
          + "turn fine-tuning off or give a data set with a training part.");
    }
    PtqOracle oracle = new PtqOracle(
        model,
        calib,
        eval,
        scoring.ptq(),
        scoring.integer(),
        data.train(),
        scoring.finetune(),
        cfg.seed());
    scoring.checkRecheckSeeds();
    AccuracyOracle more = null;
    if (scoring.recheck().on()) {
      Samples recheck = recheckImages(data, scoring);
      List<PtqOracle> seeds = new ArrayList<>();
      for (int k = 0; k < scoring.recheck().seeds(); k++)
        seeds.add(new PtqOracle(
            model,
            calib,
            recheck,
            scoring.ptq(),
            scoring.integer(),
            data.train(),
            scoring.finetune(),
            Recheck.fineTuneSeed(cfg.seed(), k)));
      more = seeds.size() == 1 ? seeds.get(0) : new MeanOracle(seeds);
    }
    HaqResult r = search(model, target, budget, cfg, oracle, scoring.recheck(), more);
    // The test images only score the policies already chosen (HAQ's best, each baseline's best),
    // never rank them.
    Samples test = data.test();
    r = r.withTest(policy -> oracle.accuracy(oracle.quantize(policy.bits()), test), test.size());
    String caveat =
        Inputs.validationCaveat(model.name(), model.metadata().get(Model.TRAINED_ON), data);
    return caveat.isEmpty() ? r : r.withScoring(r.scoring() + "; note: " + caveat);
  }

  /** The search with any scoring of policies (tests use synthetic ones). */
  public static HaqResult search(
      Model model, Target target, Budget budget, HaqConfig cfg, AccuracyOracle oracle) {
    return search(model, target, budget, cfg, oracle, Recheck.OFF, null);
  }

  /**
   * The search, then (if {@code recheck} is on) each method's best few policies scored again by {@code more}, the
   * same scoring on more validation images, and each method's winner chosen on those ({@link Recheck}).
   */
  static HaqResult search(
      Model model,
      Target target,
      Budget budget,
      HaqConfig cfg,
      AccuracyOracle oracle,
      Recheck recheck,
      AccuracyOracle more) {
    requireLayers(model);
    Pricing pricing = pricing(model, target, oracle);
    Environment env = environment(pricing, budget, cfg);
    long start = System.nanoTime();
    ScoreCache cache = new ScoreCache(oracle);
    Resource r = Resource.of(budget.metric());
    double reference = oracle.reference();
    HaqSearch.Outcome out = HaqSearch.run(
        env,
        cache,
        cfg,
        e -> Work.progress(String.format(
            "HAQ episode %d/%d: reward %.3f, accuracy %.2f%% (best %.2f%%, fp %.2f%%), %s %s of %s%s",
            e.index(),
            cfg.episodes(),
            e.reward(),
            e.accuracy(),
            e.bestAccuracy(),
            reference,
            r.label(),
            r.format(e.cost()),
            r.format(env.limit()),
            e.finetuneSeconds() > 0
                ? String.format(", fine-tune %.1f s", e.finetuneSeconds())
                : "")));
    boolean stopped = out.stopped();
    List<List<Candidate>> ranked = new ArrayList<>();
    ranked.add(Recheck.ranked(out.episodes().stream()
        .map(e -> new Candidate("HAQ", e.policy(), cache.known(e.policy().bits()), e.cost()))
        .toList()));
    if (cfg.baselines() && !stopped) {
      try {
        ranked.add(HaqSearch.uniform(env, cache, cfg.threads(), Work::progress));
        ranked.add(HaqSearch.random(
            env, cache, cfg.episodes(), randomSeed(cfg), cfg.threads(), Work::progress));
      } catch (CancelledException c) {
        stopped = true;
      }
    }
    List<Candidate> picks = new ArrayList<>();
    for (List<Candidate> m : ranked) if (!m.isEmpty()) picks.add(m.get(0));
    List<Candidate> chosen = picks;
    double rechecking = 0;
    if (recheck.on() && !stopped) {
      ScoreCache again = new ScoreCache(more);
      try {
        chosen = new ArrayList<>();
        for (List<Candidate> m : ranked) {
          if (m.isEmpty()) continue;
          Work.progress("re-checking " + m.get(0).method() + "'s " + recheck.finalists()
              + " best policies on " + recheck.images() + " validation images");
          chosen.add(recheck.choose(m, again));
        }
        rechecking = again.seconds();
      } catch (CancelledException c) {
        stopped = true;
        chosen = picks;
      }
    }
    boolean rechecked = chosen != picks;
    List<Candidate> baselines = chosen.subList(1, chosen.size());
    if (stopped)
      Thread.interrupted(); // the interrupt was honoured: the search ended and keeps its best
    double total = (System.nanoTime() - start) / 1e9;
    Timing timing = new Timing(
        total,
        cache.seconds() + rechecking,
        out.agentSeconds(),
        cache.evaluations(),
        cache.hits(),
        cache.finetuneSeconds());
    Candidate best = rechecked ? chosen.get(0) : out.best();
    return new HaqResult(
        model.name(),
        pricing.targetName(),
        budget,
        env.limit(),
        env.eightBitCost(),
        reference,
        best,
        best.policy(),
        baselines,
        out.episodes(),
        pricing.layers(),
        cfg,
        stopped,
        timing,
        rechecked ? oracle.describe() + "; " + recheck : oracle.describe(),
        rechecked ? more.images() : oracle.images(),
        0,
        rechecked ? picks : List.of());
  }

  /**
   * HAQ's uniform baseline on its own: the most accurate policy with every layer at one pair that meets the
   * budget (one pair per weight width is scored: the widest activations that fit), on {@code cfg.threads()} threads.
   */
  public static Candidate uniform(
      Model model, Target target, Budget budget, HaqConfig cfg, AccuracyOracle oracle) {
    requireLayers(model);
    Environment env = environment(pricing(model, target, oracle), budget, cfg);
    return HaqSearch.first(
        HaqSearch.uniform(env, new ScoreCache(oracle), cfg.threads(), Work::progress));
  }

  /**
   * HAQ's random-search baseline on its own: {@code cfg.episodes()} uniformly random policies repaired to the
   * budget, drawn with the seed the search's baseline uses ({@code cfg.seed() + 1}), the most accurate kept.
   */
  public static Candidate random(
      Model model, Target target, Budget budget, HaqConfig cfg, AccuracyOracle oracle) {
    requireLayers(model);
    Environment env = environment(pricing(model, target, oracle), budget, cfg);
    return HaqSearch.first(HaqSearch.random(
        env,
        new ScoreCache(oracle),
        cfg.episodes(),
        randomSeed(cfg),
        cfg.threads(),
        Work::progress));
  }

  /**
   * The paper's model-size experiment: HAQ choosing each layer's weight width for k-means weight sharing
   * ({@link KMeansOracle}: Deep Compression's per-layer codebooks, centroids fine-tuned when {@code scoring}
   * fine-tunes, activations float, the look-up simulated in float) under a size budget that counts every codebook.
   * Ranked on the validation images; the chosen policies are then scored on the test images. The uniform baseline is
   * Deep Compression's choice, one width for every layer.
   */
  public static HaqResult kmeans(
      Model model, Dataset data, Budget budget, HaqConfig cfg, Scoring scoring) {
    requireLayers(model);
    if (budget.metric() != Budget.Metric.SIZE) {
      throw new HaqException("k-means weight sharing is searched under a size budget, got " + budget
          + "; use Budget.sizeBytes(...), sizeKib(...) or sizeOf8Bit(...).");
    }
    data = model.prepare(data);
    Inference.checkFits(model, data.train());
    if (scoring.finetune().on() && data.train().size() == 0) {
      throw new HaqException(
          "Fine-tuning the centroids trains on the data set's training part, and " + data.name()
              + " has no training images; turn fine-tuning off or give a data set with a training part.");
    }
    KMeansOracle oracle = new KMeansOracle(
        model, data.validation(scoring.evaluation()), data.train(), scoring.finetune(), cfg.seed());
    scoring.checkRecheckSeeds();
    AccuracyOracle more = null;
    if (scoring.recheck().on()) {
      Samples recheck = recheckImages(data, scoring);
      List<KMeansOracle> seeds = new ArrayList<>();
      for (int k = 0; k < scoring.recheck().seeds(); k++)
        seeds.add(new KMeansOracle(
            model, recheck, data.train(), scoring.finetune(), Recheck.fineTuneSeed(cfg.seed(), k)));
      more = seeds.size() == 1 ? seeds.get(0) : new MeanOracle(seeds);
    }
    HaqResult r = search(model, null, budget, cfg, oracle, scoring.recheck(), more);
    Samples test = data.test();
    r = r.withTest(policy -> oracle.accuracy(policy.bits(), test), test.size());
    String caveat =
        Inputs.validationCaveat(model.name(), model.metadata().get(Model.TRAINED_ON), data);
    return caveat.isEmpty() ? r : r.withScoring(r.scoring() + "; note: " + caveat);
  }

  /**
   * The validation images a re-check scores the finalists on: more than the search scored on, or a sentence saying
   * how many there are.
   */
  private static Samples recheckImages(Dataset data, Scoring scoring) {
    Samples all = data.validation();
    if (all.size() <= scoring.evaluation()) {
      throw new HaqException("Re-checking the finalists needs more validation images than the "
          + scoring.evaluation() + " the search scores on, and " + data.name() + " has "
          + all.size() + "; score the search on fewer images or turn the re-check off.");
    }
    return data.validation(scoring.recheck().images());
  }

  /** What the search prices: the oracle's stored widths, and codebooks in the size if its models share weights. */
  private static Pricing pricing(Model model, Target target, AccuracyOracle oracle) {
    Pricing p = Pricing.of(model, target, oracle.ptq());
    return oracle.sharesWeights() ? p.withCodebooks(true) : p;
  }

  private static Environment environment(Pricing pricing, Budget budget, HaqConfig cfg) {
    return new Environment(
        pricing,
        budget,
        cfg.minBits(),
        cfg.maxBits(),
        cfg.exploration().repair(),
        cfg.exploration().fill());
  }

  private static long randomSeed(HaqConfig cfg) {
    return cfg.seed() + 1;
  }

  private static void requireLayers(Model model) {
    if (model.layers().isEmpty()) {
      throw new HaqException("Model '" + model.name()
          + "' has no layer with weights (Conv or Linear): there is nothing to quantize; "
          + "HAQ needs at least one convolution or linear layer.");
    }
  }
}
