package bitlab.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.dsl.Bitlab;
import bitlab.dsl.sweep.Runner;
import bitlab.dsl.sweep.SweepResult;
import bitlab.dsl.sweep.job.SweepRow;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The grid on a standalone cluster of two one-core workers on the loopback interface, against the same grid on threads. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneSparkTest {
  static Path dir;
  static LocalCluster cluster;
  static SweepResult threads;

  @BeforeAll static void start() throws Exception {
    // not a temporary folder: the master's, workers' and executors' logs stay in target/ for a failed run
    dir = java.nio.file.Files.createTempDirectory(java.nio.file.Files.createDirectories(Path.of("target")), "standalone-");
    cluster = LocalCluster.start(dir, 2, 1200);
    threads = Grid.sweep().on(Bitlab.threads(2)).run();
    assertEquals(16, threads.rows().size(), threads.toString());
  }

  @AfterAll static void stop() {
    Contexts.close();
    if (cluster != null) cluster.close();
  }

  static Runner onCluster() {
    return Bitlab.spark(cluster.master()).conf("spark.driver.host", "127.0.0.1").conf("spark.driver.bindAddress", "127.0.0.1")
        .conf("spark.executor.memory", "1g");
  }

  @Test @Order(1) void theGridGivesTheSameRowsOnTwoWorkers() {
    SweepResult spark = Grid.sweep().on(onCluster()).to(dir.resolve("two-workers.csv").toString()).run();
    System.out.println(spark);
    assertSame(threads, spark);
    assertEquals(2, spark.rows().stream().map(SweepRow::worker).distinct().count(), "both workers ran jobs");
  }

  static void assertSame(SweepResult expected, SweepResult actual) {
    assertEquals(expected.rows().size(), actual.rows().size(), actual.toString());
    Map<String, SweepRow> byKey = actual.rows().stream().collect(Collectors.toMap(SweepRow::key, r -> r));
    for (SweepRow r : expected.rows()) assertTrue(r.sameResult(byKey.get(r.key())), r + "\n against " + byKey.get(r.key()));
  }
}
