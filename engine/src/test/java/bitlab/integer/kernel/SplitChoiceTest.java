package bitlab.integer.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A layer shape's choice on a busy machine: trials of each way alternating, pieces unless one piece is clearly faster. */
class SplitChoiceTest {

  /** Feeds the trials: pieces take {@code split} ns, one piece {@code whole}, one outlier each. */
  private static void trials(SplitChoice c, long split, long whole) {
    for (int i = 0; i < 2 * SplitChoice.TRIALS; i++) {
      boolean pieces = c.split();
      assertTrue(c.timing(), "call " + i + " is a trial");
      assertEquals(i % 2 == 0, pieces, "the trials alternate, pieces first");
      c.took(i == 0 || i == 1 ? 50 * (pieces ? split : whole) : pieces ? split : whole);
    }
    assertFalse(c.timing());
  }

  @Test
  void oneClearlyFasterPieceWinsAndTheChoiceStays() {
    SplitChoice c = SplitChoice.forShape("one clearly faster piece");
    trials(c, 400, 120);
    assertFalse(c.splitPays());
    for (int i = 0; i < 5; i++) assertFalse(c.split(), "one piece was faster");
    c.took(1); // outside the trials a call changes nothing
    assertFalse(c.split());
  }

  @Test
  void aNearTieKeepsThePieces() {
    SplitChoice c = SplitChoice.forShape("a near tie");
    trials(c, 100, 95); // one piece 5% faster: within the margin
    assertTrue(c.splitPays());
    assertTrue(c.split());
  }

  @Test
  void theRuleIsThePiecesUnlessOnePieceBeatsThemByTheMargin() {
    long[] pieces = {100, 100, 100};
    assertFalse(SplitChoice.wholePays(pieces, new long[] {91, 91, 91}, 0.10));
    assertFalse(
        SplitChoice.wholePays(pieces, new long[] {90, 90, 90}, 0.10),
        "exactly the margin keeps pieces");
    assertTrue(SplitChoice.wholePays(pieces, new long[] {89, 89, 89}, 0.10));
    // by median: one slow outlier of the pieces does not make one piece win
    assertFalse(SplitChoice.wholePays(new long[] {100, 5000, 100}, new long[] {95, 95, 95}, 0.10));
  }

  @Test
  void programsOfOneShapeShareOneChoice() {
    assertSame(SplitChoice.forShape("shape A"), SplitChoice.forShape("shape A"));
    assertFalse(SplitChoice.forShape("shape A") == SplitChoice.forShape("shape B"));
  }
}
