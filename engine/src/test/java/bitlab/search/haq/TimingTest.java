package bitlab.search.haq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TimingTest {
  @Test
  void fineTuningIsThreadTimeSoItMayExceedTheScoringsWallTime() {
    // two threads fine-tuned 20 policies for 3 s each: 60 s of thread time inside 40 s of scoring
    Timing t = new Timing(50, 40, 8, 20, 1, 60);
    assertEquals(
        "50.0 s: scoring 40.0 s (20 policies, 1 cache hits, fine-tuning 60.0 s of thread time (3.00 s per policy)),"
            + " agent 8.0 s, other 2.0 s",
        t.toString());
    assertEquals(
        "5.0 s: scoring 4.0 s (2 policies, 0 cache hits), agent 0.5 s, other 0.5 s",
        new Timing(5, 4, 0.5, 2, 0).toString());
  }
}
