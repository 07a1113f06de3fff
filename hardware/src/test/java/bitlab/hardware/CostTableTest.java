package bitlab.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;

import bitlab.hardware.catalogue.Catalogue;
import bitlab.hardware.fixtures.Zoo;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CostTableTest {

  @Test
  void tableTotalsEqualDirectPricingForRandomPolicies() {
    List<LayerWorkload> layers = Zoo.synthetic(100);
    for (Target t : Catalogue.builtIn().targets()) {
      CostTable table = t.table(layers);
      Random r = new Random(t.name().hashCode());
      for (int trial = 0; trial < 20; trial++) {
        int[] w = new int[layers.size()];
        int[] a = new int[layers.size()];
        List<Bits> policy = new ArrayList<>();
        for (int i = 0; i < w.length; i++) {
          w[i] = Bits.width(r.nextInt(Bits.SLOTS));
          a[i] = Bits.width(r.nextInt(Bits.SLOTS));
          policy.add(Bits.of(w[i], a[i]));
        }
        Cost direct = t.cost(layers, policy).total();
        assertEquals(direct.seconds(), table.latency(w, a), 1e-12 * direct.seconds(), t.name());
        assertEquals(direct.joules(), table.energy(w, a), 1e-12 * direct.joules(), t.name());
        assertEquals(
            direct.seconds(), table.total(policy).seconds(), 1e-12 * direct.seconds(), t.name());
      }
    }
  }

  @Test
  void modelTotalIsTheSumOfItsLayers() {
    ModelCost c = Catalogue.builtIn().target("bitfusion").cost(Zoo.resnet18(224), Bits.W4A4);
    Cost sum = Cost.ZERO;
    for (LayerCost l : c.layers()) sum = sum.plus(l.cost());
    assertEquals(sum, c.total());
    assertEquals(21, c.layers().size());
    assertEquals("layer1.0.conv1", c.layers().get(1).layer());
  }
}
