package bitlab.cluster;

import bitlab.dsl.Bitlab;
import java.io.Serializable;

/** The versions a driver runs, checked on every executor before a job runs there. */
record Versions(String bitlab, String spark, int java) implements Serializable {
  static Versions here() {
    return new Versions(
        Bitlab.version(),
        org.apache.spark.package$.MODULE$.SPARK_VERSION(),
        Runtime.version().feature());
  }

  /** Null if an executor with these versions can run the driver's jobs, else the sentence that says what differs and what to do. */
  String mismatch(Versions executor, String where) {
    if (!spark.equals(executor.spark)) {
      return where + " runs Spark " + executor.spark + " but bitlab's driver runs Spark " + spark
          + ": run the sweep on a cluster of Spark " + spark
          + " (Scala 2.13), or on spark(\"local[*]\") in this JVM.";
    }
    if (!bitlab.equals(executor.bitlab)) {
      return where + " runs bitlab " + executor.bitlab + " but the driver runs bitlab " + bitlab
          + ": remove the other bitlab jars from the "
          + "cluster's class path (the driver ships its own).";
    }
    if (executor.java < 17) {
      return where + " runs Java " + executor.java
          + "; bitlab and Spark 4 need Java 17 or newer on every worker.";
    }
    return null;
  }
}
