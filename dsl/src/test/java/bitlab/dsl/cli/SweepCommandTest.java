package bitlab.dsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("slow")
class SweepCommandTest {
  @TempDir
  Path dir;

  @Test
  void aSweepWritesItsRowsAndChartAndAFailedJobIsASentenceOnStderrWithStatus2() throws Exception {
    Path csv = dir.resolve("s.csv");
    Path png = dir.resolve("s.png");
    MainTest.Run r = MainTest.run(
        "sweep",
        "--models",
        "lenet5",
        "--subset",
        "1200/300",
        "--targets",
        "bismo-edge",
        "--latency",
        "0.5,0.02",
        "--methods",
        "uniform,W8A8",
        "--val-images",
        "100",
        "--calib-images",
        "32",
        "--threads",
        "1",
        "--out",
        csv.toString(),
        "--chart",
        png.toString(),
        "--json");
    assertEquals(2, r.status(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(3, o.get("jobs").getAsInt());
    JsonArray rows = o.getAsJsonArray("rows");
    assertEquals(2, rows.size(), r.out());
    assertEquals("uniform", rows.get(0).getAsJsonObject().get("method").getAsString());
    assertTrue(
        r.err()
            .contains(
                "bitlab sweep: Job 3 (uniform of lenet5 on bismo-edge, latency 0.02) failed: The budget latency at most 0.02 of the all-8-bit latency cannot be met"),
        r.err());
    assertEquals(3, Files.readAllLines(csv).size());
    assertTrue(Files.size(png) > 1000);
  }

  @Test
  void thePlanListsTheJobsAndBadOptionsAreOneSentence() {
    MainTest.Run plan = MainTest.run(
        "sweep",
        "--models",
        "lenet5,resnet-mini",
        "--targets",
        "bismo-edge",
        "--latency",
        "0.5,0.7",
        "--methods",
        "haq,uniform",
        "--seeds",
        "1,2,3",
        "--plan",
        "--json");
    assertEquals(0, plan.status(), plan.err());
    assertEquals(
        2 * 2 * (3 + 1), JsonParser.parseString(plan.out()).getAsJsonArray().size());
    MainTest.Run both = MainTest.run(
        "sweep", "--models", "lenet5", "--size", "0.5", "--master", "local[2]", "--threads", "2");
    assertEquals(2, both.status());
    assertTrue(
        both.err().contains("--threads runs jobs here and --master on Spark: give one of them."),
        both.err());
    MainTest.Run subset =
        MainTest.run("sweep", "--models", "lenet5", "--size", "0.5", "--subset", "half");
    assertEquals(2, subset.status());
    assertTrue(subset.err().contains("--subset takes TRAIN/TEST image counts"), subset.err());
  }
}
