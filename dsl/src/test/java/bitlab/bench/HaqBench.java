package bitlab.bench;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.data.Samples;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.model.Model;
import bitlab.model.ParamsFile;
import bitlab.model.Zoo;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantizedModel;
import bitlab.search.Budget;
import bitlab.search.haq.Candidate;
import bitlab.search.haq.Episode;
import bitlab.search.haq.Haq;
import bitlab.search.haq.HaqConfig;
import bitlab.search.haq.HaqResult;
import bitlab.search.haq.PtqOracle;
import bitlab.search.haq.Scoring;
import bitlab.train.TrainConfig;
import bitlab.train.Trainer;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HAQ at a latency budget on a target (default 0.6 of the 8-bit latency on bismo-edge): the search,
 * the baselines (best uniform policy, random search with as many episodes), the time per episode and
 * where it goes (one PTQ scoring split into calibration, quantization and evaluation), and the test-split
 * accuracy of the three final policies (chosen on held-out training images; the test split only reports).
 *
 * <p>{@code HaqBench MODEL EPISODES [WEIGHTS] [key=value...]}: WEIGHTS is a .params.gz file, {@code train:N}
 * to train N epochs here first, {@code random} for timing only, or {@code zoo} (the default: the shipped
 * weights). Settings: {@code eval=N} scoring images (1000), {@code warmup=N}, {@code explore=uniform} (HAQ's default;
 * {@code paper}: HAQ as published), {@code sigma=S} and {@code decay=D} (exploration noise; default the exploration's), {@code seed=S}, {@code budget=F} (latency fraction, 0.6),
 * {@code target=NAME}, {@code baselines=false}, {@code trace=true} (one line per episode), {@code scorer=simulated}
 * (score with the fake-quantized float graph instead of the integer-only executor; the test-split figures use the same).
 *
 * <p>Times are wall-clock and process CPU seconds; the load average says how much of the machine
 * the run had (on 2 cores, a load above 2 means other work shared them).
 */
public final class HaqBench {
  private HaqBench() {}

  static double cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  /** Peak resident memory of this process in GiB (Linux), or NaN. */
  static double peakGiB() {
    try {
      for (String l : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmHWM:"))
          return Long.parseLong(l.replaceAll("[^0-9]", "")) / (1024.0 * 1024.0);
      }
    } catch (java.io.IOException | NumberFormatException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  static double load() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  static String compact(List<bitlab.hardware.Bits> p) {
    StringBuilder b = new StringBuilder();
    for (bitlab.hardware.Bits x : p)
      b.append(b.length() == 0 ? "" : " ").append(x.weights()).append('/').append(x.activations());
    return b.toString();
  }

  public static void main(String[] args) throws java.io.IOException {
    String name = args.length > 0 ? args[0] : "mobilenet-v2-mini";
    int episodes = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    String weights = "zoo";
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 2; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq > 0) opt.put(args[i].substring(0, eq), args[i].substring(eq + 1));
      else weights = args[i];
    }
    Dataset data = Datasets.mnist();
    Model net;
    if (weights.equals("zoo")) {
      net = Zoo.load(name);
    } else if (weights.equals("random")) {
      net = Zoo.architecture(name, 28, 1.0, 0);
      System.out.println("weights: seeded random (timing only: accuracies are chance level)");
    } else if (weights.startsWith("train:")) {
      int epochs = Integer.parseInt(weights.substring(6));
      long t = System.nanoTime();
      net = Trainer.train(
              Zoo.architecture(name, 28, 1.0, 1),
              data,
              TrainConfig.adam(epochs, 1).withLearningRate(3e-3))
          .model();
      System.out.printf(
          "weights: trained here for %d epoch(s) in %.0f s (not the zoo's)%n",
          epochs, (System.nanoTime() - t) / 1e9);
    } else {
      net = Zoo.architecture(name, 28, 1.0, 0)
          .withParams(ParamsFile.read(Path.of(weights)).params());
      System.out.println("weights: " + weights);
    }
    long seed = Long.parseLong(opt.getOrDefault("seed", "1"));
    Scoring scoring = Scoring.DEFAULT
        .withEvaluation(Integer.parseInt(opt.getOrDefault("eval", "1000")))
        .withInteger(!opt.getOrDefault("scorer", "integer").equals("simulated"));
    HaqConfig cfg = HaqConfig.of(
            episodes,
            seed,
            bitlab.search.haq.Exploration.named(opt.getOrDefault("explore", "uniform")))
        .withBaselines(Boolean.parseBoolean(opt.getOrDefault("baselines", "true")));
    if (opt.containsKey("warmup")) cfg = cfg.withWarmup(Integer.parseInt(opt.get("warmup")));
    if (opt.containsKey("sigma") || opt.containsKey("decay")) {
      cfg = cfg.withDdpg(cfg.ddpg()
          .withNoise(
              Double.parseDouble(
                  opt.getOrDefault("sigma", String.valueOf(cfg.ddpg().sigma()))),
              Double.parseDouble(
                  opt.getOrDefault("decay", String.valueOf(cfg.ddpg().sigmaDecay())))));
    }
    String target = opt.getOrDefault("target", "bismo-edge");
    Budget budget = Budget.latencyOf8Bit(Double.parseDouble(opt.getOrDefault("budget", "0.6")));
    System.out.printf(
        "%s: %d quantizable layers; %d cores, load average %.1f at the start; settings %s%n",
        name, net.layers().size(), Runtime.getRuntime().availableProcessors(), load(), opt);

    // One scoring, split into its parts: the first calibrates, later ones reuse the observations.
    Samples eval = data.validation(scoring.evaluation());
    Samples calib = data.calibration(scoring.calibration());
    double w0 = System.nanoTime() / 1e9;
    double cpu0 = cpu();
    PtqOracle oracle = new PtqOracle(net, calib, eval, PtqConfig.DEFAULT, scoring.integer());
    System.out.printf(
        "calibration on %d images (once per search): %.2f s (%.2f s CPU); policies scored by %s%n",
        calib.size(),
        System.nanoTime() / 1e9 - w0,
        cpu() - cpu0,
        oracle.integer() ? "the integer-only executor" : "the fake-quantized simulation");
    for (int round = 0; round < 3; round++) {
      List<bitlab.hardware.Bits> p = java.util.Collections.nCopies(
          net.layers().size(), new bitlab.hardware.Bits(4 + round, 6));
      double t0 = System.nanoTime() / 1e9;
      double k0 = cpu();
      QuantizedModel q = oracle.quantize(p);
      double t1 = System.nanoTime() / 1e9;
      double k1 = cpu();
      double acc = oracle.accuracy(q, eval);
      System.out.printf(
          "one scoring (W%dA6): quantize %.2f s (%.2f s CPU), %s %d images %.2f s (%.2f s CPU), accuracy %.2f%%%n",
          4 + round,
          t1 - t0,
          k1 - k0,
          oracle.integer() ? "compile + run integer-only on" : "build graph + evaluate",
          eval.size(),
          System.nanoTime() / 1e9 - t1,
          cpu() - k1,
          acc);
    }

    double c0 = cpu();
    long start = System.nanoTime();
    HaqResult r = Haq.search(net, data, Catalogue.builtIn().target(target), budget, cfg, scoring);
    double wall = (System.nanoTime() - start) / 1e9;
    double cpuAll = cpu() - c0;
    System.err.print("\r");
    if (Boolean.parseBoolean(opt.getOrDefault("trace", "false"))) {
      for (Episode e : r.episodes()) {
        System.out.printf(
            "  episode %3d %s acc %6.2f%% reward %7.3f cost %.3f of 8-bit, %2d repair cuts, sigma %s%s: %s%n",
            e.index(),
            e.warmup() ? "warm-up" : "agent  ",
            e.accuracy(),
            e.reward(),
            e.cost() / r.eightBitCost(),
            e.repairs(),
            Double.isNaN(e.sigma()) ? "  -  " : String.format("%.3f", e.sigma()),
            e.cached() ? " (cached)" : "",
            compact(e.policy().bits()));
      }
    }
    System.out.print(r);
    double haqSeconds = r.episodes().stream().mapToDouble(Episode::seconds).sum();
    System.out.printf(
        "HAQ search: %d episodes in %.1f s (%.2f s per episode); search and baselines %.1f s wall, %.1f s CPU; "
            + "load average %.1f at the end; peak resident memory %.1f GiB%n",
        r.episodes().size(),
        haqSeconds,
        haqSeconds / r.episodes().size(),
        wall,
        cpuAll,
        load(),
        peakGiB());
    List<Candidate> finals = new ArrayList<>(List.of(r.best()));
    finals.addAll(r.baselines());
    StringBuilder line = new StringBuilder("on the scoring images:");
    StringBuilder test =
        new StringBuilder("on the " + data.test().size() + " test images (final policies only):");
    for (Candidate c : finals) {
      line.append(String.format(" %s %.2f%%;", c.method(), c.accuracy()));
      double t = oracle.accuracy(oracle.quantize(c.policy().bits()), data.test());
      test.append(String.format(" %s %.2f%%;", c.method(), t));
    }
    System.out.println(line);
    System.out.println(test);
    Candidate u = r.baseline("uniform");
    Candidate rs = r.baseline("random");
    if (u != null && rs != null) {
      System.out.printf(
          "HAQ %.2f%% vs best uniform %.2f%% (%s) vs random search %.2f%%: HAQ >= uniform %s, HAQ >= random %s%n",
          r.accuracy(),
          u.accuracy(),
          u.method(),
          rs.accuracy(),
          r.accuracy() >= u.accuracy(),
          r.accuracy() >= rs.accuracy());
    }
  }
}
