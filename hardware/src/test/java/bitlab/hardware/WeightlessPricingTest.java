package bitlab.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Operators without weights on each kind, worked by hand: a roofline takes the longer of its element-wise operations at
 * the tier of its widest tensor and its traffic; BitFusion and BISMO price the traffic only (their published models
 * have no element-wise unit); a kind without a model of such work (a measured table) prices none, and says so by
 * returning nothing rather than zero.
 */
class WeightlessPricingTest {
  /** A residual Add of two 8-bit 64x10x10 tensors into an 8-bit one: 19,200 bytes, 6,400 additions. */
  static final TensorWorkload ADD =
      new TensorWorkload("add", "Add", 12_800, 12_800 * 8, 6_400, 6_400 * 8, 6_400, 8);

  @Test
  void rooflineTakesTheLongerOfTrafficAndOperations() {
    TensorCost c = KindFormulaTest.ROOF.price(3, ADD).orElseThrow();
    assertEquals(3, c.index());
    assertEquals("Add", c.op());
    assertEquals(19_200, c.dramBytes(), 0);
    assertEquals(6_400 / 100e9, c.computeSeconds(), 1e-18, "8-bit tier, 100 G/s");
    assertEquals(19_200 / 10e9, c.memorySeconds(), 1e-18);
    assertEquals(Bound.MEMORY, c.bound());
    assertEquals(19_200 / 10e9, c.cost().seconds(), 1e-18);
    assertEquals(10 * 19_200 / 10e9 + 153_600 * 20e-12, c.cost().joules(), 1e-15);
    // The same addition on a 16-bit residual stream: twice the bytes, and the 32-bit tier's rate.
    TensorWorkload wide =
        new TensorWorkload("add", "Add", 12_800, 12_800 * 16, 6_400, 6_400 * 16, 6_400, 16);
    TensorCost w = KindFormulaTest.ROOF.price(3, wide).orElseThrow();
    assertEquals(2 * c.dramBytes(), w.dramBytes(), 0);
    assertEquals(6_400 / 25e9, w.computeSeconds(), 1e-18);
  }

  @Test
  void multiplyAccumulateArraysPriceTheTrafficOnly() {
    TensorCost f = KindFormulaTest.FUSION.price(0, ADD).orElseThrow();
    assertEquals(0, f.computeSeconds());
    assertEquals(153_600 / (192 * 500e6), f.memorySeconds(), 1e-18);
    assertEquals(153_600 * 20e-12, f.cost().joules(), 1e-18);
    TensorCost b = KindFormulaTest.BISMO.price(0, ADD).orElseThrow();
    assertEquals(0, b.computeSeconds());
    assertEquals(19_200 / 2.1e9, b.cost().seconds(), 1e-18);
    assertEquals(2.5 * 19_200 / 2.1e9 + 153_600 * 20e-12, b.cost().joules(), 1e-15);
    assertEquals(Bound.MEMORY, b.bound());
  }

  @Test
  void aKindWithoutSuchAModelPricesNoneAndLayerIndicesStay() {
    CostModel table = new CostModel() {
      public String kind() {
        return "lut";
      }

      public int batch() {
        return 1;
      }

      public LayerCost price(int index, LayerWorkload layer, Bits bits) {
        return LayerCost.measured(index, layer.name(), bits, layer.macs(), new Cost(1e-3, 1e-3));
      }

      public Optional<Roof> roof(Bits bits) {
        return Optional.empty();
      }
    };
    Target lut = new Target("t", "", table, List.of(), "", "inline");
    assertEquals(List.of(), lut.weightless(List.of(ADD, ADD)));
    Target roof = new Target("r", "", KindFormulaTest.ROOF, List.of(), "", "inline");
    List<TensorCost> two = roof.weightless(List.of(ADD, ADD));
    assertEquals(List.of(0, 1), two.stream().map(TensorCost::index).toList());
    assertTrue(two.get(0).cost().seconds() > 0);
  }
}
