package bitlab.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.catalogue.Catalogue;
import bitlab.hardware.fixtures.Zoo;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the BISMO models say about HAQ's edge-versus-cloud finding, on MobileNet-V1 224.
 *
 * <p>Edge: one fewer activation bit saves more latency on depthwise layers than on pointwise
 * ones, as HAQ reports. Cloud: HAQ reports the opposite (pointwise saves more), but an honest
 * tiling model does not show it. On a bit-serial array every layer's time is tiles x w x a
 * cycles, and a depthwise layer runs as one matrix product per channel (M = 1, K = 9) padded to
 * whole tiles; the larger the array, the worse that padding, so on the 16x512x32 cloud array the
 * depthwise share grows instead of shrinking. These tests assert what the models show; the
 * module README explains what a model would need to reproduce HAQ's cloud result.
 */
class SpecialisationTest {

  static final List<LayerWorkload> MB = Zoo.mobilenetV1(224);

  @Test
  void edgeSavesMorePerActivationBitOnDepthwiseLayers() {
    Specialisation s = Specialisation.of(Catalogue.builtIn().target("bismo-edge"), MB, Bits.W8A8);
    assertEquals(13, s.depthwiseLayers());
    assertEquals(13, s.pointwiseLayers());
    assertTrue(s.ratio() > 2, "depthwise/pointwise saving per layer: " + s.ratio());
  }

  @Test
  void edgeDepthwiseSavingHoldsAtEveryWidth() {
    Target edge = Catalogue.builtIn().target("bismo-edge");
    for (int a = 2; a <= 8; a++) {
      Specialisation s = Specialisation.of(edge, MB, Bits.of(8, a));
      assertTrue(s.depthwiseSeconds() > s.pointwiseSeconds(), "at A" + a + ": " + s);
    }
  }

  @Test
  void cloudDoesNotReproduceHaqsPointwiseFinding() {
    Specialisation edge =
        Specialisation.of(Catalogue.builtIn().target("bismo-edge"), MB, Bits.W8A8);
    Specialisation cloud =
        Specialisation.of(Catalogue.builtIn().target("bismo-cloud"), MB, Bits.W8A8);
    assertTrue(cloud.depthwiseSeconds() > cloud.pointwiseSeconds(), "cloud: " + cloud);
    assertTrue(
        cloud.ratio() > edge.ratio(),
        "the bigger array pads depthwise worse: " + cloud.ratio() + " vs " + edge.ratio());
  }

  @Test
  void bothBismoInstancesAreComputeBoundOnEveryConvolutionAtEightBits() {
    for (String name : List.of("bismo-edge", "bismo-cloud")) {
      ModelCost c = Catalogue.builtIn().target(name).cost(MB, Bits.W8A8);
      for (int i = 0; i < MB.size() - 1; i++) {
        assertEquals(
            Bound.COMPUTE, c.layers().get(i).bound(), name + " " + MB.get(i).name());
      }
    }
  }
}
