package bitlab.integer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Datasets;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.Quantizer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("slow")
class LatencyTest {

  @Test
  void measuresEachBatchOnAllThreePathsAndRefusesEmptyRuns() {
    Model net = Zoo.load("lenet5");
    IntegerModel iq = Deployment.integer(Quantizer.ptq(
        net, Policy.uniform(net, 8, 8), Datasets.mnist().train().take(32), PtqConfig.DEFAULT));
    Latency l = Latency.measure(iq, 3, 1, 4);
    assertEquals(2, l.rows().size());
    assertEquals(4, l.rows().get(1).batch());
    for (Latency.Row r : l.rows()) {
      assertTrue(r.integerMs() > 0 && r.fp32Ms() > 0 && r.fakeQuantMs() > 0, r.toString());
      assertEquals(1e3 * r.batch() / r.integerMs(), r.integerImagesPerSecond(), 1e-9);
    }
    assertTrue(l.toString().contains("lenet5"), l.toString());
    IntegerException none = assertThrows(IntegerException.class, () -> Latency.measure(iq, 0, 1));
    assertEquals("Measure at least one round, got 0.", none.getMessage());
    assertThrows(IntegerException.class, () -> Latency.measure(iq, 1, 0));
  }

  @Test
  void aSmallProgramIsWarmedForItsCallsNotOnlyForTwoSeconds() {
    long s = 1_000_000_000L;
    assertTrue(Latency.keepWarming(5, 3 * s, true), "fewer than JIT_CALLS");
    assertTrue(Latency.keepWarming(500, s, true), "under two seconds");
    // a busy machine: two seconds were about 1,000 lenet5 calls, its steps still C1 code
    assertTrue(
        Latency.keepWarming(1_000, 2 * s + 1, true), "fewer than C2_CALLS within five seconds");
    assertEquals(false, Latency.keepWarming(Latency.C2_CALLS, 2 * s + 1, true));
    assertEquals(false, Latency.keepWarming(100, 5 * s + 1, true), "a large program: five seconds");
    assertTrue(Latency.keepWarming(100_000, 100 * s, false), "until every kernel choice settles");
  }
}
