package bitlab.dsl.sweep.job;

import bitlab.data.Dataset;
import bitlab.hardware.Target;
import bitlab.model.Model;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Where a job finds what its references name: models, data sets and targets, in the JVM that runs it
 * (the notebook's own objects when jobs run on threads, decoded once per executor on a cluster).
 * Scorers are made once per model, data set and settings and shared by the jobs that run here.
 */
public abstract class Inputs {
  private final Map<List<Object>, FutureTask<Scorer>> scorers = new ConcurrentHashMap<>();

  public abstract Model model(String name);

  public abstract Dataset data(String name);

  /** A target by name, as it prices this model. */
  public abstract Target target(String name, Model model);

  /** The scorer of a job's model and data under its settings, made on first use. */
  public Scorer scorer(SweepJob job) {
    SweepSettings s = job.settings();
    List<Object> key = List.of(
        job.model(),
        job.data(),
        s.validationImages(),
        s.calibrationImages(),
        s.validationFraction(),
        s.validationSeed(),
        s.integer());
    FutureTask<Scorer> made =
        new FutureTask<>(() -> Scorer.of(model(job.model()), data(job.data()), s));
    FutureTask<Scorer> known = scorers.putIfAbsent(key, made);
    FutureTask<Scorer> task = known == null ? made : known;
    task.run(); // runs once; later callers wait for it
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new bitlab.task.CancelledException();
    } catch (ExecutionException e) {
      scorers.remove(key, task); // a failure is not kept: the next job tries again
      if (e.getCause() instanceof RuntimeException r) throw r;
      if (e.getCause() instanceof Error err) throw err;
      throw new IllegalStateException(e.getCause());
    }
  }
}
