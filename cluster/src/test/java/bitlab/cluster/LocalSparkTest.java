package bitlab.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.dsl.Bitlab;
import bitlab.dsl.sweep.SweepResult;
import bitlab.dsl.sweep.job.SweepRow;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class LocalSparkTest {
  @AfterAll static void stop() { Contexts.close(); }

  @Test void theGridGivesTheSameRowsOnThreadsAndOnLocalSpark() {
    SweepResult threads = Grid.sweep().on(Bitlab.threads(2)).run();
    SweepResult spark = Grid.sweep().on(Bitlab.spark("local[2]")).run();
    System.out.println(spark);
    assertEquals(16, threads.rows().size(), threads.toString());
    assertEquals(16, spark.rows().size(), spark.toString());
    Map<String, SweepRow> byKey = spark.rows().stream().collect(Collectors.toMap(SweepRow::key, r -> r));
    for (SweepRow r : threads.rows()) assertTrue(r.sameResult(byKey.get(r.key())), r + "\n against " + byKey.get(r.key()));
  }
}
