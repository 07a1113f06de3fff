package bitlab.bench;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.data.Samples;
import bitlab.hardware.Bits;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.QuantizedModel;
import bitlab.search.Budget;
import bitlab.search.haq.AccuracyOracle;
import bitlab.search.haq.Exploration;
import bitlab.search.haq.FineTune;
import bitlab.search.haq.Haq;
import bitlab.search.haq.HaqConfig;
import bitlab.search.haq.PtqOracle;
import bitlab.search.haq.Score;
import bitlab.search.haq.Scoring;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How far above the baselines can any policy that fits be? The ceiling of a latency-budgeted search, measured rather
 * than argued: a pool of policies (the uniform frontier, a long random search scored as the searches score, and the
 * policies that {@code haq-seeds ... pool=true} runs printed), its best few by their search score, and every method's
 * pick, each scored again under several fine-tune seeds on all validation images (in three disjoint parts) and on the
 * test images. The table then says what each finalist is worth on average, how much one score moves with the
 * fine-tune seed and with the images, and how far the best finalist is above the picks of each method.
 *
 * <p>{@code haq-ceiling MODEL [key=value...]}: {@code target=bismo-edge}, {@code budget=0.5}, {@code random=60} (the long
 * random search's policies, scored on {@code eval=500} validation images with fine-tune seed {@code searchseed=1}; 0 for
 * none), {@code finalists=8} (how many of the pool's best by search score are re-scored), {@code seeds=1,2,3} (the
 * fine-tune seeds of the re-scoring), {@code finetune=8}, {@code logs=FILE,FILE} ({@code haq-seeds} output to read
 * {@code pick} and {@code pool} lines from).
 */
public final class HaqCeilingBench {
  private HaqCeilingBench() {}

  private static final Pattern LINE = Pattern.compile(
      "^\\s*(pick (?:chosen|own pick) (\\S+(?: \\S+)?)|pool episode \\d+): ([0-9.]+)% \\| ([0-9/ ]+)$");

  /** One policy in the pool: where it came from and its best search score seen. */
  private static final class Entry {
    final List<Bits> policy;
    final java.util.Set<String> tags = new java.util.TreeSet<>();
    double search = Double.NEGATIVE_INFINITY;
    boolean pick;

    Entry(List<Bits> policy) {
      this.policy = policy;
    }
  }

  public static void main(String[] args) {
    String name = args.length > 0 ? args[0] : "mobilenet-v2-mini";
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq <= 0)
        throw new IllegalArgumentException("Settings are key=value, got '" + args[i] + "'.");
      opt.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    Model net = Zoo.load(name);
    Dataset data = net.prepare(Datasets.mnist());
    String target = opt.getOrDefault("target", "bismo-edge");
    Budget budget = Budget.latencyOf8Bit(Double.parseDouble(opt.getOrDefault("budget", "0.5")));
    FineTune ft = FineTune.steps(Integer.parseInt(opt.getOrDefault("finetune", "8")));
    Scoring scoring =
        Scoring.DEFAULT.withEvaluation(Integer.parseInt(opt.getOrDefault("eval", "500")));
    Samples calib = data.calibration(scoring.calibration());
    Samples val = data.validation();
    Samples test = data.test();
    int randomN = Integer.parseInt(opt.getOrDefault("random", "60"));
    int finalists = Integer.parseInt(opt.getOrDefault("finalists", "8"));
    long searchSeed = Long.parseLong(opt.getOrDefault("searchseed", "1"));
    System.out.printf(
        "haq-ceiling %s on %s, %s; cores %d, load average %.1f at the start; settings %s%n",
        name, target, budget, Runtime.getRuntime().availableProcessors(), HaqBench.load(), opt);

    Map<String, Entry> pool = new LinkedHashMap<>();
    // the long random search and the uniform frontier, scored as a search scores (500 images, one
    // fine-tune seed)
    Map<List<Bits>, Double> scored = new ConcurrentHashMap<>();
    PtqOracle searchOracle = new PtqOracle(
        net,
        calib,
        data.validation(scoring.evaluation()),
        scoring.ptq(),
        scoring.integer(),
        data.train(),
        ft,
        searchSeed);
    AccuracyOracle recording = new AccuracyOracle() {
      @Override
      public double reference() {
        return searchOracle.reference();
      }

      @Override
      public double accuracy(List<Bits> policy) {
        return score(policy).accuracy();
      }

      @Override
      public Score score(List<Bits> policy) {
        Score s = searchOracle.score(policy);
        scored.put(List.copyOf(policy), s.accuracy());
        return s;
      }

      @Override
      public bitlab.quant.PtqConfig ptq() {
        return searchOracle.ptq();
      }

      @Override
      public int images() {
        return searchOracle.images();
      }
    };
    HaqConfig cfg = HaqConfig.of(Math.max(randomN, 1), 100 + searchSeed)
        .withExploration(Exploration.FROM_UNIFORM);
    var t = Catalogue.builtIn().target(target);
    long t0 = System.nanoTime();
    Haq.uniform(net, t, budget, cfg, recording);
    Map<List<Bits>, Double> uniform = new LinkedHashMap<>(scored);
    for (var e : uniform.entrySet()) add(pool, e.getKey(), "uniform frontier", e.getValue(), false);
    if (randomN > 0) {
      Haq.random(net, t, budget, cfg, recording);
      for (var e : scored.entrySet()) {
        if (!uniform.containsKey(e.getKey()))
          add(pool, e.getKey(), "long random", e.getValue(), false);
      }
    }
    System.out.printf(
        "pool: %d uniform and %d random policies scored in %.1f s%n",
        uniform.size(), scored.size() - uniform.size(), (System.nanoTime() - t0) / 1e9);
    for (String f : opt.getOrDefault("logs", "").split(",")) {
      if (f.isBlank()) continue;
      read(Path.of(f.trim()), pool);
    }

