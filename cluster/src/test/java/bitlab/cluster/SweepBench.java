package bitlab.cluster;

import bitlab.dsl.Bitlab;
import bitlab.dsl.sweep.Runner;
import bitlab.dsl.sweep.Sweep;
import bitlab.dsl.sweep.SweepResult;
import bitlab.dsl.sweep.job.SweepRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./bitlab bench sweep [throughput|grid|all] [ROUNDS]}: sweeps on a standalone Spark cluster of
 * two one-core workers started on the loopback interface.
 *
 * <ul>
 *   <li>{@code throughput}: the same grid of HAQ jobs on one worker and on two, in alternating
 *       rounds (each round a fresh application, warmed up before it is timed): jobs per minute and the
 *       speed-up of two workers over one, round by round.</li>
 *   <li>{@code grid}: the cost of one job of each kind on each MNIST mini at the default scoring settings
 *       (1,000 validation images, 256 calibration images, full test split), measured on the cluster's
 *       one-core executors, and from it, on paper, the time of a grid of 4 models x 2 targets x 5 budgets x
 *       3 seeds with HAQ (100 episodes, 20 warm-up) and its two baselines on N workers.</li>
 * </ul>
 */
public final class SweepBench {
  private SweepBench() {}

  public static void main(String[] args) throws Exception {
    String what = args.length > 0 ? args[0] : "all";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    String flags = Files.readString(Path.of("/proc/cpuinfo"));
    System.out.printf(
        Locale.ROOT,
        "machine: %d cores seen by the JVM, %s; load average %.1f at start%n",
        Runtime.getRuntime().availableProcessors(),
        flags.contains(" avx512_vnni ")
            ? "AVX-512 VNNI"
            : flags.contains(" avx2 ") ? "AVX2 (no AVX-512 VNNI)" : "no AVX2",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    Path dir = Files.createTempDirectory("bitlab-sweep-bench");
    try (LocalCluster cluster = LocalCluster.start(dir, 2, 1500)) {
      System.out.println("cluster: " + cluster.master()
          + ", 2 workers of 1 core, executors of 1 GB (logs in " + dir + ")");
      if (what.equals("throughput") || what.equals("all")) throughput(cluster, rounds);
      if (what.equals("grid") || what.equals("all")) grid(cluster);
    } finally {
      Contexts.close();
    }
  }

  private static Runner on(LocalCluster c, int workers) {
    return Bitlab.spark(c.master())
        .conf("spark.driver.host", "127.0.0.1")
        .conf("spark.driver.bindAddress", "127.0.0.1")
        .conf("spark.executor.memory", "1g")
        .conf("spark.cores.max", Integer.toString(workers));
  }

  /**
   * Twelve HAQ jobs of LeNet-5 (16 episodes on 300 validation images), timed on one worker and on two, alternating; beside
   * them, as a control of what the machine gives at that moment, the same grid on one and two threads of this JVM.
   */
  private static void throughput(LocalCluster cluster, int rounds) {
    Sweep grid = Bitlab.sweep()
        .models("lenet5")
        .targets("bismo-edge")
        .latency(0.4, 0.5, 0.6)
        .methods("haq")
        .seeds(1, 2, 3, 4)
        .episodes(16)
        .warmup(4)
        .images(300, 128);
    Sweep warm = Bitlab.sweep()
        .models("lenet5")
        .targets("bismo-edge")
        .latency(0.5)
        .methods("haq")
        .seeds(11, 12)
        .episodes(8)
        .warmup(2)
        .images(300, 128);
    warm.on(Bitlab.threads(2)).run();
    System.out.println("\nthroughput: " + grid.jobs().size()
        + " HAQ jobs of lenet5 (16 episodes, 300 validation images); each Spark "
        + "application warmed up by a sweep of 2 jobs first");
    System.out.println("round  runner                 seconds  jobs/min  2 over 1");
    List<Double> spark = new ArrayList<>();
    List<Double> threads = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      double one = Double.NaN;
      for (int workers : new int[] {1, 2}) {
        warm.on(on(cluster, workers)).run();
        double t = timed(grid.on(on(cluster, workers)), grid);
        if (workers == 1) one = t;
        else spark.add(one / t);
        row(
            r,
            "Spark, " + workers + (workers == 1 ? " worker" : " workers"),
            t,
            grid,
            workers == 1 ? Double.NaN : one / t);
      }
      for (int n : new int[] {1, 2}) {
        double t = timed(grid.on(Bitlab.threads(n)), grid);
        if (n == 1) one = t;
        else threads.add(one / t);
        row(r, "threads, " + n, t, grid, n == 1 ? Double.NaN : one / t);
      }
    }
    Collections.sort(spark);
    Collections.sort(threads);
    System.out.printf(
        Locale.ROOT,
        "median speed-up of 2 over 1: Spark workers %.2fx (rounds %s), threads of one JVM %.2fx (rounds %s)%n",
        median(spark),
        ratios(spark),
        median(threads),
        ratios(threads));
  }

