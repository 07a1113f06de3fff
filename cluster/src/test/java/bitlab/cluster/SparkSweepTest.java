package bitlab.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.dsl.Bitlab;
import bitlab.dsl.sweep.Runner;
import bitlab.dsl.sweep.SweepResult;
import bitlab.dsl.sweep.job.JobResult;
import bitlab.dsl.sweep.job.SweepException;
import bitlab.dsl.sweep.job.SweepRow;
import bitlab.model.Model;
import bitlab.model.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The same grid on threads, on Spark local[2] and on a standalone master with two one-core workers on
 * the loopback interface; a worker killed mid-sweep; an executor out of memory and a job that throws;
 * masters that cannot serve. The cluster's logs stay under target/ (standalone-*).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("slow")
class SparkSweepTest {
  static Path dir;
  static LocalCluster cluster;
  static SweepResult threads;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "standalone-");
    cluster = LocalCluster.start(dir, 2, 1200);
    threads = Grid.sweep().on(Bitlab.threads(2)).run();
    assertEquals(8, threads.rows().size(), threads.toString());
  }

  @AfterAll
  static void stop() {
    Contexts.close();
    if (cluster != null) cluster.close();
  }

  /** Every test but one runs in one application on the cluster, its executors of 512 MB started once. */
  static Runner onCluster() {
    return onCluster("512m");
  }

  static Runner onCluster(String executorMemory) {
    return Bitlab.spark(cluster.master())
        .conf("spark.driver.host", "127.0.0.1")
        .conf("spark.driver.bindAddress", "127.0.0.1")
        .conf("spark.executor.memory", executorMemory);
  }

  @Test
  @Order(1)
  void theGridGivesTheSameRowsOnLocalSpark() {
    SweepResult local = Grid.sweep().on(Bitlab.spark("local[2]")).run();
    assertSame(threads, local);
    assertTrue(local.runner().startsWith("Spark 4.0.1 at local[2]"), local.runner());
  }

  @Test
  @Order(2)
  void theGridGivesTheSameRowsOnTwoWorkers() {
    SweepResult spark = Grid.sweep()
        .on(onCluster())
        .to(dir.resolve("two-workers.csv").toString())
        .run();
    System.out.println(spark);
    assertSame(threads, spark);
    assertEquals(
        2,
        spark.rows().stream().map(SweepRow::worker).distinct().count(),
        "both workers ran jobs: " + spark);
  }

  @Test
  @Order(3)
  void aWorkerKilledMidSweepLosesNoRowAndDuplicatesNone() throws Exception {
    Path csv = dir.resolve("killed.csv");
    ExecutorService driver = Executors.newSingleThreadExecutor();
    try {
      Future<SweepResult> running =
          driver.submit(() -> Grid.sweep().on(onCluster()).to(csv.toString()).run());
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (!Files.exists(csv) || Files.readAllLines(csv).size() < 1 + 2) {
        assertTrue(
            System.nanoTime() < deadline && !running.isDone(), "no two rows within 3 minutes");
        Thread.sleep(20);
      }
      cluster.killWorker(0);
      SweepResult r = running.get(5, TimeUnit.MINUTES);
      assertTrue(r.failures().isEmpty(), r.failures().toString());
      assertSame(threads, r);
      List<String> lines = Files.readAllLines(csv);
      assertEquals(1 + 8, lines.size(), String.join("\n", lines));
      assertEquals(
          8,
          lines.stream().skip(1).map(l -> l.split(",")[1]).distinct().count(),
          "each job's row once");
    } finally {
      driver.shutdownNow();
    }
    cluster.addWorker(); // the cluster has two workers again for the tests after this one
    cluster.awaitWorkers(2);
  }

  @Test
  @Order(4)
  void anExecutorOutOfMemoryAndAJobThatThrowsFailAloneWithTheirSentences() {
    // 47 million weights (188 MB): more than an executor of 512 MB holds while it receives and
    // decodes them
    Model huge = Model.builder("huge", Shape.image(1, 28, 28))
        .flatten("flat")
        .linear("fc1", 60_000)
        .relu("r")
        .linear("fc2", 10)
        .build(1);
    SweepResult r = Bitlab.sweep()
        .models(Bitlab.zoo("lenet5"), huge)
        .data(Grid.data())
        .targets("bismo-edge")
        .latency(0.01)
        .methods("uniform", "W8A8")
        .images(100, 32)
        .on(onCluster())
        .run();
    System.out.println(r);
    assertEquals(
        List.of("lenet5|W8A8"),
        r.rows().stream().map(x -> x.model() + "|" + x.method()).toList());
    Map<String, String> failed =
        r.failures().stream().collect(Collectors.toMap(f -> f.job().describe(), JobResult::error));
    assertEquals(3, failed.size(), failed.toString());
    String budget = failed.get("job 1 (uniform of lenet5 on bismo-edge, latency 0.01)");
    assertTrue(
        budget.startsWith(
            "Job 1 (uniform of lenet5 on bismo-edge, latency 0.01) failed: The budget latency at most 0.01 of the all-8-bit latency cannot be met: the cheapest reachable is "),
        budget);
    assertTrue(budget.endsWith("raise the budget to at least that, or allow fewer bits."), budget);
    for (String job : List.of(
        "job 3 (uniform of huge on bismo-edge, latency 0.01)",
        "job 4 (W8A8 of huge on bismo-edge)")) {
      String oom = failed.get(job);
      assertTrue(
          oom.contains("ran out of memory")
              && oom.contains("give executors more memory with spark.executor.memory (now 512m"),
          oom);
    }
  }

  @Test
  @Order(5)
  void aClusterWithNoRoomForAnExecutorIsASentenceAfterTheWait() {
    System.setProperty(Contexts.WAIT, "5");
    try {
      SweepException e = assertThrows(
          SweepException.class,
          () -> Grid.sweep().methods("W8A8").on(onCluster("64g")).run());
      assertTrue(
          e.getMessage()
              .startsWith(
                  "No executor joined bitlab's application at " + cluster.master() + " within 5 s"),
          e.getMessage());
      assertTrue(e.getMessage().contains("64g of memory (spark.executor.memory)"), e.getMessage());
    } finally {
      System.clearProperty(Contexts.WAIT);
    }
  }

  @Test
  @Order(6)
  void mastersThatCannotServeAreOneSentence() {
    SweepException refused = assertThrows(
        SweepException.class,
        () -> Grid.sweep().on(Bitlab.spark("spark://127.0.0.1:1")).run());
    assertTrue(
        refused
            .getMessage()
            .startsWith("No Spark master answers at spark://127.0.0.1:1: tried 127.0.0.1:1 ("),
        refused.getMessage());
    assertTrue(
        refused.getMessage().contains("spark(\"local[*]\") runs the sweep in this JVM instead"),
        refused.getMessage());
    SweepException yarn = assertThrows(
        SweepException.class, () -> Grid.sweep().on(Bitlab.spark("yarn")).run());
    assertTrue(
        yarn.getMessage()
            .startsWith(
                "Spark could not start on yarn: Could not parse Master URL: 'yarn'; bitlab runs on local[N] and "
                    + "spark://HOST:PORT masters"),
        yarn.getMessage());
  }

  static void assertSame(SweepResult expected, SweepResult actual) {
    assertEquals(expected.rows().size(), actual.rows().size(), actual.toString());
    Map<String, SweepRow> byKey =
        actual.rows().stream().collect(Collectors.toMap(SweepRow::key, r -> r));
    for (SweepRow r : expected.rows())
      assertTrue(r.sameResult(byKey.get(r.key())), r + "\n against " + byKey.get(r.key()));
  }
}
