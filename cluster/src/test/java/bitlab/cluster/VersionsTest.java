package bitlab.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.dsl.sweep.job.JobResult;
import bitlab.dsl.sweep.job.Method;
import bitlab.dsl.sweep.job.SweepJob;
import bitlab.dsl.sweep.job.SweepSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An executor that runs other versions than the driver refuses the job with a sentence, before touching its inputs. */
class VersionsTest {
  @Test
  void anExecutorOfAnotherSparkOrBitlabRefusesTheJob() {
    Versions here = Versions.here();
    assertNull(here.mismatch(here, "executor 1"));
    String spark =
        here.mismatch(new Versions(here.bitlab(), "3.5.1", 17), "Executor 1 of spark://h:7077");
    assertEquals(
        "Executor 1 of spark://h:7077 runs Spark 3.5.1 but bitlab's driver runs Spark "
            + here.spark() + ": run the sweep on a " + "cluster of Spark " + here.spark()
            + " (Scala 2.13), or on spark(\"local[*]\") in this JVM.",
        spark);
    String java = here.mismatch(new Versions(here.bitlab(), here.spark(), 11), "Executor 2");
    assertTrue(java.contains("runs Java 11; bitlab and Spark 4 need Java 17 or newer"), java);

    // what an executor runs: the job carries the driver's versions and is refused before its inputs
    // are looked at
    Versions older = new Versions("0.0.9", here.spark(), here.java());
    SweepJob job = new SweepJob(
        3, "lenet5", "mnist(8000/2000)", "", null, Method.parse("W8A8"), 0, SweepSettings.DEFAULT);
    JobResult r =
        new RunJob(new Cargo("x", Map.of(), Map.of(), null), List.of(), older, 1, "").call(job);
    assertTrue(r.failed());
    assertTrue(
        r.error()
                .startsWith(
                    "The executor that took job 3 (W8A8 of lenet5) (the driver's executor on ")
            || r.error().startsWith("The executor that took job 3 (W8A8 of lenet5) (executor "),
        r.error());
    assertTrue(
        r.error()
            .contains("runs bitlab " + here.bitlab()
                + " but the driver runs bitlab 0.0.9: remove the other bitlab jars"),
        r.error());
  }
}
