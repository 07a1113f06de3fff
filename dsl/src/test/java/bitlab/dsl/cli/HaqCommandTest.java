package bitlab.dsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HaqCommandTest {
  @Test
  void aBudgetIsRequiredAndOnlyOne() {
    MainTest.Run none = MainTest.run("haq", "lenet5", "--target", "bismo-edge");
    assertEquals(2, none.status());
    assertTrue(none.err().contains("--latency") && none.err().contains("--size"), none.err());
    MainTest.Run two = MainTest.run("haq", "lenet5", "--target", "bismo-edge", "--latency", "0.5", "--size", "0.5");
    assertEquals(2, two.status());
    assertTrue(two.err().contains("mutually exclusive"), two.err());
  }

  @Test
  void anUnreachableBudgetAndZeroEpisodesExitWithOneSentence() {
    MainTest.Run tight = MainTest.run("haq", "lenet5", "--target", "bismo-edge", "--latency", "0.01");
    assertEquals(2, tight.status());
    assertTrue(tight.err().contains("cannot be met") && tight.err().contains("least any policy reaches"), tight.err());
    MainTest.Run none = MainTest.run("haq", "lenet5", "--target", "bismo-edge", "--latency", "0.6", "--episodes", "0");
    assertEquals(2, none.status());
    assertTrue(none.err().contains("at least 1 episode"), none.err());
  }
}
