package bitlab.dsl.cli;

import bitlab.data.Dataset;
import bitlab.dsl.Bitlab;
import bitlab.dsl.display.ChartImages;
import bitlab.dsl.sweep.DataNames;
import bitlab.dsl.sweep.Runner;
import bitlab.dsl.sweep.Sweep;
import bitlab.dsl.sweep.SweepResult;
import bitlab.dsl.sweep.job.JobResult;
import bitlab.dsl.sweep.job.SweepException;
import bitlab.dsl.sweep.job.SweepRow;
import bitlab.model.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "sweep",
    description =
        "A grid of searches and policy evaluations (model x target x budget x method x seed), one row per job, "
            + "written to a CSV file as jobs finish (a sweep run again with the same file resumes); on threads here, or on Apache Spark with --master.")
final class SweepCommand implements Callable<Integer> {
  @Option(
      names = "--models",
      split = ",",
      required = true,
      description = "Zoo names or .onnx files, comma-separated.")
  List<String> models;

  @Option(
      names = "--data",
      defaultValue = "mnist",
      description = "mnist, digits, cifar10:DIR or images:DIR (default: ${DEFAULT-VALUE}).")
  String data;

  @Option(
      names = "--subset",
      paramLabel = "TRAIN/TEST",
      description = "A stratified subset of the data set, e.g. 2000/500, for quick sweeps.")
  String subset;

  @Option(
      names = "--targets",
      split = ",",
      description =
          "Targets of the catalogue (see 'bitlab hardware list'); every row is priced on each.")
  List<String> targets = List.of();

  @Option(
      names = "--latency",
      split = ",",
      description = "Latency budgets, fractions of the all-8-bit latency on each target.")
  List<Double> latency = List.of();

  @Option(
      names = "--energy",
      split = ",",
      description = "Energy budgets, fractions of the all-8-bit energy.")
  List<Double> energy = List.of();

  @Option(
      names = "--size",
      split = ",",
      description = "Weight-size budgets, fractions of the all-8-bit weights.")
  List<Double> size = List.of();

  @Option(
      names = "--methods",
      split = ",",
      defaultValue = "haq",
      description =
          "haq, hawq, random, uniform, or uniform policies to evaluate such as W4A8 (default: ${DEFAULT-VALUE}).")
  List<String> methods;

  @Option(
      names = "--seeds",
      split = ",",
      defaultValue = "1",
      description = "Seeds (default: ${DEFAULT-VALUE}).")
  List<Long> seeds;

  @Option(
      names = "--episodes",
      defaultValue = "100",
      description = "HAQ episodes and random-search policies (default: ${DEFAULT-VALUE}).")
  int episodes;

  @Option(
      names = "--warmup",
      description = "HAQ's random warm-up episodes (default: a fifth of the episodes, at most 20).")
  Integer warmup;

  @Option(
      names = "--val-images",
      defaultValue = "1000",
      description = "Validation images each policy is scored on (default: ${DEFAULT-VALUE}).")
  int valImages;

  @Option(
      names = "--calib-images",
      defaultValue = "256",
      description = "Calibration images (default: ${DEFAULT-VALUE}).")
  int calibImages;

  @Option(
      names = "--hawq-bits",
      split = ",",
      defaultValue = "4,8",
      description = "HAWQ-V3's candidate widths (default: ${DEFAULT-VALUE}).")
  List<Integer> hawqBits;

  @Option(
      names = "--hawq-images",
      defaultValue = "256",
      description = "Images HAWQ-V3's Hessian traces average over.")
  int hawqImages;

  @Option(
      names = "--hawq-probes",
      defaultValue = "100",
      description = "At most this many Hutchinson probes.")
  int hawqProbes;

  @Option(
      names = "--simulated",
      description =
          "Score with the fake-quantized simulation instead of the integer-only executor.")
  boolean simulated;

  @Option(
      names = "--out",
      paramLabel = "FILE.csv",
      description = "Results file, written row by row; an existing one is resumed.")
  Path out;

  @Option(
      names = "--threads",
      description = "Jobs at once on threads of this JVM (default: one per core).")
  Integer threads;

  @Option(
      names = "--master",
      description = "Run on Apache Spark: local[2], local[*] or spark://HOST:7077.")
  String master;

