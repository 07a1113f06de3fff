package bitlab.bench;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.dsl.haq.HaqCharts;
import bitlab.hardware.Bits;
import bitlab.hardware.Bound;
import bitlab.hardware.LayerCost;
import bitlab.hardware.LayerWorkload;
import bitlab.hardware.Target;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.BatchNormFolding;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.StoredWidths;
import bitlab.quant.kmeans.SharedWeights;
import bitlab.search.Budget;
import bitlab.search.haq.Candidate;
import bitlab.search.haq.DdpgConfig;
import bitlab.search.haq.Exploration;
import bitlab.search.haq.FineTune;
import bitlab.search.haq.Haq;
import bitlab.search.haq.HaqConfig;
import bitlab.search.haq.HaqResult;
import bitlab.search.haq.Repair;
import bitlab.search.haq.Scoring;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HAQ against its two baselines (the best uniform policy that fits, random search with as many scored policies) over
 * several seeds, on the validation images that ranked the policies and on the test images (final policies only):
 * one row per seed, then the mean and the range, and how often HAQ was ahead.
 *
 * <p>{@code haq-seeds MODEL EPISODES [key=value...]}: {@code seeds=1,2,3}, {@code target=bismo-edge}, {@code budget=0.5}
 * (a fraction of the all-8-bit cost), {@code metric=latency} (or {@code energy}), {@code kmeans=B} (instead: k-means
 * weight sharing under a size budget equal to every layer's weights shared at B bits, codebooks included; the uniform
 * baseline is then Deep Compression's one width for all layers), {@code eval=1000} scoring images, {@code calib=256}, {@code finetune=0} (steps per policy; or
 * {@code 0.25epoch}), {@code lr=1e-3}, {@code minbits=2} (the narrowest width the search may pick), {@code hidden=300}, {@code sigma=S} (default: the exploration's, 0.3 from the uniform frontier, 0.5 for the paper's), {@code decay=0.99}, {@code warmup=N},
 * {@code explore=uniform} (HAQ's default, {@link Exploration#FROM_UNIFORM}; or {@code paper}: HAQ as published), {@code repair=last} (or
 * {@code cheapest}; default: the exploration's), {@code fill=true|false} (spend what the repair leaves; default: the
 * exploration's), {@code baselines=true} ({@code false}: HAQ alone, for timing), {@code recheck=K} (each method's K
 * best policies scored again on {@code recheckimages=N} validation images, all of them by default, before it chooses,
 * averaged over {@code recheckseeds=S} fine-tune seeds (1 by default: the search's own):
 * {@link bitlab.search.haq.Recheck}; the tables then show each method's pick before and after), {@code pool=true}
 * (print every policy HAQ scored, one line each, for {@code haq-ceiling}). Each method's chosen policy is printed as
 * a {@code pick} line.
 * Every method is scored by the same oracle: with fine-tuning on, the baselines' policies are fine-tuned too. After
 * each seed, HAQ's best policy's mean bits per kind of layer (depthwise, pointwise, ...) and, priced on the target at
 * the widths the quantized model stores, how many layers of each kind are memory-bound and the geometric mean of
 * their bound ratio (the limiting time over the other one).
 */
public final class HaqSeedsBench {
  private HaqSeedsBench() {}

  public static void main(String[] args) {
    String name = args.length > 0 ? args[0] : "lenet5";
    int episodes = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 2; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq <= 0)
        throw new IllegalArgumentException("Settings are key=value, got '" + args[i] + "'.");
      opt.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    Dataset data = Datasets.mnist();
    Model net = Zoo.load(name);
    String ftArg = opt.getOrDefault("finetune", "0");
    FineTune ft = ftArg.endsWith("epoch")
        ? FineTune.epochs(Double.parseDouble(ftArg.replace("epoch", "")))
        : FineTune.steps(Integer.parseInt(ftArg));
    if (opt.containsKey("lr")) ft = ft.withLearningRate(Double.parseDouble(opt.get("lr")));
    Scoring scoring = Scoring.DEFAULT
        .withEvaluation(Integer.parseInt(opt.getOrDefault("eval", "1000")))
        .withCalibration(Integer.parseInt(opt.getOrDefault("calib", "256")))
        .withFinetune(ft);
    if (opt.containsKey("recheck")) {
      scoring = scoring.withRecheck(
          Integer.parseInt(opt.get("recheck")),
          Integer.parseInt(
              opt.getOrDefault("recheckimages", String.valueOf(data.validation().size()))),
          Integer.parseInt(opt.getOrDefault("recheckseeds", "1")));
    }
    String target = opt.getOrDefault("target", "bismo-edge");
    double fraction = Double.parseDouble(opt.getOrDefault("budget", "0.5"));
    Integer kmeans = opt.containsKey("kmeans") ? Integer.valueOf(opt.get("kmeans")) : null;
    Budget budget = kmeans != null
        ? Budget.sizeBytes(SharedWeights.bytes(
            BatchNormFolding.fold(net), uniformBits(net.layers().size(), kmeans)))
        : opt.getOrDefault("metric", "latency").equals("energy")
            ? Budget.energyOf8Bit(fraction)
            : Budget.latencyOf8Bit(fraction);
    // the default is HAQ's: the frontier start with noise 0.3; explore=paper gives the paper's with
    // its 0.5
    Exploration explore = Exploration.named(opt.getOrDefault("explore", "uniform"));
    DdpgConfig ddpg =
        explore.defaultDdpg().withHidden(Integer.parseInt(opt.getOrDefault("hidden", "300")));
    if (opt.containsKey("sigma") || opt.containsKey("decay")) {
      ddpg = ddpg.withNoise(
          Double.parseDouble(opt.getOrDefault("sigma", String.valueOf(ddpg.sigma()))),
          Double.parseDouble(opt.getOrDefault("decay", String.valueOf(ddpg.sigmaDecay()))));
    }
    if (opt.containsKey("repair")) {
      explore = explore.withRepair(
          opt.get("repair").equals("cheapest")
              ? Repair.Order.CHEAPEST
              : Repair.Order.LAST_LAYER_FIRST);
    }
    if (opt.containsKey("fill")) explore = explore.withFill(Boolean.parseBoolean(opt.get("fill")));
    boolean baselines = Boolean.parseBoolean(opt.getOrDefault("baselines", "true"));
    System.out.printf(
        "%s, %d episodes, %s on %s, %s; cores %d, load average %.1f at the start; settings %s%n",
        name,
        episodes,
        budget,
        kmeans != null ? "k-means weight sharing (no target: size only)" : target,
        ft.describe(data.train().size()),
        Runtime.getRuntime().availableProcessors(),
        HaqBench.load(),
        opt);
    List<double[]> rows = new ArrayList<>();
    List<double[]> before = new ArrayList<>();
    for (String s : opt.getOrDefault("seeds", "1,2,3").split(",")) {
      long seed = Long.parseLong(s.trim());
      HaqConfig cfg = HaqConfig.of(episodes, seed)
          .withDdpg(ddpg)
          .withExploration(explore)
          .withBaselines(baselines);
      if (opt.containsKey("warmup")) cfg = cfg.withWarmup(Integer.parseInt(opt.get("warmup")));
      if (opt.containsKey("minbits"))
        cfg = cfg.withBits(Integer.parseInt(opt.get("minbits")), cfg.maxBits());
      long t0 = System.nanoTime();
      HaqResult r = kmeans != null
          ? Haq.kmeans(net, data, budget, cfg, scoring)
          : Haq.search(net, data, Catalogue.builtIn().target(target), budget, cfg, scoring);
      double wall = (System.nanoTime() - t0) / 1e9;
      System.err.print("\r");
      System.out.print(r);
      Candidate u = r.baseline("uniform");
      Candidate rs = r.baseline("random");
      double haqSeconds = r.episodes().stream().mapToDouble(e -> e.seconds()).sum();
      System.out.printf(
          "seed %d: %.1f s wall%s; HAQ %.2f s per episode, fine-tuning %.2f s per policy%n",
          seed,
          wall,
          baselines ? " with baselines" : " (HAQ alone)",
          haqSeconds / r.episodes().size(),
          r.timing().finetunePerPolicy());
      System.out.print(origin(r));
      System.out.print(picks(r));
      if (Boolean.parseBoolean(opt.getOrDefault("pool", "false"))) {
        // every policy HAQ scored, for haq-ceiling to pool across seeds and methods
        for (var e : r.episodes())
          System.out.printf(
              "  pool episode %d: %.2f%% | %s%n",
              e.index(), e.accuracy(), compact(e.policy().bits()));
      }
      System.out.print(kinds(net, r, kmeans != null ? null : Catalogue.builtIn().target(target)));
      if (!baselines) continue;
      rows.add(new double[] {
        seed,
        r.accuracy(),
        r.testAccuracy(),
        u.accuracy(),
        u.test(),
        rs.accuracy(),
        rs.test(),
        r.cost() / r.eightBitCost(),
        u.cost() / r.eightBitCost(),
        wall
      });
      if (!r.unchecked().isEmpty()) {
        // each method's own pick before the re-check: validation on the search's images, test on
        // the test images
        List<Candidate> p = r.unchecked();
        before.add(new double[] {
          seed,
          p.get(0).accuracy(),
          p.get(0).test(),
          p.get(1).accuracy(),
          p.get(1).test(),
          p.get(2).accuracy(),
          p.get(2).test()
        });
      }
      System.out.printf(
          "| %d | %.2f / %.2f | %s %.2f / %.2f | %.2f / %.2f |%n",
          seed,
          r.accuracy(),
          r.testAccuracy(),
          u.method(),
          u.accuracy(),
          u.test(),
          rs.accuracy(),
          rs.test());
    }
    if (rows.isEmpty()) return;
    if (!before.isEmpty()) {
      System.out.println();
      System.out.println(
          "Before the re-check: each method's own pick, validation on the search's images, then test:");
      table(before);
      System.out.println();
      System.out.println("After the re-check (validation on the re-check's images):");
    }
    table(rows);
  }

  /** One row per seed (HAQ, uniform, random: validation / test, then the differences), the mean, and the count ahead. */
  private static void table(List<double[]> rows) {
    System.out.println();
    System.out.println(
        "| seed | HAQ val / test | uniform val / test | random val / test | HAQ - uniform val / test | HAQ - random val / test |");
    System.out.println("|---|---|---|---|---|---|");
    for (double[] r : rows) {
      System.out.printf(
          "| %d | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f | %+.2f / %+.2f | %+.2f / %+.2f |%n",
          (long) r[0],
          r[1],
          r[2],
          r[3],
          r[4],
          r[5],
          r[6],
          r[1] - r[3],
          r[2] - r[4],
          r[1] - r[5],
          r[2] - r[6]);
    }
    System.out.printf(
        "| mean | %s | %s | %s | %s | %s |%n",
        pair(rows, 1, 2),
        pair(rows, 3, 4),
        pair(rows, 5, 6),
        diff(rows, 1, 3, 2, 4),
        diff(rows, 1, 5, 2, 6));
    long aheadU =
        rows.stream().filter(r -> r[1] >= r[3] + 0.3 && r[2] >= r[4] + 0.3).count();
    long aheadR =
        rows.stream().filter(r -> r[1] >= r[5] + 0.3 && r[2] >= r[6] + 0.3).count();
    System.out.printf(
        "HAQ at least 0.3 points above uniform on both parts in %d of %d seeds, above random search in %d of %d%n",
        aheadU, rows.size(), aheadR, rows.size());
  }

  /** Where HAQ's best policy came from: the episode that first proposed it, and whether it is a uniform policy. */
  static String origin(HaqResult r) {
    var e = r.episodes().stream()
        .filter(x -> x.policy().equals(r.best().policy()))
        .findFirst()
        .orElse(null);
    boolean uniform = r.best().policy().bits().stream().distinct().count() == 1;
    return String.format(
        "  HAQ's best: %s, first proposed in episode %s (%s)%n",
        uniform ? "a uniform policy" : "a mixed policy",
        e == null ? "?" : String.valueOf(e.index()),
        e == null ? "?" : e.warmup() ? "warm-up" : "agent");
  }

  /**
   * Every method's chosen policy (and, after a re-check, each method's own pick), one line each, in the form
   * {@code haq-ceiling} reads back: so the policies a run chose can be scored again under other seeds and images.
   */
  static String picks(HaqResult r) {
    StringBuilder b = new StringBuilder();
    List<Candidate> chosen = new ArrayList<>();
    chosen.add(r.best());
    chosen.addAll(r.baselines());
    for (Candidate c : chosen) b.append(pickLine("chosen", c));
    for (Candidate c : r.unchecked()) b.append(pickLine("own pick", c));
    return b.toString();
  }

  private static String pickLine(String what, Candidate c) {
    return String.format(
        "  pick %s %s: %.2f%% | %s%n",
        what, c.method(), c.accuracy(), compact(c.policy().bits()));
  }

  /** A policy as {@code W/A W/A ...}, the form {@code HaqResult} prints and {@code haq-ceiling} parses. */
  static String compact(List<Bits> policy) {
    StringBuilder b = new StringBuilder();
    for (Bits x : policy) {
      if (b.length() > 0) b.append(' ');
      b.append(x.weights()).append('/').append(x.activations());
    }
    return b.toString();
  }

  private static int[] uniformBits(int layers, int bits) {
    int[] b = new int[layers];
    java.util.Arrays.fill(b, bits);
    return b;
  }

  /**
   * Per kind of layer: HAQ's mean weight and activation bits and, on the target (null: none), how many are
   * memory-bound under the policy at its stored widths and the geometric mean of their bound ratio.
   */
  static String kinds(Model net, HaqResult r, Target t) {
    List<Bits> policy = r.best().policy().bits();
    List<LayerWorkload> ws = net.workloads();
    List<LayerCost> costs = t == null
        ? null
        : t.cost(ws, policy, new StoredWidths(net, PtqConfig.DEFAULT).of(Policy.of(net, policy)))
            .layers();
    StringBuilder b = new StringBuilder();
    for (String kind : List.of("depthwise", "pointwise", "conv", "linear")) {
      int n = 0;
      int memory = 0;
      double w = 0;
      double a = 0;
      double ratio = 0;
      for (int i = 0; i < ws.size(); i++) {
        if (!HaqCharts.kind(ws.get(i)).equals(kind)) continue;
        n++;
        w += policy.get(i).weights();
        a += policy.get(i).activations();
        if (costs != null) {
          if (costs.get(i).bound() == Bound.MEMORY) memory++;
          ratio += Math.log(costs.get(i).boundRatio());
        }
      }
      if (n == 0) continue;
      b.append(String.format("  %-9s %2d layers: mean W%.2f A%.2f", kind, n, w / n, a / n));
      if (costs != null)
        b.append(String.format(
            "; %d memory-bound, bound x%.1f (geometric mean)", memory, Math.exp(ratio / n)));
      b.append('\n');
    }
    return b.toString();
  }

  private static String pair(List<double[]> rows, int a, int b) {
    return String.format(
        "%.2f / %.2f (range %.2f-%.2f / %.2f-%.2f)",
        mean(rows, a), mean(rows, b), min(rows, a), max(rows, a), min(rows, b), max(rows, b));
  }

  private static String diff(List<double[]> rows, int a, int b, int c, int d) {
    return String.format(
        "%+.2f / %+.2f", mean(rows, a) - mean(rows, b), mean(rows, c) - mean(rows, d));
  }

  private static double mean(List<double[]> rows, int k) {
    return rows.stream().mapToDouble(r -> r[k]).average().orElse(Double.NaN);
  }

  private static double min(List<double[]> rows, int k) {
    return rows.stream().mapToDouble(r -> r[k]).min().orElse(Double.NaN);
  }

  private static double max(List<double[]> rows, int k) {
    return rows.stream().mapToDouble(r -> r[k]).max().orElse(Double.NaN);
  }
}
