package bitlab.dsl.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.BitlabException;
import bitlab.dsl.Bitlab;
import bitlab.hardware.Bound;
import bitlab.hardware.LayerCost;
import bitlab.hardware.LayerWorkload;
import bitlab.hardware.Target;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayersTest {

  @Test
  void handMadeLayersHaveTheWorkOfTheirShapes() {
    LayerWorkload pw = Bitlab.convLayer("pw", 64, 64, 1, 1, 14);
    assertEquals(64L * 64 * 14 * 14, pw.macs());
    assertEquals(64L * 64, pw.weights());
    LayerWorkload dw = Bitlab.depthwiseLayer("dw", 64, 3, 2, 14);
    assertTrue(dw.depthwise());
    assertEquals(7, dw.outH());
    assertEquals(64L * 9 * 7 * 7, dw.macs());
    LayerWorkload fc = Bitlab.linearLayer("fc", 1024, 10);
    assertEquals(10240, fc.macs());
  }

  @Test
  void theRooflineTargetPricesAHandMadeLayerAsTheFormulaSays() {
    // roofline-cpu: 330e9 int8 MAC/s, 20e9 B/s. A 1x1 conv 64->64 on 14x14 at 8 bits moves
    // 4,096 weight bytes + 12,544 input + 12,544 output bytes: 27.5 MACs per byte, right of the
    // ridge at 16.5.
    Target cpu = Bitlab.hardware("roofline-cpu");
    CostReport r =
        Bitlab.cost(cpu, List.of(Bitlab.convLayer("pw", 64, 64, 1, 1, 14)), Bitlab.bits(8, 8));
    LayerCost c = r.cost().layers().get(0);
    assertEquals(4096 + 2 * 12544, c.dramBytes(), 1e-6);
    assertEquals(802816 / 330e9, c.computeSeconds(), 1e-15);
    assertEquals(29184 / 20e9, c.memorySeconds(), 1e-15);
    assertEquals(Bound.COMPUTE, c.bound());
    assertEquals("pw", r.model());
    // a 3x3 depthwise layer on the same map does 112,896 MACs on 25,664 bytes: 4.4 MACs per byte,
    // memory-bound
    LayerCost d = Bitlab.cost(
            cpu, List.of(Bitlab.depthwiseLayer("dw", 64, 3, 1, 14)), Bitlab.bits(8, 8))
        .cost()
        .layers()
        .get(0);
    assertEquals(112896.0 / 25664, d.intensity(), 1e-9);
    assertEquals(Bound.MEMORY, d.bound());
    CostReport two = Bitlab.cost(
        cpu,
        List.of(
            Bitlab.convLayer("pw", 64, 64, 1, 1, 14), Bitlab.depthwiseLayer("dw", 64, 3, 1, 14)),
        Bitlab.bits(8, 8));
    assertEquals(2, two.cost().layers().size());
    assertEquals("layers", two.model());
  }

  @Test
  void badShapesAreSentences() {
    BitlabException e =
        assertThrows(BitlabException.class, () -> Bitlab.convLayer("big", 3, 8, 7, 1, 5));
    assertEquals(
        "Layer 'big': a 7x7 kernel does not fit a 5x5 input; use a smaller kernel or a larger input.",
        e.getMessage());
    e = assertThrows(BitlabException.class, () -> Bitlab.depthwiseLayer("dw", 1, 3, 1, 8));
    assertEquals(
        "A depthwise layer needs at least 2 channels, got 1; use convLayer(...) for one.",
        e.getMessage());
    e = assertThrows(
        BitlabException.class,
        () -> Bitlab.cost(Bitlab.hardware("roofline-cpu"), List.of(), Bitlab.bits(8, 8)));
    assertTrue(e.getMessage().startsWith("Give at least one layer"), e.getMessage());
  }
}