  @Option(
      names = "--conf",
      paramLabel = "KEY=VALUE",
      description = "A Spark setting, e.g. spark.executor.memory=4g; repeatable.")
  Map<String, String> conf = Map.of();

  @Option(
      names = "--chart",
      paramLabel = "FILE.png",
      description = "Also write the chart of accuracy against cost per method.")
  Path chart;

  @Option(names = "--plan", description = "List the jobs without running them.")
  boolean plan;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  record Result(
      String summary,
      int jobs,
      int done,
      int resumed,
      boolean stopped,
      String runner,
      List<SweepRow> rows,
      List<String> failures) {}

  record Job(
      int job,
      String key,
      String model,
      String target,
      String budget,
      String method,
      String seed) {}

  @Override
  public Integer call() {
    Sweep s = sweep();
    if (plan) {
      if (json) {
        Json.print(s.jobs().stream()
            .map(j -> new Job(
                j.index(),
                j.key(),
                j.model(),
                j.target(),
                j.budget() == null ? "-" : j.budget().label(),
                j.method().label(),
                j.method().usesSeed() ? Long.toString(j.seed()) : "-"))
            .toList());
      } else {
        System.out.println(s.plan().print(10_000));
      }
      return 0;
    }
    SweepResult r = s.run();
    System.err.print("\r");
    if (chart != null) writeChart(r);
    List<String> failures = r.failures().stream().map(JobResult::error).toList();
    if (json) {
      Json.print(new Result(
          r.summary(),
          r.jobs(),
          r.rows().size(),
          r.resumed(),
          r.stopped(),
          r.runner(),
          r.rows(),
          failures));
    } else {
      System.out.print(r);
    }
    for (String f : failures) System.err.println("bitlab sweep: " + f);
    return failures.isEmpty() && !r.stopped() ? 0 : 2;
  }

  private Sweep sweep() {
    Sweep s = Bitlab.sweep().data(dataSet());
    List<Model> nets = new ArrayList<>();
    for (String m : models)
      nets.add(
          m.endsWith(".onnx") ? bitlab.onnx.OnnxImport.read(Path.of(m)) : bitlab.model.Zoo.load(m));
    s = s.models(nets.toArray(Model[]::new)).targets(targets.toArray(String[]::new));
    s = s.latency(doubles(latency)).energy(doubles(energy)).size(doubles(size));
    s = s.methods(methods.toArray(String[]::new))
        .seeds(seeds.stream().mapToLong(Long::longValue).toArray());
    s = s.episodes(episodes)
        .images(valImages, calibImages)
        .hawq(hawqBits, hawqImages, hawqProbes)
        .integerScoring(!simulated);
    if (warmup != null) s = s.warmup(warmup);
    if (out != null) s = s.to(out.toString());
    if (master != null && threads != null)
      throw new SweepException("--threads runs jobs here and --master on Spark: give one of them.");
    if (master != null) {
      Runner r = Runner.spark(master);
      for (Map.Entry<String, String> e : conf.entrySet()) r = r.conf(e.getKey(), e.getValue());
      s = s.on(r);
    } else if (!conf.isEmpty()) {
      throw new SweepException(
          "--conf sets Spark settings; give --master too (e.g. --master local[2]).");
    } else if (threads != null) {
      s = s.on(Runner.threads(threads));
    }
    return s;
  }

  private Dataset dataSet() {
    Dataset d = DataNames.load(data);
    if (subset == null) return d;
    String[] p = subset.split("/");
    if (p.length != 2 || !p[0].matches("\\d+") || !p[1].matches("\\d+")) {
      throw new SweepException(
          "--subset takes TRAIN/TEST image counts, e.g. --subset 2000/500, not '" + subset + "'.");
    }
    return Bitlab.subset(d, Integer.parseInt(p[0]), Integer.parseInt(p[1]));
  }

  private static double[] doubles(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private void writeChart(SweepResult r) {
    try {
      Files.createDirectories(chart.toAbsolutePath().getParent());
      bitlab.files.WholeFile.write(chart, ChartImages.png(r.chart()));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not write the chart to " + chart + ": " + e.getMessage(), e);
    }
  }
}
