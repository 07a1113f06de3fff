package bitlab.dsl.sweep;

import bitlab.dsl.sweep.job.SweepException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a sweep runs, as a value: {@code threads(2)} in this JVM (the default), or {@code spark(master)}
 * on Apache Spark ({@code "local[2]"} inside this JVM, {@code "spark://host:7077"} a standalone cluster),
 * with Spark settings added by {@link #conf}. Opening it is {@link Runners}' job.
 *
 * @param jobs jobs at once in this JVM (threads only)
 */
public record Runner(String kind, String master, int jobs, Map<String, String> conf) {
  public static final String THREADS = "threads";
  public static final String SPARK = "spark";

  public Runner {
    if (kind == null || kind.isBlank())
      throw new SweepException("A runner needs a kind: threads or spark.");
    if (kind.equals(THREADS) && jobs < 1)
      throw new SweepException("A sweep runs at least 1 job at a time, got " + jobs + ".");
    if (kind.equals(SPARK) && (master == null || master.isBlank())) {
      throw new SweepException(
          "spark(master) needs a master URL: \"local[2]\" runs Spark inside this JVM, \"spark://host:7077\" on a standalone cluster.");
    }
    conf = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(conf));
  }

  /** {@code n} jobs at once on threads of this JVM. */
  public static Runner threads(int n) {
    return new Runner(THREADS, "", n, Map.of());
  }

  /** Jobs at once: one per core (each job scores its policies on the cores left to it). */
  public static Runner threads() {
    return threads(Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  /** On Apache Spark: {@code "local[2]"}, {@code "local[*]"}, {@code "spark://host:7077"}. */
  public static Runner spark(String master) {
    return new Runner(SPARK, master, 0, Map.of());
  }

  /** A Spark setting, e.g. {@code conf("spark.executor.memory", "4g")}. */
  public Runner conf(String key, String value) {
    Map<String, String> c = new LinkedHashMap<>(conf);
    c.put(key, value);
    return new Runner(kind, master, jobs, c);
  }

  public String describe() {
    return kind.equals(THREADS)
        ? jobs + (jobs == 1 ? " thread" : " threads") + " in this JVM"
        : "Spark at " + master;
  }

  @Override
  public String toString() {
    return describe();
  }
}
