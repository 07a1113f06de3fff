package bitlab.cluster;

import bitlab.dsl.sweep.SweepRunner;
import bitlab.dsl.sweep.job.JobResult;
import bitlab.dsl.sweep.job.LiveInputs;
import bitlab.dsl.sweep.job.SweepJob;
import bitlab.dsl.sweep.ship.FrozenTarget;
import bitlab.dsl.sweep.ship.Shipment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A sweep on Spark. The inputs go out once: each model (ONNX bytes) and data set a broadcast of its
 * own, the targets frozen for each model one more, so an executor fetches only what its jobs use,
 * once. Each sweep job is a Spark job of one task, all submitted at once and scheduled in order as
 * executor cores free up; rows come back to the driver as each finishes. A job that fails in bitlab
 * returns its sentence as a result; one Spark gives up on (an executor lost four times) fails alone.
 * A task lost with its executor (a worker killed) is run again elsewhere by Spark, and its row still
 * arrives once.
 */
final class SparkRunner implements SweepRunner {
  private static final long POLL_MILLIS = 50;
  private final Context context;
  private final List<Broadcast<?>> broadcasts = new ArrayList<>();

  SparkRunner(Context context) {
    this.context = context;
  }

  @Override
  public void run(
      List<SweepJob> jobs, LiveInputs inputs, List<String> targets, Consumer<JobResult> results) {
    if (jobs.isEmpty()) return;
    JavaSparkContext spark = context.spark();
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(SparkRunner.class.getClassLoader());
    String sweep = "bitlab-sweep-" + UUID.randomUUID();
    try {
      Cargo cargo = ship(spark, sweep, Shipment.of(inputs));
      RunJob task =
          new RunJob(cargo, targets, context.versions(), context.taskCpus(), context.memoryFix());
      spark.setJobGroup(sweep, "bitlab sweep of " + jobs.size() + " jobs", true);
      Map<JavaFutureAction<List<JobResult>>, SweepJob> pending = new LinkedHashMap<>();
      for (SweepJob job : jobs)
        pending.put(spark.parallelize(List.of(job), 1).map(task).collectAsync(), job);
      while (!pending.isEmpty()) {
        for (Iterator<Map.Entry<JavaFutureAction<List<JobResult>>, SweepJob>> it =
                pending.entrySet().iterator();
            it.hasNext(); ) {
          Map.Entry<JavaFutureAction<List<JobResult>>, SweepJob> e = it.next();
          if (!e.getKey().isDone()) continue;
          it.remove();
          results.accept(result(e.getKey(), e.getValue()));
        }
        if (!pending.isEmpty()) Thread.sleep(POLL_MILLIS);
      }
    } catch (InterruptedException stop) {
      spark.cancelJobGroup(sweep);
      Thread.currentThread().interrupt();
    } finally {
      spark.clearJobGroup();
      Thread.currentThread().setContextClassLoader(before);
    }
  }

  private JobResult result(JavaFutureAction<List<JobResult>> done, SweepJob job)
      throws InterruptedException {
    try {
      return done.get().get(0);
    } catch (ExecutionException | RuntimeException failure) {
      return JobResult.failed(job, SparkFailures.sentence(job, failure, context));
    }
  }

  private Cargo ship(JavaSparkContext spark, String sweep, Shipment s) {
    Map<String, Broadcast<byte[]>> models = new HashMap<>();
    s.models().forEach((name, bytes) -> models.put(name, keep(spark.broadcast(bytes))));
    Map<String, Broadcast<byte[]>> data = new HashMap<>();
    s.data().forEach((name, bytes) -> data.put(name, keep(spark.broadcast(bytes))));
    Broadcast<Map<String, FrozenTarget>> targets =
        keep(spark.broadcast(new HashMap<>(s.targets())));
    return new Cargo(sweep, models, data, targets);
  }

  private <T> Broadcast<T> keep(Broadcast<T> b) {
    broadcasts.add(b);
    return b;
  }

  @Override
  public String describe() {
    return context.describe();
  }

  /** The broadcasts of this sweep are dropped; the context stays open for the next sweep. */
  @Override
  public void close() {
    for (Broadcast<?> b : broadcasts) b.destroy();
    broadcasts.clear();
  }
}
