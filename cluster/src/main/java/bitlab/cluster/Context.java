package bitlab.cluster;

import bitlab.dsl.sweep.Runner;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * An open Spark context and what the runner needs to know about it.
 *
 * @param taskCpus       cores each job holds on an executor (spark.task.cpus): it scores that many policies at once
 * @param executorMemory the executor memory setting, for the sentence of a job that runs out of it
 */
record Context(
    JavaSparkContext spark,
    Runner spec,
    boolean local,
    int taskCpus,
    String executorMemory,
    Versions versions) {

  String describe() {
    int executors =
        Math.max(1, spark.sc().statusTracker().getExecutorInfos().length - (local ? 0 : 1));
    return "Spark " + versions.spark() + " at " + spec.master()
        + (local ? "" : " (" + executors + (executors == 1 ? " executor)" : " executors)"));
  }

  String memoryFix() {
    if (local) {
      return "give this JVM more heap (-Xmx in BITLAB_KERNEL_OPTS or BITLAB_JAVA_OPTS; local mode runs jobs in it) or fewer cores (local[1])";
    }
    return "give executors more memory with spark.executor.memory (now " + executorMemory
        + "; e.g. .conf(\"spark.executor.memory\", \"4g\") "
        + "or --conf spark.executor.memory=4g)";
  }
}
