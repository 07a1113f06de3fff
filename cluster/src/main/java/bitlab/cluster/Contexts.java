package bitlab.cluster;

import bitlab.dsl.sweep.Runner;
import bitlab.dsl.sweep.job.SweepException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One Spark context per JVM (Spark allows no more), kept between sweeps on the same runner and replaced
 * when a sweep names another master or other settings. Before Spark is asked: the master is checked.
 * After: on a cluster, the runner waits for executors, asks them what they run (versions, class path)
 * and sends the jars they lack.
 */
final class Contexts {
  /** Seconds to wait for a cluster's first executor: {@code -Dbitlab.spark.wait=SECONDS} (default 120). */
  static final String WAIT = "bitlab.spark.wait";

  private static Context current;

  private Contexts() {}

  static synchronized Context open(Runner spec) {
    if (current != null && !current.spark().sc().isStopped() && current.spec().equals(spec))
      return current;
    close();
    String master = spec.master().trim();
    MasterCheck.check(master);
    boolean local = MasterCheck.local(master);
    int taskCpus = Integer.parseInt(spec.conf().getOrDefault("spark.task.cpus", "1"));
    SparkConf conf = conf(spec, master, local, taskCpus);
    Versions versions = Versions.here();
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(Contexts.class.getClassLoader());
    JavaSparkContext jsc;
    try {
      jsc = new JavaSparkContext(conf);
    } catch (Exception e) { // Spark throws its checked SparkException undeclared
      throw new SweepException(
          "Spark could not start on " + master + ": " + firstLine(e)
              + "; bitlab runs on local[N] and spark://HOST:PORT "
              + "masters (others need Spark's modules for them on the class path, see cluster/README.md): check the master URL and the "
              + "settings given with conf(...).",
          e);
    } finally {
      Thread.currentThread().setContextClassLoader(before);
    }
    Context c =
        new Context(jsc, spec, local, taskCpus, conf.get("spark.executor.memory", "1g"), versions);
    if (!local) {
      try {
        awaitExecutors(c);
        shipCode(c);
      } catch (RuntimeException e) {
        jsc.stop();
        throw e;
      }
    }
    current = c;
    return c;
  }

  /** Stops the context, if one is open (a sweep on another master, or the end of a test). */
  static synchronized void close() {
    if (current != null) current.spark().stop();
    current = null;
  }

  private static SparkConf conf(Runner spec, String master, boolean local, int taskCpus) {
    SparkConf c = new SparkConf()
        .setMaster(master)
        .setAppName("bitlab sweep")
        .set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false")
        .set("spark.executorEnv.OMP_NUM_THREADS", Integer.toString(taskCpus))
        .set("spark.executorEnv.OMP_WAIT_POLICY", "passive");
    String options = "-Djava.awt.headless=true -Dbitlab.kernel.threads=" + taskCpus
        + " -Dbitlab.search.threads=" + taskCpus;
    List<String> jars = new ArrayList<>();
    if (!local) jars.add(ShippedJars.self());
    for (Map.Entry<String, String> e : spec.conf().entrySet()) {
      switch (e.getKey()) {
        case "spark.executor.extraJavaOptions" -> options = options + " " + e.getValue();
        case "spark.jars" -> jars.add(e.getValue());
        default -> c.set(e.getKey(), e.getValue());
      }
    }
    c.set("spark.executor.extraJavaOptions", options);
    String given = c.get("spark.jars", ""); // spark-submit passes its application jar here
    if (!given.isBlank()) jars.add(0, given);
    if (!jars.isEmpty()) c.set("spark.jars", String.join(",", jars));
    return c;
  }

  private static void awaitExecutors(Context c) {
    long seconds = Long.getLong(WAIT, 120);
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (c.spark().sc().statusTracker().getExecutorInfos().length <= 1) {
      if (c.spark().sc().isStopped()) {
        throw new SweepException("The Spark master at " + c.spec().master()
            + " ended bitlab's application before any executor joined; "
            + "check that it runs Spark " + c.versions().spark()
            + " (Scala 2.13) like bitlab's driver.");
      }
      if (System.nanoTime() > deadline) {
        throw new SweepException("No executor joined bitlab's application at "
            + c.spec().master() + " within " + seconds + " s: the master "
            + "has no worker with a free core and " + c.executorMemory()
            + " of memory (spark.executor.memory), or it runs another Spark "
            + "version than bitlab's " + c.versions().spark()
            + " and ignores the application. Start workers (sbin/start-worker.sh "
            + c.spec().master() + "), lower spark.executor.memory, or wait longer with -D" + WAIT
            + "=SECONDS.");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new bitlab.task.CancelledException();
      }
    }
  }

  /** Asks every executor what it runs; stops on a version mismatch; sends the jars none of them has. */
  private static void shipCode(Context c) {
    int n = Math.max(2, c.spark().defaultParallelism());
    List<String[]> answers = c.spark()
        .parallelize(IntStream.range(0, n).boxed().toList(), n)
        .mapPartitions(new Probe())
        .collect();
    Set<String> common = null;
    for (String[] a : answers) {
      String mismatch = c.versions()
          .mismatch(
              new Versions(c.versions().bitlab(), a[1], Integer.parseInt(a[2])),
              "Executor " + a[0] + " of " + c.spec().master());
      if (mismatch != null) throw new SweepException(mismatch);
      Set<String> files = new HashSet<>(List.of(a).subList(3, a.length));
      if (common == null) common = files;
      else common.retainAll(files);
    }
    for (String jar : ShippedJars.missing(common == null ? Set.of() : common))
      c.spark().addJar(jar);
  }

  static String firstLine(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank()))
      t = t.getCause();
    String m =
        t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