  private static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String ratios(List<Double> v) {
    return String.join(
        ", ", v.stream().map(x -> String.format(Locale.ROOT, "%.2fx", x)).toList());
  }

  private static double timed(Sweep s, Sweep grid) {
    long t = System.nanoTime();
    SweepResult r = s.run();
    if (r.rows().size() != grid.jobs().size()) throw new IllegalStateException("jobs failed: " + r);
    return (System.nanoTime() - t) / 1e9;
  }

  private static void row(int round, String runner, double seconds, Sweep grid, double speedup) {
    System.out.printf(
        Locale.ROOT,
        "%5d  %-21s  %7.1f  %8.2f  %s%n",
        round,
        runner,
        seconds,
        60 * grid.jobs().size() / seconds,
        Double.isNaN(speedup) ? "" : String.format(Locale.ROOT, "%.2fx", speedup));
  }

  /**
   * Per-job costs on one-core executors, from the time each row splits into scoring, agent and the rest, and the realistic grid's time
   * on N workers from them.
   */
  private static void grid(LocalCluster cluster) {
    List<String> models =
        List.of("lenet5", "resnet-mini", "mobilenet-v1-mini", "mobilenet-v2-mini");
    System.out.println(
        "\nper-job cost on a one-core executor (MNIST, 1,000 validation and 256 calibration images, 2,000 test images):");
    System.out.println(
        "model                random 16: s (policies)  haq 24, 8 warm-up: s (policies)  per policy s  agent per learning "
            + "episode s  rest of a job s");
    Map<String, double[]> cost = new LinkedHashMap<>();
    for (String m : models) {
      Sweep base = Bitlab.sweep().models(m).targets("bismo-edge").latency(0.5).images(1000, 256);
      base.methods("uniform")
          .on(on(cluster, 2))
          .run(); // warms both executors: inputs decoded, calibration observed
      SweepRow random =
          only(base.methods("random").seeds(1).episodes(16).on(on(cluster, 2)).run());
      SweepRow haq = only(
          base.methods("haq").seeds(1).episodes(24).warmup(8).on(on(cluster, 2)).run());
      double p = (random.scoringSeconds() + haq.scoringSeconds())
          / (random.policiesScored() + haq.policiesScored());
      double a = haq.agentSeconds() / 16;
      double f = (rest(random) + rest(haq)) / 2;
      cost.put(m, new double[] {f, p, a});
      System.out.printf(
          Locale.ROOT,
          "%-19s  %10.1f (%3d)  %24.1f (%3d)  %12.2f  %27.2f  %15.1f%n",
          m,
          random.seconds(),
          random.policiesScored(),
          haq.seconds(),
          haq.policiesScored(),
          p,
          a,
          f);
    }
    // the realistic grid: per model, 2 targets x 5 budgets x 3 seeds of HAQ (100 episodes, 20
    // warm-up; every episode counted as
    // a new policy, though repeats are served from the cache) and of random search (100 policies),
    // and the uniform baseline per
    // target and budget (it does not depend on the seed; at most 7 pairs scored)
    List<Double> jobs = new ArrayList<>();
    double total = 0;
    for (double[] c : cost.values()) {
      double haq = c[0] + 100 * c[1] + 80 * c[2];
      double random = c[0] + 100 * c[1];
      double uniform = c[0] + 7 * c[1];
      for (int i = 0; i < 2 * 5 * 3; i++) jobs.addAll(List.of(haq, random));
      for (int i = 0; i < 2 * 5; i++) jobs.add(uniform);
    }
    for (double j : jobs) total += j;
    System.out.printf(
        Locale.ROOT,
        "%nthe grid on paper: 4 models x 2 targets x 5 budgets x 3 seeds, HAQ and random search (100 episodes each) "
            + "and the uniform baseline: %d jobs, %.1f hours of one-core work; longest job %.0f s%n",
        jobs.size(),
        total / 3600,
        jobs.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    System.out.println("workers  hours (longest-job-first schedule)  hours if perfectly divided");
    jobs.sort(Collections.reverseOrder());
    for (int n : new int[] {1, 2, 4, 8, 16, 32, 64, 128, 280}) {
      double[] load = new double[n];
      for (double j : jobs) {
        int least = 0;
        for (int w = 1; w < n; w++) if (load[w] < load[least]) least = w;
        load[least] += j;
      }
      System.out.printf(
          Locale.ROOT,
          "%7d  %34.2f  %25.2f%n",
          n,
          Arrays.stream(load).max().orElse(0) / 3600,
          total / n / 3600);
    }
  }

  private static double rest(SweepRow r) {
    return Math.max(0, r.seconds() - r.scoringSeconds() - r.agentSeconds());
  }

  private static SweepRow only(SweepResult r) {
    if (r.rows().size() != 1) throw new IllegalStateException("the job failed: " + r);
    return r.rows().get(0);
  }
}
