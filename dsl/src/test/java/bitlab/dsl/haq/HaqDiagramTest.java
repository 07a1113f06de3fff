package bitlab.dsl.haq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.dsl.Diagrams;
import bitlab.dsl.display.Diagram;
import bitlab.search.haq.Episode;
import bitlab.search.haq.HaqResult;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The HAQ loop is drawn with the numbers of the search it explains. */
class HaqDiagramTest {
  @Test
  void theRewardBoxNamesOnlyTheScoringImages() {
    assertEquals(
        "500 images of mnist/validation[0:500]",
        HaqDiagram.scoringImages(
            "static PTQ (...) calibrated on 256 images, no fine-tuning, integer-only execution, "
                + "scored on 500 images of mnist/validation[0:500]; note: a caveat"));
    assertEquals("the scoring images", HaqDiagram.scoringImages("a synthetic oracle"));
  }

  @Test
  void theLoopCarriesTheSearchsOwnNumbers() {
    HaqResult r = HaqRenderersTest.result();
    Diagram d = Diagrams.haq(r);
    String t = d.text();
    assertEquals(6 + 1, d.svg().split("<rect", -1).length - 1, "six stages and the background");
    int layers = r.layers().size();
    assertTrue(t.contains(2 * layers + " steps per episode (" + layers + " layers × 2)"), t);
    // the default exploration: the uniform frontier's episodes, then the 3 random ones, and the
    // cheapest-first repair
    long warm = r.episodes().stream().filter(Episode::warmup).count();
    assertTrue(warm > 3, "the frontier comes before the 3 random warm-up episodes: " + warm);
    assertTrue(t.contains(warm + " warm-up episodes: the uniform frontier, then random"), t);
    assertTrue(t.contains("cut one bit at a time, the cheapest first; then spend what is left"), t);
    assertTrue(t.contains("bits = round(1.5 + 7·a), 2..8"), t);
    double cuts = r.episodes().stream().mapToInt(Episode::repairs).average().orElseThrow();
    assertTrue(t.contains(String.format(Locale.ROOT, "%.1f cuts per episode", cuts)), t);
    assertTrue(t.contains("reward = 0.1 × (accuracy − 99.00)"), t);
    assertTrue(t.contains("scored without fine-tuning"), t);
    assertTrue(t.contains(String.format(Locale.ROOT, "accuracy %.2f%%", r.best().accuracy())), t);
    int first = r.episodes().stream()
        .filter(e -> e.policy().equals(r.best().policy()))
        .mapToInt(Episode::index)
        .findFirst()
        .orElse(-1);
    if (first >= 0) assertTrue(t.contains("first seen in episode " + first + " of 6"), t);
  }

  @Test
  void thePapersExplorationIsDrawnAsThePapers() {
    var cfg = bitlab.search.haq.HaqConfig.paper(6, 2)
        .withWarmup(3)
        .withDdpg(bitlab.search.haq.DdpgConfig.PAPER.withHidden(16));
    HaqResult r = bitlab.search.haq.Haq.search(
        bitlab.model.Zoo.architecture("mobilenet-v2-mini", 28, 1.0, 0),
        bitlab.hardware.catalogue.Catalogue.builtIn().target("bismo-edge"),
        bitlab.search.Budget.latencyOf8Bit(0.6),
        cfg,
        HaqRenderersTest.ORACLE);
    String t = Diagrams.haq(r).text();
    assertTrue(t.contains("3 warm-up episodes with random actions"), t);
    assertTrue(t.contains("cut one bit at a time, last layer first"), t);
    assertTrue(t.contains("exploration noise σ 0.500"), t);
  }
}