    // the finalists: the pool's best by search score, every method's pick, the best uniform policy
    List<Entry> byScore = new ArrayList<>(pool.values());
    byScore.sort(Comparator.comparingDouble((Entry e) -> -e.search));
    List<Entry> chosen = new ArrayList<>();
    for (Entry e : byScore) if (chosen.size() < finalists && !e.pick) chosen.add(e);
    for (Entry e : byScore) if (e.pick && !chosen.contains(e)) chosen.add(e);
    for (Entry e : byScore)
      if (e.tags.contains("uniform frontier") && !chosen.contains(e)) {
        chosen.add(e);
        break;
      }
    System.out.printf(
        "pool of %d distinct policies; %d finalists re-scored on %d validation images (3 parts) and %d test images%n",
        pool.size(), chosen.size(), val.size(), test.size());

    String[] seedList = opt.getOrDefault("seeds", "1,2,3").split(",");
    int n = seedList.length;
    int third = 500;
    Samples[] parts = {
      val.subset(0, third), val.subset(third, 2 * third), val.subset(2 * third, val.size())
    };
    List<PtqOracle> oracles = new ArrayList<>();
    for (String s : seedList) {
      oracles.add(new PtqOracle(
          net,
          calib,
          val,
          scoring.ptq(),
          scoring.integer(),
          data.train(),
          ft,
          Long.parseLong(s.trim())));
    }
    List<double[]> rows =
        new ArrayList<>(); // per finalist: val per seed, test per seed, part spread
    System.out.println();
    System.out.println(
        "| policy | from | search score | validation per seed | test per seed | validation mean | test mean | parts' sd |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (Entry e : chosen) {
      double[] v = new double[n];
      double[] te = new double[n];
      double partSd = 0;
      for (int i = 0; i < n; i++) {
        PtqOracle o = oracles.get(i);
        QuantizedModel q = o.quantize(e.policy);
        double[] p = new double[parts.length];
        double correct = 0;
        for (int k = 0; k < parts.length; k++) {
          p[k] = o.accuracy(q, parts[k]);
          correct += p[k] * parts[k].size();
        }
        v[i] = correct / val.size();
        te[i] = o.accuracy(q, test);
        partSd += sd(p) / n;
      }
      double[] row = new double[2 * n + 1];
      System.arraycopy(v, 0, row, 0, n);
      System.arraycopy(te, 0, row, n, n);
      row[2 * n] = partSd;
      rows.add(row);
      System.out.printf(
          "| %s | %s | %.2f | %s | %s | %.2f | %.2f | %.2f |%n",
          HaqSeedsBench.compact(e.policy),
          String.join(", ", e.tags),
          e.search,
          list(v),
          list(te),
          mean(v),
          mean(te),
          partSd);
    }

