package bitlab.cluster;

import bitlab.dsl.sweep.job.JobResult;
import bitlab.dsl.sweep.job.JobRunner;
import bitlab.dsl.sweep.job.SweepJob;
import bitlab.task.Work;
import java.net.InetAddress;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.Function;

/**
 * What an executor does with one job: checks that it runs the driver's versions, finds the sweep's
 * inputs (decoded once per executor), runs the job and returns its row or its failure sentence. A
 * failure of the job itself is a result, not a Spark failure, so Spark does not retry it.
 */
final class RunJob implements Function<SweepJob, JobResult> {
  private static final long serialVersionUID = 1L;
  private final Cargo cargo;
  private final List<String> targets;
  private final Versions driver;
  private final int threads;
  private final String memoryFix;

  RunJob(Cargo cargo, List<String> targets, Versions driver, int threads, String memoryFix) {
    this.cargo = cargo;
    this.targets = List.copyOf(targets);
    this.driver = driver;
    this.threads = threads;
    this.memoryFix = memoryFix;
  }

  @Override
  public JobResult call(SweepJob job) {
    Work.setProgressSink(
        line -> {}); // the driver shows the sweep's progress; a job only honours cancellation
    String where = worker();
    String mismatch = driver.mismatch(
        Versions.here(), "The executor that took " + job.describe() + " (" + where + ")");
    if (mismatch != null) return JobResult.failed(job, mismatch);
    return JobRunner.attempt(job, ExecutorInputs.of(cargo), targets, threads, where, memoryFix);
  }

  private static String worker() {
    SparkEnv env = SparkEnv.get();
    String id = env == null ? "?" : env.executorId();
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "an unnamed host";
    }
    return (id.equals("driver") ? "the driver's executor" : "executor " + id) + " on " + host;
  }
}
