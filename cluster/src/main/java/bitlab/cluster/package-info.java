/**
 * Sweeps on Apache Spark. {@link bitlab.cluster.SparkProvider} is found by the dsl's
 * {@code Runners} (a {@code ServiceLoader} entry) when a sweep names a Spark master; nothing here is
 * loaded before that. {@link bitlab.cluster.SparkRunner} ships the sweep's inputs once per executor
 * (a broadcast each), submits one Spark job per sweep job and hands rows back as they finish;
 * {@link bitlab.cluster.RunJob} is what an executor runs; {@link bitlab.cluster.Contexts} keeps one
 * Spark context per JVM, checks the master first and waits for executors; {@link bitlab.cluster.ShippedJars}
 * sends executors the jars they lack; {@link bitlab.cluster.SparkFailures} turns Spark's failures into
 * sentences that name the job and the fix.
 */
package bitlab.cluster;
