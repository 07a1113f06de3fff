package bitlab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The integer bench flags a row far below its model's other widths, so a cliff like issue 23's cannot pass unseen. */
class IntegerBenchTest {
  private static IntegerBench.Row row(String bits, double ms, boolean settled) {
    return new IntegerBench.Row(bits, new double[] {ms, 1, 1, 1}, settled);
  }

  private static List<String> flags(double... ms) {
    return IntegerBench.flags(
        List.of(row("W8A8", ms[0], true), row("W7A8", ms[1], true), row("W4A4", ms[2], true)));
  }

  @Test
  void a_row_far_slower_than_its_fastest_width_is_flagged() {
    // issue 23's cliff: 3,862.86 ms at W8A8 against 104.26 ms at W7A8
    List<String> why = flags(3862.86, 104.26, 109.52);
    assertTrue(why.get(0).startsWith("37.1x the time of the fastest width"), why.get(0));
    assertEquals(List.of("", ""), why.subList(1, 3));
    assertTrue(flags(1.0, 2.6, 1.1).get(1).contains("2.6x"));
  }

  @Test
  void a_slow_row_under_a_millisecond_is_flagged_too() {
    // the first row of a process timed its steps interpreted: lenet5 at batch 1, W8A8 0.90 ms
    // against
    // W7A8 0.20 ms and W4A4 0.13 ms (session 8); the rule then ignored rows under a millisecond
    List<String> why = flags(0.90, 0.20, 0.13);
    assertTrue(
        why.get(0).startsWith("6.9x the time of the fastest width (0.90 ms against 0.13 ms)"),
        why.get(0));
    assertEquals("", why.get(1), "1.5x");
  }

  @Test
  void rows_within_the_ratio_are_not_flagged() {
    assertEquals(List.of("", "", ""), flags(2.4, 1.0, 1.7), "within 2.5x");
    assertEquals(List.of("", "", ""), flags(0.24, 0.1, 0.1), "within 2.5x, under a millisecond");
    assertEquals(List.of("", "", ""), flags(104.26, 104.26, 104.26), "the fastest itself");
  }

  @Test
  void a_row_timed_before_its_kernels_settled_is_flagged() {
    List<String> why = IntegerBench.flags(List.of(row("W8A8", 1.0, false), row("W7A8", 1.0, true)));
    assertTrue(why.get(0).contains("before every layer's kernel had settled"), why.get(0));
    assertEquals("", why.get(1));
  }

  @Test
  void theSpreadIsTheInterquartileRangeOverTheMedian() {
    // 7 rounds sorted 10..16: quartiles at positions 1.5 and 4.5 (11.5 and 14.5), median 13: 3/13
    assertEquals(
        100.0 * 3 / 13, IntegerBench.spread(new double[] {16, 10, 13, 12, 11, 15, 14}), 1e-9);
    // one wild round (900 for 14) moves the upper quartile by a rank (14.5 to 15.5), not by its
    // size
    assertEquals(
        100.0 * 4 / 13, IntegerBench.spread(new double[] {16, 10, 13, 12, 11, 15, 900}), 1e-9);
    assertEquals(0, IntegerBench.spread(new double[] {5, 5, 5, 5, 5}), 0);
    // 5 rounds: the 2nd and 4th of the sorted times
    assertEquals(100.0 * (4 - 2) / 3, IntegerBench.spread(new double[] {1, 2, 3, 4, 50}), 1e-9);
    double[][] samples = {{3, 1, 2}, {10, 30, 20}};
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        new double[] {2, 20}, IntegerBench.medians(samples), 1e-12);
    assertTrue(
        Double.isNaN(row("W8A8", 1, true).spread()[0]), "a row made without samples has no spread");
  }
}
