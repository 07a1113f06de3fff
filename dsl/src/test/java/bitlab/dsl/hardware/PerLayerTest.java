package bitlab.dsl.hardware;

import static bitlab.dsl.Bitlab.convLayer;
import static bitlab.dsl.Bitlab.cost;
import static bitlab.dsl.Bitlab.depthwiseLayer;
import static bitlab.dsl.Bitlab.hardware;
import static bitlab.dsl.Bitlab.latencies;
import static bitlab.dsl.Bitlab.linearLayer;
import static bitlab.dsl.Bitlab.oneBitSavings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import bitlab.BitlabException;
import bitlab.hardware.Bits;
import bitlab.hardware.LayerWorkload;
import bitlab.hardware.Target;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/** The side-by-side per-layer tables hold each layer's priced time per image, from the same cost model. */
class PerLayerTest {
  private static final List<LayerWorkload> THREE = List.of(
      convLayer("pw", 64, 64, 1, 1, 14),
      depthwiseLayer("dw", 64, 3, 1, 14),
      linearLayer("fc", 1024, 1000));

  private static double micros(Target t, Bits b, int layer) {
    return 1e6 * cost(t, THREE, b).cost().layers().get(layer).cost().seconds() / t.batch();
  }

  @Test
  void latenciesHaveAColumnPerPairOfEachLayersTimePerImage() {
    Target cloud = hardware("bismo-cloud"); // batch 16: per image is a sixteenth of a run
    Table t = latencies(cloud, THREE, Bits.W8A8, Bits.W4A4);
    assertEquals(List.of("layer", "W8A8", "W4A4"), t.columnNames());
    assertEquals(List.of("pw", "dw", "fc"), t.stringColumn("layer").asList());
    for (int i = 0; i < 3; i++) {
      assertEquals(micros(cloud, Bits.W8A8, i), t.doubleColumn("W8A8").get(i), 1e-9);
      assertEquals(micros(cloud, Bits.W4A4, i), t.doubleColumn("W4A4").get(i), 1e-9);
    }
    assertEquals(
        "Give at least one bit pair to price, e.g. latencies(target, layers, W8A8, W4A4).",
        assertThrows(BitlabException.class, () -> latencies(cloud, THREE)).getMessage());
  }

  @Test
  void oneBitSavingsAreTheDifferencesFromTheBasePair() {
    Target edge = hardware("bismo-edge");
    Table t = oneBitSavings(edge, THREE, Bits.W8A8);
    for (int i = 0; i < 3; i++) {
      double base = micros(edge, Bits.W8A8, i);
      assertEquals(
          base - micros(edge, Bits.of(7, 8), i),
          t.doubleColumn("one weight bit, us").get(i),
          1e-9);
      assertEquals(
          base - micros(edge, Bits.of(8, 7), i),
          t.doubleColumn("one activation bit, us").get(i),
          1e-9);
    }
    // BISMO is bit-serial: a compute-bound layer saves as much from either operand's bit
    assertEquals(t.doubleColumn(1).getDouble(1), t.doubleColumn(2).getDouble(1), 1e-9);
    assertEquals(
        "Savings are measured from a pair of 2 to 8 bits on each side, not W1A8; start from e.g. W8A8.",
        assertThrows(BitlabException.class, () -> oneBitSavings(edge, THREE, Bits.of(1, 8)))
            .getMessage());
  }

  @Test
  void perImageDividesARunByTheBatch() {
    Target cloud = hardware("bismo-cloud");
    CostReport r = cost(cloud, THREE, Bits.W8A8);
    Table t = r.perImage();
    assertEquals(List.of("layer", "bits", "us per image", "MAC/byte", "bound"), t.columnNames());
    for (int i = 0; i < 3; i++) {
      assertEquals(micros(cloud, Bits.W8A8, i), t.doubleColumn("us per image").get(i), 1e-9);
      assertEquals(
          r.cost().layers().get(i).intensity(), t.doubleColumn("MAC/byte").get(i), 1e-12);
    }
  }
}
