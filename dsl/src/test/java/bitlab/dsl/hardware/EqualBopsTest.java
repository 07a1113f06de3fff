package bitlab.dsl.hardware;

import static bitlab.dsl.Bitlab.bits;
import static bitlab.dsl.Bitlab.bops;
import static bitlab.dsl.Bitlab.cost;
import static bitlab.dsl.Bitlab.equalBops;
import static bitlab.dsl.Bitlab.hardware;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.BitlabException;
import bitlab.hardware.Bits;
import bitlab.hardware.Target;
import bitlab.model.Model;
import java.util.List;
import org.junit.jupiter.api.Test;

class EqualBopsTest {

  @Test
  void exchangesKeepBopsExactlyAndChangeLatency() {
    Model net = Fixtures.mobilenetV1();
    Target edge = hardware("bismo-edge");
    EqualBops e = equalBops(edge, net, bits(4, 4));
    long uniform = bops(net, Bits.W4A4);
    assertEquals(uniform, e.fastest().bops());
    assertEquals(uniform, e.slowest().bops());
    double base = cost(edge, net, bits(4, 4)).total().seconds();
    assertTrue(
        e.fastest().total().seconds() < base && base < e.slowest().total().seconds());
    assertTrue(
        e.ratio() > 1.2,
        "on bismo-edge a depthwise BOP costs far more than a convolution's: " + e.summary());
    for (CostReport r : List.of(e.fastest(), e.slowest())) {
      long changed = r.policy().stream().filter(b -> !b.equals(Bits.W4A4)).count();
      assertEquals(2, changed, r.label());
      assertTrue(
          r.policy().stream().allMatch(b -> b.weights() >= 2 && b.activations() >= 2), r.label());
    }
  }

  @Test
  void sameProductChoicesKeepBopsAndTheFastestBeatsEveryUniformChoice() {
    Model net = Fixtures.mobilenetV1();
    Target gpu = hardware("roofline-gpu");
    List<Bits> choices = List.of(bits(2, 8), bits(4, 4), bits(8, 2));
    EqualBops e = equalBops(gpu, net, choices);
    assertEquals(e.fastest().bops(), e.slowest().bops());
    for (Bits b : choices) {
      double s = cost(gpu, net, b).total().seconds();
      assertTrue(
          e.fastest().total().seconds() <= s * (1 + 1e-12)
              && s <= e.slowest().total().seconds() * (1 + 1e-12),
          b.toString());
    }
    assertTrue(
        e.ratio() > 1.5, "the 4-bit tier runs W4A4 faster than W2A8 or W8A2: " + e.summary());
    BitlabException bad = assertThrows(
        BitlabException.class, () -> equalBops(gpu, net, List.of(bits(2, 8), bits(4, 8))));
    assertTrue(
        bad.getMessage()
            .startsWith("Bit pairs [W2A8, W4A8] do not share one product w x a (W2A8=16, W4A8=32)"),
        bad.getMessage());
  }
}
