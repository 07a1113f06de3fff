package bitlab.cluster;

import bitlab.dsl.sweep.job.SweepJob;

/** The sentence for a job that Spark itself gave up on (its executors died, or the sweep was cancelled). */
final class SparkFailures {
  private SparkFailures() {}

  static String sentence(SweepJob job, Throwable failure, Context c) {
    String who = "Job " + job.describe().substring("job ".length());
    StringBuilder all = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) all.append(t).append('\n');
    String m = all.toString();
    if (m.contains("exited with code 52")
        || m.contains("OutOfMemoryError")
        || m.contains("Java heap space")) {
      return who + " lost its executor, which ran out of memory: " + c.memoryFix()
          + ", or score fewer images (validationImages, "
          + "calibrationImages); the other jobs are unaffected.";
    }
    if (m.contains("exited with code 137") || m.contains("exit code 137")) {
      return who
          + " lost its executor to a kill (exit code 137), what the operating system does to a process that takes too much "
          + "memory: leave the workers more memory than spark.executor.memory (now "
          + c.executorMemory() + ") for ND4J's native arrays, "
          + "or give each worker fewer cores; the other jobs are unaffected.";
    }
    if (m.contains("cancelled") || m.contains("Cancelled")) {
      return who + " was cancelled with the sweep; run the sweep again to resume it.";
    }
    return who + " failed on Spark: " + Contexts.firstLine(failure)
        + "; the other jobs are unaffected, and running the sweep again " + "retries it.";
  }
}
