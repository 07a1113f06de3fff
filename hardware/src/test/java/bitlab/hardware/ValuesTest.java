package bitlab.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void bitsAcceptQuantizedAndUnquantizedWidthsOnly() {
    for (int b = 1; b <= 8; b++) assertTrue(Bits.valid(b));
    assertTrue(Bits.valid(16));
    assertTrue(Bits.valid(32));
    for (int b : new int[] {0, -1, 9, 12, 15, 17, 31, 33, 64}) {
      assertFalse(Bits.valid(b));
      int bad = b;
      PolicyException e = assertThrows(PolicyException.class, () -> Bits.of(bad, 8));
      assertTrue(
          e.getMessage().contains(bad + " bits") && e.getMessage().contains("1..8"),
          e.getMessage());
    }
  }

  @Test
  void slotsRoundTrip() {
    for (int s = 0; s < Bits.SLOTS; s++) assertEquals(s, Bits.slot(Bits.width(s)));
    assertEquals(8, Bits.slot(16));
    assertEquals(9, Bits.slot(32));
  }

  @Test
  void costsAddUp() {
    Cost a = new Cost(0.001, 0.5);
    Cost b = new Cost(0.002, 0.25);
    Cost sum = a.plus(b);
    assertEquals(0.003, sum.seconds(), 1e-15);
    assertEquals(0.75, sum.joules(), 1e-15);
    assertEquals(3.0, sum.millis(), 1e-12);
    assertEquals(a, sum.minus(b));
    assertEquals(new Cost(0.002, 1.0), a.times(2));
    assertThrows(IllegalArgumentException.class, () -> new Cost(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Cost(Double.NaN, 0));
  }

  @Test
  void boundnessAndRatio() {
    LayerCost compute = new LayerCost(0, "x", Bits.W8A8, 1e6, 1e5, 4e-3, 1e-3, new Cost(4e-3, 0));
    assertEquals(Bound.COMPUTE, compute.bound());
    assertEquals(4.0, compute.boundRatio(), 1e-12);
    LayerCost memory = new LayerCost(0, "x", Bits.W8A8, 1e6, 1e6, 1e-3, 3e-3, new Cost(3e-3, 0));
    assertEquals(Bound.MEMORY, memory.bound());
    assertEquals(3.0, memory.boundRatio(), 1e-12);
    LayerCost measured = LayerCost.measured(0, "x", Bits.W8A8, 1e6, new Cost(1, 0));
    assertEquals(Bound.UNKNOWN, measured.bound());
    assertTrue(Double.isNaN(measured.boundRatio()));
    assertEquals(10, compute.intensity(), 1e-12);
    assertEquals(2.5e8, compute.attainedMacsPerSecond(), 1e-3);
    assertTrue(Double.isNaN(measured.intensity()));
  }

  @Test
  void workloadGemmShapes() {
    LayerWorkload dw =
        new LayerWorkload("dw", LayerWorkload.Kind.CONV, 32, 32, 3, 3, 1, 32, 112, 112, 112, 112);
    assertTrue(dw.depthwise());
    assertEquals(1, dw.outputChannelsPerGroup());
    assertEquals(9, dw.reduction());
    assertEquals(112L * 112, dw.outputPixels());
    assertEquals(
        dw.macs(),
        (long) dw.groups() * dw.outputChannelsPerGroup() * dw.reduction() * dw.outputPixels());
    LayerWorkload fc = LayerWorkload.linear("fc", 1024, 1000);
    assertEquals(1024, fc.reduction());
    assertEquals(1024L * 1000, fc.macs());
  }
}
