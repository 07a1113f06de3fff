package bitlab.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.catalogue.Catalogue;
import bitlab.hardware.fixtures.Zoo;
import bitlab.hardware.kind.Bismo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The published figures the catalogue is checked against (see each target's calibration text). */
class CalibrationTest {

  @Test
  void fixturesHaveTheStandardSizes() {
    List<LayerWorkload> mb = Zoo.mobilenetV1(224);
    assertEquals(28, mb.size());
    long macs = mb.stream().mapToLong(LayerWorkload::macs).sum();
    long params = mb.stream().mapToLong(LayerWorkload::weights).sum();
    assertEquals(569, macs / 1e6, 0.5, "MobileNet-V1 paper: 569 million mult-adds");
    assertEquals(4.2, params / 1e6, 0.05, "MobileNet-V1 paper: 4.2 million parameters");
    List<LayerWorkload> rn = Zoo.resnet18(224);
    assertEquals(21, rn.size());
    assertEquals(
        1.81, rn.stream().mapToLong(LayerWorkload::macs).sum() / 1e9, 0.01, "ResNet-18: 1.8 GMACs");
    assertEquals(
        11.68,
        rn.stream().mapToLong(LayerWorkload::weights).sum() / 1e6,
        0.01,
        "11.69 M params less biases/BN");
  }

  @Test
  void bismoEdgeMatchesHaqMobileNetV1AtEightBits() {
    Target edge = Catalogue.builtIn().target("bismo-edge");
    double ms = edge.cost(Zoo.mobilenetV1(224), Bits.W8A8).total().millis();
    assertEquals(96.2, ms, 96.2 * 0.15, "HAQ Table 3: 96.2 ms");
    assertEquals(
        1.0, edge.parameter("efficiency").number(), "calibrated without a correction factor");
  }

  @Test
  void bismoEdgeArrayReproducesTheBismoPeak() {
    Bismo m = (Bismo) Catalogue.builtIn().target("bismo-edge").model();
    assertEquals(
        6.5e12,
        m.peakBinaryOpsPerSecond(),
        0.02 * 6.5e12,
        "BISMO, FPL 2018: 6.5 binary TOPS on PYNQ-Z1");
  }

  @Test
  void mostEdgeLatencyIsDepthwise() {
    ModelCost c = Catalogue.builtIn().target("bismo-edge").cost(Zoo.mobilenetV1(224), Bits.W8A8);
    List<LayerWorkload> layers = Zoo.mobilenetV1(224);
    double dw = 0;
    for (int i = 0; i < layers.size(); i++)
      if (layers.get(i).depthwise()) dw += c.layers().get(i).cost().seconds();
    assertTrue(
        dw / c.total().seconds() > 0.7, "depthwise share " + dw / c.total().seconds());
  }
}