    // the summary: the best finalist on validation (never test), against each method's picks
    int best = 0;
    for (int i = 1; i < rows.size(); i++)
      if (mean(java.util.Arrays.copyOf(rows.get(i), n))
          > mean(java.util.Arrays.copyOf(rows.get(best), n))) best = i;
    double bestVal = mean(java.util.Arrays.copyOf(rows.get(best), n));
    double bestTest = mean(java.util.Arrays.copyOfRange(rows.get(best), n, 2 * n));
    System.out.println();
    System.out.printf(
        "best finalist on validation (mean over %d fine-tune seeds): %s, %.2f / %.2f (validation / test)%n",
        n, HaqSeedsBench.compact(chosen.get(best).policy), bestVal, bestTest);
    double seedSd = 0;
    double partSd = 0;
    for (double[] r : rows) {
      seedSd += sd(java.util.Arrays.copyOf(r, n)) / rows.size();
      partSd += r[2 * n] / rows.size();
    }
    System.out.printf(
        "noise of one score: sd over fine-tune seeds %.2f points (1,600 images), sd over three ~530-image parts %.2f"
            + " points (one seed), averaged over the finalists%n",
        seedSd, partSd);
    // each method's chosen pick per search seed (read from the haq-seeds output), worth its mean
    // over the fine-tune
    // seeds; and, per seed, what an oracle choosing among the finalists on that seed's validation
    // images gets
    List<Long> seeds = new ArrayList<>();
    for (String s : seedList) seeds.add(Long.parseLong(s.trim()));
    double[] oracleGap = new double[2];
    int oracleSeeds = 0;
    for (String method : List.of("HAQ", "uniform", "random search")) {
      double mv = 0;
      double mt = 0;
      int k = 0;
      for (int i = 0; i < n; i++) {
        String key = CHOSEN.get(seeds.get(i) + " " + method);
        int at = indexOf(chosen, key);
        if (at < 0) continue;
        mv += mean(java.util.Arrays.copyOf(rows.get(at), n));
        mt += mean(java.util.Arrays.copyOfRange(rows.get(at), n, 2 * n));
        k++;
      }
      if (k == 0) continue;
      System.out.printf(
          "%s's chosen picks (%d seeds), each its mean over the fine-tune seeds: %.2f / %.2f; the best finalist is"
              + " %+.2f / %+.2f above them%n",
          method, k, mv / k, mt / k, bestVal - mv / k, bestTest - mt / k);
    }
    for (int i = 0; i < n; i++) {
      int at = indexOf(chosen, CHOSEN.get(seeds.get(i) + " random search"));
      if (at < 0) continue;
      int top = 0;
      for (int j = 1; j < rows.size(); j++) if (rows.get(j)[i] > rows.get(top)[i]) top = j;
      double dv = rows.get(top)[i] - rows.get(at)[i];
      double dt = rows.get(top)[n + i] - rows.get(at)[n + i];
      oracleGap[0] += dv;
      oracleGap[1] += dt;
      oracleSeeds++;
      System.out.printf(
          "seed %d, as the target measures it: the finalist best on this seed's validation %.2f / %.2f, random"
              + " search's pick %.2f / %.2f: %+.2f / %+.2f%n",
          seeds.get(i),
          rows.get(top)[i],
          rows.get(top)[n + i],
          rows.get(at)[i],
          rows.get(at)[n + i],
          dv,
          dt);
    }
    if (oracleSeeds > 0)
      System.out.printf(
          "mean over seeds: an oracle choosing among the finalists is %+.2f / %+.2f above random search's pick%n",
          oracleGap[0] / oracleSeeds, oracleGap[1] / oracleSeeds);
  }

  /** Per {@code "SEED METHOD"}: the policy (compact) each method chose in that seed's search, from the logs read. */
  private static final Map<String, String> CHOSEN = new java.util.HashMap<>();

  private static final Pattern SEED = Pattern.compile("^seed (\\d+): .* wall.*$");

  private static int indexOf(List<Entry> chosen, String key) {
    if (key == null) return -1;
    for (int i = 0; i < chosen.size(); i++)
      if (HaqSeedsBench.compact(chosen.get(i).policy).equals(key)) return i;
    return -1;
  }

  private static void add(
      Map<String, Entry> pool, List<Bits> policy, String tag, double score, boolean pick) {
    String key = HaqSeedsBench.compact(policy);
    Entry e = pool.computeIfAbsent(key, k -> new Entry(List.copyOf(policy)));
    e.tags.add(tag);
    e.search = Math.max(e.search, score);
    e.pick |= pick;
  }

  /** {@code pick} and {@code pool} lines of {@code haq-seeds} output. */
  private static void read(Path file, Map<String, Entry> pool) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    String seed = null;
    for (String l : lines) {
      Matcher sm = SEED.matcher(l);
      if (sm.matches()) seed = sm.group(1);
      Matcher m = LINE.matcher(l);
      if (!m.matches()) continue;
      List<Bits> p = new ArrayList<>();
      for (String wa : m.group(4).trim().split(" ")) {
        String[] x = wa.split("/");
        p.add(new Bits(Integer.parseInt(x[0]), Integer.parseInt(x[1])));
      }
      boolean pick = m.group(2) != null;
      String tag = pick ? "pick " + m.group(2) : "HAQ episode";
      add(pool, p, tag, Double.parseDouble(m.group(3)), pick);
      if (pick && seed != null && l.contains("pick chosen ")) {
        String method = m.group(2).startsWith("uniform") ? "uniform" : m.group(2);
        CHOSEN.put(seed + " " + method, HaqSeedsBench.compact(p));
      }
    }
  }

  private static String list(double[] v) {
    StringBuilder b = new StringBuilder();
    for (double x : v) b.append(b.length() == 0 ? "" : " ").append(String.format("%.2f", x));
    return b.toString();
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) s += x;
    return s / v.length;
  }

  private static double sd(double[] v) {
    double m = mean(v);
    double s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return v.length > 1 ? Math.sqrt(s / (v.length - 1)) : 0;
  }
}
