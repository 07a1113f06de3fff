package bitlab.cluster;

import java.io.File;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * Asks each executor what it runs before any job goes there: its Spark and Java versions and the file
 * names on its class path (which jars the driver need not send). Uses nothing but Spark and the JDK,
 * since the executors have nothing of bitlab yet but this module.
 */
final class Probe implements FlatMapFunction<Iterator<Integer>, String[]> {
  private static final long serialVersionUID = 1L;

  @Override
  public Iterator<String[]> call(Iterator<Integer> ignored) {
    List<String> files = new ArrayList<>();
    files.add(SparkEnv.get().executorId());
    files.add(org.apache.spark.package$.MODULE$.SPARK_VERSION());
    files.add(Integer.toString(Runtime.version().feature()));
    for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator))
      files.add(new File(e).getName());
    return List.<String[]>of(files.toArray(String[]::new)).iterator();
  }
}
