package bitlab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The integer bench flags a row far below its model's other widths, so a cliff like issue 23's cannot pass unseen. */
class IntegerBenchTest {
  private static IntegerBench.Row row(double ms, boolean settled) {
    return new IntegerBench.Row("W8A8", new double[] {ms, 1, 1, 1}, settled);
  }

  @Test
  void a_row_far_slower_than_its_fastest_width_is_flagged() {
    // issue 23's cliff: 3,862.86 ms at W8A8 against 104.26 ms at W7A8
    String why = IntegerBench.flag(row(3862.86, true), 104.26);
    assertTrue(why.startsWith("37.1x the time of the fastest width"), why);
    assertTrue(IntegerBench.flag(row(2.6, true), 1.0).contains("2.6x"));
  }

  @Test
  void rows_within_the_ratio_or_a_millisecond_are_not_flagged() {
    assertEquals("", IntegerBench.flag(row(2.4, true), 1.0), "within 2.5x");
    assertEquals(
        "", IntegerBench.flag(row(0.9, true), 0.1), "9x, but less than a millisecond apart");
    assertEquals("", IntegerBench.flag(row(104.26, true), 104.26), "the fastest itself");
  }

  @Test
  void a_row_timed_before_its_kernels_settled_is_flagged() {
    assertTrue(IntegerBench.flag(row(1.0, false), 1.0)
        .contains("before every layer's kernel had settled"));
  }
}
