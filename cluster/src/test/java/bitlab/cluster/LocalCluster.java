package bitlab.cluster;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A standalone Spark cluster on the loopback interface for tests: one master and a few workers, each
 * a JVM of its own started from Spark's classes (org.apache.spark.deploy.master.Master and
 * .worker.Worker), each worker with one core. Its Spark home holds only a {@code jars} folder linking
 * the jars of this JVM's class path, which is what a worker puts on its executors' class path; bitlab's
 * own classes (folders here) reach the executors only through the driver, as on a real cluster.
 */
final class LocalCluster implements AutoCloseable {
  private final Path dir;
  private final List<Process> processes = new ArrayList<>();
  private final List<Process> workers = new ArrayList<>();
  private final int port;
  private final int ui;
  private final int workerMemoryMb;
  private final Thread stopAtExit = new Thread(this::stop, "local-cluster-stop");

  private LocalCluster(Path dir, int port, int ui, int workerMemoryMb) {
    this.dir = dir;
    this.port = port;
    this.ui = ui;
    this.workerMemoryMb = workerMemoryMb;
  }

  /** A master and {@code workers} workers of one core and {@code workerMemoryMb} for executors each; returns once all are registered. */
  static LocalCluster start(Path dir, int workers, int workerMemoryMb) throws Exception {
    Path jars = Files.createDirectories(dir.resolve("spark-home/jars"));
    Set<String> names = new LinkedHashSet<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(e);
      if (e.endsWith(".jar")
          && Files.isRegularFile(p)
          && names.add(p.getFileName().toString())) {
        Files.createSymbolicLink(jars.resolve(p.getFileName()), p.toAbsolutePath());
      }
    }
    LocalCluster c = new LocalCluster(dir, freePort(), freePort(), workerMemoryMb);
    // the master and workers are JVMs of their own: stop them when this JVM ends, also by Ctrl-C or
    // a kill (not
    // by SIGKILL, which runs no hook), so a stopped bench or test leaves no cluster behind
    Runtime.getRuntime().addShutdownHook(c.stopAtExit);
    c.processes.add(c.launch(
        "master",
        "org.apache.spark.deploy.master.Master",
        "--host",
        "127.0.0.1",
        "--port",
        Integer.toString(c.port),
        "--webui-port",
        Integer.toString(c.ui)));
    c.awaitWorkers(0);
    for (int i = 0; i < workers; i++) c.addWorker();
    c.awaitWorkers(workers);
    return c;
  }

  String master() {
    return "spark://127.0.0.1:" + port;
  }

  /** Starts one more worker. */
  void addWorker() throws IOException {
    int i = workers.size();
    Process w = launch(
        "worker-" + i,
        "org.apache.spark.deploy.worker.Worker",
        "--host",
        "127.0.0.1",
        "--cores",
        "1",
        "--memory",
        workerMemoryMb + "m",
        "--webui-port",
        Integer.toString(freePort()),
        "--work-dir",
        Files.createDirectories(dir.resolve("work-" + i)).toString(),
        master());
    workers.add(w);
    processes.add(w);
  }

  /** Kills worker {@code i} and its executors at once (SIGKILL), as a machine that fails. */
  void killWorker(int i) {
    Process w = workers.get(i);
    w.descendants().forEach(ProcessHandle::destroyForcibly);
    w.destroyForcibly();
  }

  /** Waits until the master counts this many alive workers (at most a minute). */
  void awaitWorkers(int n) throws Exception {
    HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Pattern alive = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      try {
        String json = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ui + "/json/"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
        Matcher m = alive.matcher(json);
        if (m.find() && Integer.parseInt(m.group(1)) >= n) return;
      } catch (IOException notYet) {
        // the master is still starting
      }
      if (System.nanoTime() > deadline)
        throw new IllegalStateException(
            "the local cluster did not reach " + n + " workers; see " + dir);
      Thread.sleep(250);
    }
  }

  private Process launch(String name, String main, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(
        List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
    cmd.addAll(List.of(org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptionArray()));
    cmd.addAll(
        List.of("-cp", dir.resolve("spark-home/jars").toString() + File.separator + "*", main));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().put("SPARK_HOME", dir.resolve("spark-home").toString());
    pb.environment()
        .put(
            "SPARK_SCALA_VERSION",
            "2.13"); // what sbin/start-worker.sh sets through load-spark-env.sh
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("SPARK_LOG_DIR", dir.toString());
    return pb.start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(stopAtExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs (or ran) anyway
    }
  }

  private void stop() {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
