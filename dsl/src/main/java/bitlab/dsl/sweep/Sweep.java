package bitlab.dsl.sweep;

import bitlab.data.Dataset;
import bitlab.dsl.hardware.SessionTargets;
import bitlab.dsl.sweep.job.JobResult;
import bitlab.dsl.sweep.job.LiveInputs;
import bitlab.dsl.sweep.job.Method;
import bitlab.dsl.sweep.job.SweepBudget;
import bitlab.dsl.sweep.job.SweepException;
import bitlab.dsl.sweep.job.SweepJob;
import bitlab.dsl.sweep.job.SweepRow;
import bitlab.dsl.sweep.job.SweepSettings;
import bitlab.hardware.Target;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.search.haq.Resource;
import bitlab.task.Work;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A grid of jobs, model x target x budget x method x seed, each one search or one policy evaluation,
 * each giving one row: {@code sweep().models("lenet5", "resnet-mini").targets("bismo-edge")
 * .latency(0.5, 0.7).methods("haq", "uniform").seeds(1, 2).episodes(30).to("sweep.csv").run()}.
 * Every call returns a new sweep. Jobs run on threads of this JVM unless {@link #on} names another
 * runner ({@code spark("local[2]")}); rows go to the file as jobs finish, and running the same sweep
 * with the same file again resumes it.
 *
 * <p>Jobs that would compute the same thing are made once: the uniform baseline and a fixed policy do
 * not depend on the seed, a fixed policy not on the budget, and a size budget not on the target.
 */
public final class Sweep {
  private final List<Object> models;
  private final Object data;
  private final List<Object> targets;
  private final List<SweepBudget> budgets;
  private final List<Method> methods;
  private final List<Long> seeds;
  private final SweepSettings settings;
  private final Path file;
  private final Runner runner;

  private Sweep(
      List<Object> models,
      Object data,
      List<Object> targets,
      List<SweepBudget> budgets,
      List<Method> methods,
      List<Long> seeds,
      SweepSettings settings,
      Path file,
      Runner runner) {
    this.models = List.copyOf(models);
    this.data = data;
    this.targets = List.copyOf(targets);
    this.budgets = List.copyOf(budgets);
    this.methods = List.copyOf(methods);
    this.seeds = List.copyOf(seeds);
    this.settings = settings;
    this.file = file;
    this.runner = runner;
  }

  /** An empty grid: MNIST, the HAQ method, seed 1, default settings, on threads. */
  public static Sweep create() {
    return new Sweep(
        List.of(),
        "mnist",
        List.of(),
        List.of(),
        List.of(Method.HAQ),
        List.of(1L),
        SweepSettings.DEFAULT,
        null,
        Runner.threads());
  }

  private Sweep with(
      List<Object> m,
      Object d,
      List<Object> t,
      List<SweepBudget> b,
      List<Method> me,
      List<Long> s,
      SweepSettings st,
      Path f,
      Runner r) {
    return new Sweep(m, d, t, b, me, s, st, f, r);
  }

  // ---- the axes ----

  /** Zoo models by name. */
  public Sweep models(String... zooNames) {
    return with(
        List.of((Object[]) zooNames),
        data,
        targets,
        budgets,
        methods,
        seeds,
        settings,
        file,
        runner);
  }

  /** Models of this session (trained, imported), found by their names in every JVM the jobs run in. */
  public Sweep models(Model... nets) {
    return with(
        List.of((Object[]) nets), data, targets, budgets, methods, seeds, settings, file, runner);
  }

  /** The data set: {@code mnist()}, {@code subset(mnist(), 2000, 500)}, ... */
  public Sweep data(Dataset d) {
    return with(models, d, targets, budgets, methods, seeds, settings, file, runner);
  }

  /** The data set by name: mnist, digits, cifar10:DIR or images:DIR. */
  public Sweep data(String name) {
    return with(models, name, targets, budgets, methods, seeds, settings, file, runner);
  }

  /** Targets by name (the catalogue, folders and targets declared in this session). */
  public Sweep targets(String... names) {
    return with(
        models, data, List.of((Object[]) names), budgets, methods, seeds, settings, file, runner);
  }

  public Sweep targets(Target... ts) {
    return with(
        models, data, List.of((Object[]) ts), budgets, methods, seeds, settings, file, runner);
  }

  /** Budgets as text: {@code "latency 0.5"}, {@code "size 0.4"}, fractions of the all-8-bit cost. */
  public Sweep budgets(String... texts) {
    return with(
        models,
        data,
        targets,
        Arrays.stream(texts).map(SweepBudget::parse).toList(),
        methods,
        seeds,
        settings,
        file,
        runner);
  }

  /** Latency budgets, fractions of the all-8-bit latency on each target (added to the budgets so far). */
  public Sweep latency(double... fractions) {
    return add(Resource.LATENCY, fractions);
  }

  public Sweep energy(double... fractions) {
    return add(Resource.ENERGY, fractions);
  }

  /** Weight-size budgets, fractions of the all-8-bit weights. */
  public Sweep size(double... fractions) {
    return add(Resource.SIZE, fractions);
  }

  private Sweep add(Resource r, double... fractions) {
    List<SweepBudget> b = new ArrayList<>(budgets);
    for (double f : fractions) b.add(new SweepBudget(r, f));
    return with(models, data, targets, b, methods, seeds, settings, file, runner);
  }

  /** {@code "haq"}, {@code "hawq"}, {@code "random"}, {@code "uniform"}, or uniform policies to evaluate ({@code "W4A8"}). */
  public Sweep methods(String... names) {
    return with(
        models,
        data,
        targets,
        budgets,
        Arrays.stream(names).map(Method::parse).toList(),
        seeds,
        settings,
        file,
        runner);
  }

  public Sweep seeds(long... s) {
    return with(
        models,
        data,
        targets,
        budgets,
        methods,
        Arrays.stream(s).boxed().toList(),
        settings,
        file,
        runner);
  }

  // ---- settings every job shares ----

  /** Episodes of HAQ, and policies random search draws (default 100). */
  public Sweep episodes(int n) {
    return settings(settings.withEpisodes(n));
  }

  /** HAQ's random warm-up episodes (default a fifth of the episodes, at most 20). */
  public Sweep warmup(int n) {
    return settings(settings.withWarmup(n));
  }

  /** Validation images every policy is scored on (default 1,000) and calibration images (default 256). */
  public Sweep images(int validation, int calibration) {
    return settings(settings.withImages(validation, calibration));
  }

  /**
   * For data sets without a validation part only: the validation split carved from the training part, a fraction of every
   * class (default 0.2) and its seed (default 1). A data set's own validation part is always used when it has one.
   */
  public Sweep validationSplit(double fraction, long seed) {
    return settings(settings.withValidationSplit(fraction, seed));
  }

  /** HAWQ-V3's candidate widths (default 4, 8), trace images (default 256) and most probes (default 100). */
  public Sweep hawq(List<Integer> bits, int images, int probes) {
    return settings(settings.withHawq(bits, images, probes));
  }

  /** Score on the integer-only executor (true, the default) or the fake-quantized simulation. */
  public Sweep integerScoring(boolean on) {
    return settings(settings.withInteger(on));
  }

  public Sweep settings(SweepSettings s) {
    return with(models, data, targets, budgets, methods, seeds, s, file, runner);
  }

  /** Writes rows to this CSV file as jobs finish; a file that exists is resumed. */
  public Sweep to(String path) {
    return with(models, data, targets, budgets, methods, seeds, settings, Path.of(path), runner);
  }

  /** Where the jobs run: {@code threads(2)}, {@code spark("local[2]")}, {@code spark("spark://host:7077")}. */
  public Sweep on(Runner r) {
    return with(models, data, targets, budgets, methods, seeds, settings, file, r);
  }

  public SweepSettings settings() {
    return settings;
  }

  public Runner runner() {
    return runner;
  }

  // ---- the grid ----

  /** The jobs of the grid, numbered from 1 in the order model, target, budget, method, seed. */
  public List<SweepJob> jobs() {
    return expand(modelNames(), dataName(resolveData()), targetNames());
  }

  private List<SweepJob> expand(List<String> ms, String d, List<String> ts) {
    if (ms.isEmpty())
      throw new SweepException(
          "Give the sweep at least one model: models(\"lenet5\") or models(net).");
    if (methods.isEmpty() || seeds.isEmpty())
      throw new SweepException("Give the sweep at least one method and one seed.");
    boolean budgeted = methods.stream().anyMatch(Method::usesBudget);
    if (budgeted && budgets.isEmpty()) {
      throw new SweepException(
          "Give the sweep budgets for its searches: latency(0.5, 0.7), energy(0.5) or size(0.4) (fractions of the "
              + "all-8-bit cost), or budgets(\"latency 0.5\").");
    }
    if (budgeted && ts.isEmpty() && budgets.stream().anyMatch(SweepBudget::needsTarget)) {
      throw new SweepException(
          "Latency and energy budgets are priced on hardware: add targets(\"bismo-edge\") (hardware() lists them), "
              + "or use size budgets only.");
    }
    Map<String, SweepJob> jobs = new LinkedHashMap<>();
    List<String> onTargets = ts.isEmpty() ? List.of("") : ts;
    for (String m : ms) {
      for (String t : onTargets) {
        for (SweepBudget b :
            budgets.isEmpty() ? java.util.Collections.<SweepBudget>singletonList(null) : budgets) {
          for (Method me : methods) {
            for (long s : seeds) {
              SweepBudget jb = me.usesBudget() ? b : null;
              if (me.usesBudget() && jb == null) continue;
              String jt = jb != null && !jb.needsTarget() ? "" : t;
              SweepJob j =
                  new SweepJob(jobs.size() + 1, m, d, jt, jb, me, me.usesSeed() ? s : 0, settings);
              jobs.putIfAbsent(j.key(), j);
            }
          }
        }
      }
    }
    return List.copyOf(jobs.values());
  }

  /** The jobs as a table, before running them. */
  public tech.tablesaw.api.Table plan() {
    tech.tablesaw.api.Table t = tech.tablesaw.api.Table.create("sweep plan");
    tech.tablesaw.api.IntColumn job = tech.tablesaw.api.IntColumn.create("job");
    tech.tablesaw.api.StringColumn[] c = {
      tech.tablesaw.api.StringColumn.create("model"),
      tech.tablesaw.api.StringColumn.create("target"),
      tech.tablesaw.api.StringColumn.create("budget"),
      tech.tablesaw.api.StringColumn.create("method"),
      tech.tablesaw.api.StringColumn.create("seed")
    };
    for (SweepJob j : jobs()) {
      job.append(j.index());
      c[0].append(j.model());
      c[1].append(j.target().isEmpty() ? "-" : j.target());
      c[2].append(j.budget() == null ? "-" : j.budget().label());
      c[3].append(j.method().label());
      c[4].append(j.method().usesSeed() ? Long.toString(j.seed()) : "-");
    }
    t.addColumns(job);
    t.addColumns(c);
    return t;
  }

  // ---- running ----

  /**
   * Runs the jobs not yet in the file (all of them without a file) and returns every row. A failed job
   * leaves a sentence and no row; an interrupt stops the sweep with the rows so far (both run again
   * on the next run with the same file).
   */
  public SweepResult run() {
    Dataset d = resolveData();
    LiveInputs inputs = inputs(d);
    List<String> ts = new ArrayList<>(inputs.targets().keySet());
    List<SweepJob> jobs = expand(new ArrayList<>(inputs.models().keySet()), dataName(d), ts);
    List<SweepRow> rows = new ArrayList<>();
    List<JobResult> failures = new ArrayList<>();
    RowFile out =
        file == null ? null : RowFile.open(file, SweepRow.columns(ts), SweepRow.costColumns(ts));
    boolean stopped;
    String where;
    int resumed = 0;
    try (SweepRunner r = Runners.open(runner)) {
      where = r.describe();
      List<SweepJob> todo = new ArrayList<>();
      Set<String> keys = new LinkedHashSet<>();
      for (SweepJob j : jobs) keys.add(j.key());
      if (out != null) {
        for (SweepRow done : out.rows().values()) {
          if (keys.contains(done.key())) {
            rows.add(done);
            resumed++;
          }
        }
      }
      Set<String> have = new LinkedHashSet<>();
      for (SweepRow done : rows) have.add(done.key());
      for (SweepJob j : jobs) if (!have.contains(j.key())) todo.add(j);
      int total = todo.size();
      Work.report(String.format(
          "sweep: %d jobs to run on %s%s",
          total, where, resumed > 0 ? " (" + resumed + " already in the file)" : ""));
      r.run(todo, inputs, ts, result -> {
        if (result.failed()) {
          failures.add(result);
        } else {
          if (out != null) out.append(result.row());
          rows.add(result.row());
        }
        Work.report(progress(rows.size(), jobs.size(), failures.size(), result));
      });
      stopped =
          Thread.interrupted(); // the interrupt was honoured: the sweep ends with the rows so far
    } finally {
      if (out != null) out.close();
    }
    return new SweepResult(jobs.size(), rows, failures, stopped, where, file, resumed, ts);
  }

  private static String progress(int done, int total, int failed, JobResult last) {
    String what = last.failed()
        ? "failed"
        : String.format(
            "%.2f%% validation, %.2f%% test",
            last.row().validationAccuracy(), last.row().testAccuracy());
    return String.format(
        "sweep: %d of %d jobs done%s; last: %s: %s",
        done, total, failed > 0 ? ", " + failed + " failed" : "", last.job().describe(), what);
  }

  // ---- resolving names ----

  private List<String> modelNames() {
    List<String> out = new ArrayList<>();
    for (Object m : models)
      out.add(m instanceof Model net ? net.name() : Zoo.entry((String) m).name());
    return unique(out, "model");
  }

  private List<String> targetNames() {
    List<String> out = new ArrayList<>();
    for (Object t : targets)
      out.add(
          t instanceof Target tt ? tt.name() : SessionTargets.named((String) t).name());
    return unique(out, "target");
  }

  private static List<String> unique(List<String> names, String what) {
    Set<String> seen = new LinkedHashSet<>();
    for (String n : names) {
      if (!seen.add(n))
        throw new SweepException("Two " + what + "s of the sweep are named '" + n
            + "'; jobs find them by name, so give each "
            + "its own (net.withName(\"...\") for a model).");
    }
    return names;
  }

  private Dataset resolveData() {
    if (data instanceof Dataset d) return d;
    return DataNames.load((String) data);
  }

  /** A data set's name in job keys: its name and its parts' sizes (train/validation/test), e.g. {@code mnist(6400/1600/2000)}. */
  static String dataName(Dataset d) {
    return d.name() + "(" + d.train().size() + "/"
        + (d.hasValidation() ? d.validation().size() : 0) + "/" + d.test().size() + ")";
  }

  private LiveInputs inputs(Dataset d) {
    Map<String, Model> ms = new LinkedHashMap<>();
    for (Object m : models) {
      Model net = m instanceof Model given ? given : Zoo.load((String) m);
      if (ms.put(net.name(), net) != null) unique(List.of(net.name(), net.name()), "model");
    }
    Map<String, Target> ts = new LinkedHashMap<>();
    for (Object t : targets) {
      Target tt = t instanceof Target given ? given : SessionTargets.named((String) t);
      if (ts.put(tt.name(), tt) != null) unique(List.of(tt.name(), tt.name()), "target");
    }
    return new LiveInputs(ms, Map.of(dataName(d), d), ts);
  }
}
