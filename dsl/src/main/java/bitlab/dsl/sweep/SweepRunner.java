package bitlab.dsl.sweep;

import bitlab.dsl.sweep.job.JobResult;
import bitlab.dsl.sweep.job.LiveInputs;
import bitlab.dsl.sweep.job.SweepJob;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a sweep's jobs somewhere. Implementations: {@link ThreadRunner} here, a Spark runner in the
 * {@code cluster} module (found through {@link RunnerProvider}).
 */
public interface SweepRunner extends AutoCloseable {
  /**
   * Runs the jobs and hands each result to {@code results} on the calling thread as it arrives (in
   * any order, each job once). Returns when every job has a result, or early when the calling thread
   * is interrupted (the jobs still running are cancelled; the interrupt flag stays set).
   *
   * @param targets every target of the sweep: each row is priced on all of them
   */
  void run(
      List<SweepJob> jobs, LiveInputs inputs, List<String> targets, Consumer<JobResult> results);

  /** E.g. "2 threads in this JVM", "Spark 4.0.1 at local[2] (2 cores)". */
  String describe();

  /** Gives back what this sweep held (a cluster runner keeps its connection for the next sweep). */
  @Override
  default void close() {}
}
