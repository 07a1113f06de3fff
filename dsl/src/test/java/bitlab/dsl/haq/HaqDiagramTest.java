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
    assertTrue(t.contains("3 warm-up episodes with random actions"), t);
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
}
