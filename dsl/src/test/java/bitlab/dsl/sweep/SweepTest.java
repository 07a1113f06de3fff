package bitlab.dsl.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.dsl.Bitlab;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.sweep.job.JobRunner;
import bitlab.dsl.sweep.job.LiveInputs;
import bitlab.dsl.sweep.job.SweepException;
import bitlab.dsl.sweep.job.SweepJob;
import bitlab.dsl.sweep.job.SweepRow;
import bitlab.dsl.sweep.ship.Shipment;
import bitlab.dsl.sweep.ship.ShippedInputs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep on threads end to end: the grid, its rows, the file, resuming after a stop or a crash, shipped inputs. */
@Tag("slow")
class SweepTest {
  @TempDir
  static Path dir;

  static SweepResult first;
  static Path csv;

  @BeforeAll
  static void runTheGridOnce() {
    csv = dir.resolve("grid.csv");
    first = SweepFixtures.grid().to(csv.toString()).on(Bitlab.threads(2)).run();
  }

  @Test
  void theGridCollapsesJobsThatWouldRepeatAComputation() {
    List<SweepJob> jobs = SweepFixtures.grid().jobs();
    assertEquals(16, jobs.size(), jobs.toString());
    assertEquals(
        List.of("haq", "haq", "hawq", "hawq", "random", "random", "uniform", "W8A8"),
        jobs.subList(0, 8).stream().map(j -> j.method().label()).toList());
    assertEquals(
        List.of("bismo-edge", "bitfusion"),
        jobs.stream().map(SweepJob::target).distinct().toList());
    // two targets, but a size budget does not depend on the target: its jobs are made once
    List<SweepJob> sized = Bitlab.sweep()
        .models("lenet5")
        .targets("bismo-edge", "bitfusion")
        .size(0.5)
        .latency(0.5)
        .methods("uniform")
        .jobs();
    assertEquals(3, sized.size(), sized.toString());
    assertEquals(
        List.of("", "bismo-edge", "bitfusion"),
        sized.stream().map(SweepJob::target).toList());
  }

  @Test
  void everyJobGivesARowWithItsPolicyAccuraciesAndCostsOnEveryTarget() {
    assertEquals(16, first.rows().size(), first.toString());
    assertTrue(first.failures().isEmpty(), first.failures().toString());
    for (SweepRow r : first.rows()) {
      // above chance (10%): four random policies may all hold a 2-bit layer, which costs LeNet-5
      // half its accuracy
      assertTrue(r.validationAccuracy() > 20 && r.validationAccuracy() <= 100, r.toString());
      assertTrue(r.testAccuracy() > 20 && r.testAccuracy() <= 100, r.toString());
      assertEquals(5, r.policy().split(" ").length, r.policy());
      assertTrue(
          r.costs().get("latency_ms@bismo-edge") > 0 && r.costs().get("latency_ms@bitfusion") > 0,
          r.costs().toString());
      if (!r.method().equals("W8A8"))
        assertTrue(
            r.costVs8Bit() <= 0.5 + 1e-9, r.method() + " over its budget: " + r.costVs8Bit());
      assertTrue(
          r.provenance().contains("validation: 150 of the")
              && r.provenance().contains("validation part")
              && !r.provenance().contains("carved"),
          r.provenance());
      assertTrue(
          r.policiesScored() >= 1
              && r.scoringSeconds() > 0
              && r.scoringSeconds() < 2 * r.seconds() + 1,
          r.toString());
      assertEquals(r.method().equals("haq"), r.agentSeconds() > 0, r.toString());
    }
    SweepRow w8 =
        first.rows().stream().filter(r -> r.method().equals("W8A8")).findFirst().orElseThrow();
    assertEquals(1.0, w8.costVs8Bit(), 1e-12);
    // the same policy priced on both targets: its row on bismo-edge has bitfusion's latency too
    SweepRow w8fusion = first.rows().stream()
        .filter(r -> r.method().equals("W8A8") && r.target().equals("bitfusion"))
        .findFirst()
        .orElseThrow();
    assertEquals(w8.costs(), w8fusion.costs());
    MimeBundle b = first.render();
    assertTrue(b.data().get(MimeBundle.HTML).contains("<table")
        && b.data().get(MimeBundle.HTML).contains("data:image/png"));
  }

  @Test
  void theFileHoldsEveryRowOnceAndReadsBackTheSameResults() throws Exception {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    assertEquals(1 + 16, lines.size());
    SweepResult again =
        SweepFixtures.grid().to(csv.toString()).on(Bitlab.threads(2)).run();
    assertEquals(16, again.resumed());
    assertSame(first.rows(), again.rows());
    assertEquals(
        lines,
        Files.readAllLines(csv, StandardCharsets.UTF_8),
        "a finished sweep run again writes nothing");
  }

