package bitlab.integer.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A layer's choice on a busy machine: trials of each way alternating, the faster by median, again after each measurement. */
class SplitChoiceTest {

  /** Feeds the trials under {@code measurement}: pieces take {@code split} ns, one piece {@code whole}, one outlier each. */
  private static void trials(SplitChoice c, long measurement, long split, long whole) {
    for (int i = 0; i < 2 * SplitChoice.TRIALS; i++) {
      boolean pieces = c.split(measurement);
      assertTrue(c.timing(), "call " + i + " is a trial");
      assertEquals(i % 2 == 0, pieces, "the trials alternate, pieces first");
      c.took(i == 0 || i == 1 ? 50 * (pieces ? split : whole) : pieces ? split : whole);
    }
    assertFalse(c.timing());
  }

  @Test
  void theFasterWayByMedianIsKeptUntilTheMachineIsMeasuredAgain() {
    SplitChoice c = new SplitChoice();
    trials(c, 1, 100, 300);
    for (int i = 0; i < 5; i++) assertTrue(c.split(1), "pieces were faster");
    c.took(1_000_000); // outside the trials a slow call changes nothing
    assertTrue(c.split(1));
    // the machine was measured again: the layer times its two ways again, and now one piece wins
    trials(c, 2, 400, 120);
    assertFalse(c.splitPays());
    for (int i = 0; i < 5; i++) assertFalse(c.split(2), "one piece was faster");
  }
}
