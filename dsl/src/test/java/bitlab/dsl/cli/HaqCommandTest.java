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
}
