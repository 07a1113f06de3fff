package bitlab.dsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HaqCommandTest {
  /** {@code haq lenet5 --target bismo-edge --latency 0.5} and {@code more}. */
  private static MainTest.Run onEdgeAtHalf(String... more) {
    String[] args = {"haq", "lenet5", "--target", "bismo-edge", "--latency", "0.5"};
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return MainTest.run(all);
  }

  @Test
  void aBudgetIsRequiredAndOnlyOne() {
    MainTest.Run none = MainTest.run("haq", "lenet5", "--target", "bismo-edge");
    assertEquals(2, none.status());
    assertTrue(none.err().contains("--latency") && none.err().contains("--size"), none.err());
    MainTest.Run two = onEdgeAtHalf("--size", "0.5");
    assertEquals(2, two.status());
    assertTrue(two.err().contains("mutually exclusive"), two.err());
  }

  @Test
  void anUnreachableBudgetAndZeroEpisodesExitWithOneSentence() {
    MainTest.Run tight =
        MainTest.run("haq", "lenet5", "--target", "bismo-edge", "--latency", "0.01");
    assertEquals(2, tight.status());
    assertTrue(
        tight.err().contains("cannot be met") && tight.err().contains("the cheapest reachable is"),
        tight.err());
    MainTest.Run none = MainTest.run(
        "haq", "lenet5", "--target", "bismo-edge", "--latency", "0.6", "--episodes", "0");
    assertEquals(2, none.status());
    assertTrue(none.err().contains("at least 1 episode"), none.err());
  }

  @Test
  void fineTuningIsAskedForAndReportedInTheJson() {
    MainTest.Run r = MainTest.run(
        "haq",
        "lenet5",
        "--target",
        "bismo-edge",
        "--latency",
        "0.6",
        "--episodes",
        "2",
        "--warmup",
        "2",
        "--no-baselines",
        "--eval-images",
        "100",
        "--finetune",
        "3",
        "--json");
    assertEquals(0, r.status(), r.err());
    String json = r.out().replaceAll("\\s+", "");
    assertTrue(
        json.contains("\"finetune\":{\"on\":true,\"stepsPerPolicy\":3,\"batchSize\":64"), r.out());
    assertTrue(r.out().contains("fine-tuned 3 steps of 64 training images"), r.out());
    MainTest.Run bad = MainTest.run(
        "haq", "lenet5", "--target", "bismo-edge", "--latency", "0.6", "--finetune", "lots");
    assertEquals(2, bad.status());
    assertTrue(bad.err().contains("--finetune takes a number of steps"), bad.err());
  }

  @Test
  void kmeansSearchesWeightWidthsUnderASizeBudgetWithCodebooks() {
    MainTest.Run r = MainTest.run(
        "haq",
        "lenet5",
        "--kmeans",
        "--size",
        "0.3",
        "--episodes",
        "2",
        "--warmup",
        "2",
        "--no-baselines",
        "--eval-images",
        "100",
        "--json");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("k-means weight sharing per layer"), r.out());
    assertTrue(r.out().contains("simulated float look-up"), r.out());
    MainTest.Run bad = MainTest.run(
        "haq",
        "lenet5",
        "--kmeans",
        "--target",
        "bismo-edge",
        "--latency",
        "0.5",
        "--episodes",
        "2");
    assertEquals(2, bad.status());
    assertTrue(
        bad.err().contains("k-means weight sharing is searched under a size budget"), bad.err());
  }

  @Test
  void aRecheckScoresEachMethodsFinalistsOnEveryValidationImage() {
    MainTest.Run r =
        onEdgeAtHalf("--episodes", "4", "--warmup", "4", "--eval-images", "100", "--recheck", "2");
    assertEquals(0, r.status(), r.err());
    assertTrue(
        r.out().contains("the 2 best policies of each method re-scored on 1600 validation images"),
        r.out());
    assertTrue(
        r.out()
            .contains("(accuracy on 1600 validation images; before the re-check, on the search's"
                + " images, each method picked: HAQ "),
        r.out());
    MainTest.Run bad = onEdgeAtHalf("--eval-images", "1600", "--recheck", "2");
    assertEquals(2, bad.status());
    assertTrue(
        bad.err()
            .contains(
                "Re-checking the finalists on 1600 validation images cannot tell them apart better"
                    + " than the 1600 the search scored them on; re-check on more images than the search"
                    + " scores on."),
        bad.err());
  }

  @Test
  void aRecheckAveragedOverFineTuneSeedsSaysSoAndIsRefusedWithoutWhatItNeeds() {
    MainTest.Run r = onEdgeAtHalf(
        "--episodes",
        "4",
        "--warmup",
        "4",
        "--eval-images",
        "100",
        "--finetune",
        "2",
        "--recheck",
        "2",
        "--recheck-seeds",
        "2");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains(", averaged over 2 fine-tune seeds,"), r.out());
    MainTest.Run noRecheck = onEdgeAtHalf("--recheck-seeds", "2");
    assertEquals(2, noRecheck.status());
    assertTrue(
        noRecheck
            .err()
            .contains(
                "--recheck-seeds averages the re-check of each method's finalists and there is no"
                    + " re-check; add --recheck K (e.g. --recheck 3)."),
        noRecheck.err());
    MainTest.Run noFinetune =
        onEdgeAtHalf("--eval-images", "100", "--recheck", "2", "--recheck-seeds", "3");
    assertEquals(2, noFinetune.status());
    assertTrue(
        noFinetune
            .err()
            .contains(
                "Averaging the re-check over 3 fine-tune seeds needs fine-tuning, and it is off"),
        noFinetune.err());
  }

  @Test
  void anUnknownExplorationIsRefusedInOneSentence() {
    MainTest.Run bad = onEdgeAtHalf("--explore", "wide");
    assertEquals(2, bad.status());
    assertTrue(
        bad.err()
            .contains(
                "Exploration 'wide' is not known; use 'paper' (HAQ as published) or 'uniform'"),
        bad.err());
  }

  @Test
  void theDefaultExplorationIsTheFrontierStartAndThePapersIsAskedFor() {
    String[] common = {
      "haq",
      "lenet5",
      "--target",
      "bismo-edge",
      "--latency",
      "0.6",
      "--episodes",
      "2",
      "--warmup",
      "1",
      "--no-baselines",
      "--eval-images",
      "100"
    };
    MainTest.Run byDefault = MainTest.run(common);
    assertEquals(0, byDefault.status(), byDefault.err());
    assertTrue(
        byDefault.out().contains("exploration from the uniform frontier")
            && byDefault.out().contains("noise 0.3"),
        byDefault.out());
    String[] paper = java.util.Arrays.copyOf(common, common.length + 2);
    paper[common.length] = "--explore";
    paper[common.length + 1] = "paper";
    MainTest.Run published = MainTest.run(paper);
    assertEquals(0, published.status(), published.err());
    assertTrue(
        published
                .out()
                .contains(
                    "exploration the paper's (random warm-up), repair cuts from the last layer back")
            && published.out().contains("noise 0.5"),
        published.out());
  }
}
