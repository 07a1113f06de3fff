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
    System.out.printf(Locale.ROOT, "machine: %d cores seen by the JVM, %s; load average %.1f at start%n", Runtime.getRuntime().availableProcessors(),
        flags.contains(" avx512_vnni ") ? "AVX-512 VNNI" : flags.contains(" avx2 ") ? "AVX2 (no AVX-512 VNNI)" : "no AVX2",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    Path dir = Files.createTempDirectory("bitlab-sweep-bench");
    try (LocalCluster cluster = LocalCluster.start(dir, 2, 1500)) {
      System.out.println("cluster: " + cluster.master() + ", 2 workers of 1 core, executors of 1 GB (logs in " + dir + ")");
      if (what.equals("throughput") || what.equals("all")) throughput(cluster, rounds);
      if (what.equals("grid") || what.equals("all")) grid(cluster);
    } finally {
      Contexts.close();
    }
  }

  private static Runner on(LocalCluster c, int workers) {
    return Bitlab.spark(c.master()).conf("spark.driver.host", "127.0.0.1").conf("spark.driver.bindAddress", "127.0.0.1")
        .conf("spark.executor.memory", "1g").conf("spark.cores.max", Integer.toString(workers));
  }

  /** Twelve HAQ jobs of LeNet-5 (16 episodes on 300 validation images), timed on one worker and on two, alternating. */
  private static void throughput(LocalCluster cluster, int rounds) {
    Sweep grid = Bitlab.sweep().models("lenet5").targets("bismo-edge").latency(0.4, 0.5, 0.6).methods("haq").seeds(1, 2, 3, 4)
        .episodes(16).warmup(4).images(300, 128);
    Sweep warm = Bitlab.sweep().models("lenet5").targets("bismo-edge").latency(0.5).methods("haq").seeds(11, 12).episodes(8).warmup(2)
        .images(300, 128);
    System.out.println("\nthroughput: " + grid.jobs().size() + " HAQ jobs of lenet5 (16 episodes, 300 validation images), after a warm-up "
        + "sweep of 2 jobs in each fresh application");
    System.out.println("round  workers  seconds  jobs/min  speed-up over the round's 1 worker");
    List<Double> speedups = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      double one = Double.NaN;
      for (int workers : new int[] {1, 2}) {
        warm.on(on(cluster, workers)).run();
        long t = System.nanoTime();
        SweepResult s = grid.on(on(cluster, workers)).run();
        double seconds = (System.nanoTime() - t) / 1e9;
        if (s.rows().size() != grid.jobs().size()) throw new IllegalStateException("jobs failed: " + s);
        if (workers == 1) one = seconds;
        else speedups.add(one / seconds);
        System.out.printf(Locale.ROOT, "%5d  %7d  %7.1f  %8.2f  %s%n", r, workers, seconds, 60 * s.rows().size() / seconds,
            workers == 1 ? "" : String.format(Locale.ROOT, "%.2fx", one / seconds));
      }
    }
    Collections.sort(speedups);
    System.out.printf(Locale.ROOT, "median speed-up of 2 workers over 1: %.2fx (rounds: %s)%n", speedups.get(speedups.size() / 2), speedups);
  }

  /** Per-job costs on one-core executors, and the realistic grid's time on N workers from them. */
  private static void grid(LocalCluster cluster) {
    List<String> models = List.of("lenet5", "resnet-mini", "mobilenet-v1-mini", "mobilenet-v2-mini");
    System.out.println("\nper-job cost on a one-core executor (MNIST, 1,000 validation and 256 calibration images, 2,000 test images):");
    System.out.println("model                random 8 s  random 16 s  haq 16 (8 warm-up) s  fixed s  per policy s  agent per learning episode s");
    Map<String, double[]> cost = new LinkedHashMap<>();
    for (String m : models) {
      Sweep base = Bitlab.sweep().models(m).targets("bismo-edge").latency(0.5).images(1000, 256);
      base.methods("uniform").on(on(cluster, 2)).run(); // warms both executors: inputs decoded, calibration observed
      SweepResult r = base.methods("random").seeds(1).episodes(8).on(on(cluster, 2)).run();
      SweepResult r16 = base.methods("random").seeds(2).episodes(16).on(on(cluster, 2)).run();
      SweepResult h = base.methods("haq").seeds(1).episodes(16).warmup(8).on(on(cluster, 2)).run();
      double t8 = seconds(r);
      double t16 = seconds(r16);
      double th = seconds(h);
      double p = (t16 - t8) / 8;
      double f = Math.max(0, t8 - 8 * p);
      double a = Math.max(0, (th - t16) / 8);
      cost.put(m, new double[] {f, p, a});
      System.out.printf(Locale.ROOT, "%-19s  %10.1f  %11.1f  %20.1f  %7.1f  %12.2f  %28.2f%n", m, t8, t16, th, f, p, a);
    }
    // the realistic grid: per model, 2 targets x 5 budgets x 3 seeds of HAQ (100 episodes, 20 warm-up) and random search (100
    // policies), and the uniform baseline per target and budget (it does not depend on the seed)
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
    System.out.printf(Locale.ROOT, "%nthe grid on paper: 4 models x 2 targets x 5 budgets x 3 seeds, HAQ and random search (100 episodes each) "
        + "and the uniform baseline: %d jobs, %.1f hours of one-core work%n", jobs.size(), total / 3600);
    System.out.println("workers  hours (longest-job-first schedule)  hours if perfectly divided");
    jobs.sort(Collections.reverseOrder());
    for (int n : new int[] {1, 2, 4, 8, 16, 32, 64, 128, 280}) {
      double[] load = new double[n];
      for (double j : jobs) {
        int least = 0;
        for (int w = 1; w < n; w++) if (load[w] < load[least]) least = w;
        load[least] += j;
      }
      System.out.printf(Locale.ROOT, "%7d  %34.2f  %25.2f%n", n, Arrays.stream(load).max().orElse(0) / 3600, total / n / 3600);
    }
  }

  private static double seconds(SweepResult r) {
    if (r.rows().size() != 1) throw new IllegalStateException("the job failed: " + r);
    SweepRow row = r.rows().get(0);
    return row.seconds();
  }
}
