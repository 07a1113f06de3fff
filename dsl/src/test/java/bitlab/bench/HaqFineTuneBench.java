package bitlab.bench;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.hardware.Bits;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.PtqConfig;
import bitlab.search.Budget;
import bitlab.search.haq.Environment;
import bitlab.search.haq.FineTune;
import bitlab.search.haq.Pricing;
import bitlab.search.haq.PtqOracle;
import bitlab.search.haq.Score;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * How much fine-tuning HAQ's reward needs: the same policies (random ones repaired to the budget, as HAQ's warm-up
 * and random search draw them, plus uniform W4A4 and W3A3) scored after 0, 8, 16, ... steps of fine-tuning, on the
 * validation images: the mean accuracy, the seconds per policy, and how well each ranking agrees with the longest
 * fine-tune's (Spearman's rank correlation), which stands for what a policy is worth once trained properly.
 *
 * <p>{@code haq-finetune MODEL [key=value...]}: {@code policies=8}, {@code steps=0,8,16,32,64}, {@code eval=1000},
 * {@code target=bismo-edge}, {@code budget=0.5}, {@code lr=1e-3}, {@code seed=1}.
 */
public final class HaqFineTuneBench {
  private HaqFineTuneBench() {}

  public static void main(String[] args) {
    String name = args.length > 0 ? args[0] : "lenet5";
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      opt.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    Dataset data = Datasets.mnist();
    Model net = Zoo.load(name);
    Dataset d = net.prepare(data);
    int count = Integer.parseInt(opt.getOrDefault("policies", "8"));
    long seed = Long.parseLong(opt.getOrDefault("seed", "1"));
    double lr = Double.parseDouble(opt.getOrDefault("lr", "1e-3"));
    Environment env = new Environment(
        Pricing.of( // as the search prices policies: tensors at the widths they are stored at
            net,
            Catalogue.builtIn().target(opt.getOrDefault("target", "bismo-edge")),
            PtqConfig.DEFAULT),
        Budget.latencyOf8Bit(Double.parseDouble(opt.getOrDefault("budget", "0.5"))),
        2,
        8);
    List<List<Bits>> policies = new ArrayList<>();
    policies.add(java.util.Collections.nCopies(env.layers(), new Bits(4, 4)));
    policies.add(java.util.Collections.nCopies(env.layers(), new Bits(3, 3)));
    Random rng = new Random(seed);
    while (policies.size() < count) {
      int[] w = new int[env.layers()];
      int[] a = new int[env.layers()];
      for (int i = 0; i < w.length; i++) {
        w[i] = env.bits(rng.nextDouble());
        a[i] = env.bits(rng.nextDouble());
      }
      policies.add(env.finish(w, a).policy().bits());
    }
    System.out.printf(
        "%s: %d policies, settings %s, cores %d, load average %.1f%n",
        name, policies.size(), opt, Runtime.getRuntime().availableProcessors(), HaqBench.load());
    List<Integer> steps = new ArrayList<>();
    for (String s : opt.getOrDefault("steps", "0,8,16,32,64").split(","))
      steps.add(Integer.parseInt(s.trim()));
    double[][] acc = new double[steps.size()][policies.size()];
    double[] seconds = new double[steps.size()];
    for (int k = 0; k < steps.size(); k++) {
      FineTune ft = FineTune.steps(steps.get(k)).withLearningRate(lr);
      PtqOracle o = new PtqOracle(
          net,
          d.calibration(256),
          d.validation(Integer.parseInt(opt.getOrDefault("eval", "1000"))),
          PtqConfig.DEFAULT,
          true,
          d.train(),
          ft,
          seed);
      long t0 = System.nanoTime();
      for (int p = 0; p < policies.size(); p++) {
        Score s = o.score(policies.get(p));
        acc[k][p] = s.accuracy();
      }
      seconds[k] = (System.nanoTime() - t0) / 1e9 / policies.size();
      System.err.print("\r");
      StringBuilder b = new StringBuilder();
      for (double a : acc[k]) b.append(String.format(" %6.2f", a));
      System.out.printf(
          "steps %3d: %.2f s per policy (scoring included, fine-tuning %.2f s):%s%n",
          steps.get(k), seconds[k], o.finetuneSeconds() / Math.max(1, o.finetuned()), b);
    }
    int last = steps.size() - 1;
    System.out.println();
    System.out.println(
        "| fine-tuning steps | mean validation % | min | s per policy | rank correlation with "
            + steps.get(last) + " steps |");
    System.out.println("|---|---|---|---|---|");
    for (int k = 0; k < steps.size(); k++) {
      System.out.printf(
          "| %d | %.2f | %.2f | %.2f | %.3f |%n",
          steps.get(k),
          java.util.Arrays.stream(acc[k]).average().orElse(0),
          java.util.Arrays.stream(acc[k]).min().orElse(0),
          seconds[k],
          spearman(acc[k], acc[last]));
    }
  }

  /** Spearman's rank correlation (average ranks for ties). */
  static double spearman(double[] x, double[] y) {
    double[] rx = ranks(x), ry = ranks(y);
    double mx = java.util.Arrays.stream(rx).average().orElse(0),
        my = java.util.Arrays.stream(ry).average().orElse(0);
    double sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (rx[i] - mx) * (ry[i] - my);
      sxx += (rx[i] - mx) * (rx[i] - mx);
      syy += (ry[i] - my) * (ry[i] - my);
    }
    return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
  }

  private static double[] ranks(double[] v) {
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      int less = 0, equal = 0;
      for (double w : v) {
        if (w < v[i]) less++;
        else if (w == v[i]) equal++;
      }
      r[i] = less + (equal + 1) / 2.0;
    }
    return r;
  }
}