  @Test
  void aCrashMidRowAndALostRowAreRunAgainWithNoRowLostOrDuplicated() throws Exception {
    Path copy = dir.resolve("crashed.csv");
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    // the file as a crash leaves it: fourteen rows whole, the fifteenth cut in the middle of its
    // line, the last never written
    String text = String.join("\n", lines.subList(0, 15)) + "\n"
        + lines.get(15).substring(0, lines.get(15).length() / 2);
    Files.writeString(copy, text, StandardCharsets.UTF_8);
    SweepResult resumed =
        SweepFixtures.grid().to(copy.toString()).on(Bitlab.threads(2)).run();
    assertEquals(14, resumed.resumed());
    assertSame(first.rows(), resumed.rows());
    List<String> after = Files.readAllLines(copy, StandardCharsets.UTF_8);
    assertEquals(17, after.size());
    assertEquals(
        16,
        after.stream().skip(1).map(l -> l.split(",")[1]).distinct().count(),
        "every job's key once");
  }

  @Test
  void shippedInputsGiveTheSameRowsAndAreDecodedOncePerJvm() {
    Sweep grid = SweepFixtures.grid();
    List<SweepJob> jobs = grid.jobs();
    LiveInputs live = new LiveInputs(
        Map.of("lenet5", Bitlab.zoo("lenet5")),
        Map.of(jobs.get(0).data(), SweepFixtures.data()),
        Map.of(
            "bismo-edge",
            Bitlab.hardware("bismo-edge"),
            "bitfusion",
            Bitlab.hardware("bitfusion")));
    ShippedInputs shipped = Shipment.of(live).open();
    for (SweepJob j : List.of(jobs.get(0), jobs.get(4), jobs.get(6), jobs.get(7), jobs.get(8))) {
      SweepRow there = JobRunner.run(j, shipped, List.of("bismo-edge", "bitfusion"), 1, "test");
      assertTrue(
          there.sameResult(first.row(j.index())),
          j + ": " + there + " against " + first.row(j.index()));
    }
    assertEquals(2, shipped.decodes(), "one model and one data set, each decoded once");
  }

  @Test
  void aJobThatFailsLeavesASentenceAndTheOtherRowsStay() {
    SweepResult r = Bitlab.sweep()
        .models("lenet5")
        .data(SweepFixtures.data())
        .targets("bismo-edge")
        .latency(0.5, 0.02)
        .methods("uniform")
        .images(100, 32)
        .on(Bitlab.threads(1))
        .run();
    assertEquals(1, r.rows().size(), r.toString());
    assertEquals(1, r.failures().size());
    String sentence = r.failures().get(0).error();
    assertTrue(
        sentence.startsWith(
            "Job 2 (uniform of lenet5 on bismo-edge, latency 0.02) failed: The budget latency at most 0.02 of the all-8-bit latency cannot be met: the cheapest reachable is "),
        sentence);
    assertTrue(sentence.contains("raise the budget"), sentence);
  }

  @Test
  void badDeclarationsAreOneSentenceEach() {
    assertEquals(
        "Method 'haqq' is not known; use haq, hawq, random, uniform, or a uniform policy to evaluate such as W4A8.",
        assertThrows(SweepException.class, () -> Bitlab.sweep().methods("haqq")).getMessage());
    assertTrue(assertThrows(SweepException.class, () -> Bitlab.sweep().budgets("latency half"))
        .getMessage()
        .contains("e.g. \"latency 0.5\""));
    assertTrue(
        assertThrows(SweepException.class, () -> Bitlab.sweep().models("lenet5").jobs())
            .getMessage()
            .startsWith("Give the sweep budgets"));
    assertTrue(assertThrows(
            SweepException.class,
            () -> Bitlab.sweep().models("lenet5").latency(0.5).jobs())
        .getMessage()
        .startsWith("Latency and energy budgets are priced on hardware"));
    SweepException spark = assertThrows(
        SweepException.class,
        () -> Bitlab.sweep()
            .models("lenet5")
            .size(0.5)
            .methods("uniform")
            .on(Bitlab.spark("local[2]"))
            .run());
    assertTrue(
        spark.getMessage().startsWith("Running a sweep on Spark needs bitlab's cluster module"),
        spark.getMessage());
  }

  @Test
  void aFileOfAnotherSweepOrInUseIsRefused() throws Exception {
    Path other = dir.resolve("other.csv");
    Files.writeString(other, "job,key,model\n1,x,lenet5\n");
    SweepException e = assertThrows(
        SweepException.class, () -> SweepFixtures.grid().to(other.toString()).run());
    assertTrue(
        e.getMessage().startsWith("The results file " + other + " holds another sweep"),
        e.getMessage());
    Path busy = dir.resolve("busy.csv");
    try (RowFile held =
        RowFile.open(busy, SweepRow.columns(List.of()), SweepRow.costColumns(List.of()))) {
      assertNotNull(held);
      SweepException inUse = assertThrows(
          SweepException.class,
          () -> Bitlab.sweep()
              .models("lenet5")
              .size(0.5)
              .methods("uniform")
              .to(busy.toString())
              .run());
      assertTrue(
          inUse.getMessage().contains("is being written by another sweep"), inUse.getMessage());
    }
  }

  static void assertSame(List<SweepRow> a, List<SweepRow> b) {
    assertEquals(a.size(), b.size());
    Map<String, SweepRow> byKey = b.stream().collect(Collectors.toMap(SweepRow::key, r -> r));
    for (SweepRow r : a) {
      SweepRow o = byKey.get(r.key());
      assertNotNull(o, r.key());
      assertTrue(r.sameResult(o), r + "\n against " + o);
    }
    assertFalse(a.isEmpty());
  }
}
