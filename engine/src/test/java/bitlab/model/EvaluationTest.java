package bitlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class EvaluationTest {
  @Test
  void theWilsonIntervalMatchesItsFormulaWorkedByHand() {
    // 487 of 500: p = 0.974, z = 1.96; centre (p + z^2/1000) / (1 + z^2/500) = 0.97039,
    // half-width z sqrt(p(1-p)/500 + z^2/10^6) / (1 + z^2/500) = 0.01436
    assertArrayEquals(
        new double[] {0.95603, 0.98474}, new Evaluation("m", "d", 487, 500, 0).interval95(), 1e-5);
    // all right: the interval still has width, its low end at 1 / (1 + z^2/n)
    assertArrayEquals(
        new double[] {500 / (500 + 1.959963984540054 * 1.959963984540054), 1},
        new Evaluation("m", "d", 500, 500, 0).interval95(),
        1e-12);
    assertArrayEquals(new double[] {0, 1}, new Evaluation("m", "d", 0, 0, 0).interval95());
  }
}
