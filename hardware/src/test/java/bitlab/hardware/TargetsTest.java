package bitlab.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.catalogue.Catalogue;
import bitlab.hardware.catalogue.TargetLoader;
import bitlab.hardware.catalogue.Targets;
import bitlab.hardware.fixtures.Zoo;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetsTest {

  @Test
  void everyBuiltInTargetRoundTripsThroughYaml() {
    List<LayerWorkload> rn = Zoo.resnet18(224);
    for (Target t : Catalogue.builtIn().targets()) {
      Target back = TargetLoader.fromYaml(Targets.toYaml(t));
      assertEquals(t.name(), back.name());
      assertEquals(t.description(), back.description());
      assertEquals(t.calibration(), back.calibration());
      assertEquals(t.parameters(), back.parameters());
      assertEquals(t.model(), back.model(), t.name());
      assertEquals(
          t.cost(rn, Bits.of(3, 6)).total(), back.cost(rn, Bits.of(3, 6)).total());
    }
  }

  @Test
  void aVariationChangesOneParameterAndIsCheckedLikeAFile() {
    Target edge = Catalogue.builtIn().target("bismo-edge");
    Target slow = Targets.vary(edge, "clockHz", "100e6");
    assertEquals("bismo-edge[clockHz=100e6]", slow.name());
    assertEquals(100e6, slow.parameter("clockHz").number());
    assertEquals("varied from bismo-edge", slow.parameter("clockHz").source());
    assertEquals(edge.parameter("dm"), slow.parameter("dm"));
    List<LayerWorkload> mb = Zoo.mobilenetV1(224);
    double ratio = slow.cost(mb, Bits.W8A8).total().seconds()
        / edge.cost(mb, Bits.W8A8).total().seconds();
    assertEquals(2.0, ratio, 0.02, "a compute-bound model at half the clock");
    assertThrows(TargetParameterException.class, () -> Targets.vary(edge, "clockHz", "-1"));
    TargetParameterException e =
        assertThrows(TargetParameterException.class, () -> Targets.vary(edge, "clock", "1"));
    assertTrue(e.getMessage().contains("clockHz, dramBytesPerSecond"), e.getMessage());
  }
}
