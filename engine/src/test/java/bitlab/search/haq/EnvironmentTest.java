package bitlab.search.haq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.Target;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.search.Budget;
import org.junit.jupiter.api.Test;

class EnvironmentTest {
  private static final Target EDGE = Catalogue.builtIn().target("bismo-edge");

  @Test
  void actionsMapToEqualIntervalsOfBits() {
    Environment env =
        new Environment(Pricing.of(Toy.layers(2), EDGE), Budget.latencyOf8Bit(1.0), 2, 8);
    assertEquals(2, env.bits(0.0));
    assertEquals(8, env.bits(1.0));
    for (int b = 2; b <= 8; b++) {
      double mid = (b - 2 + 0.5) / 7;
      assertEquals(b, env.bits(mid));
    }
    assertEquals(5, env.bits(0.5));
  }

  @Test
  void statesHaveTenNormalisedFeatures() {
    LayerStates s = new LayerStates(Toy.layers(3));
    assertEquals(16, s.steps());
    for (int step = 0; step < s.steps(); step++) {
      double[] x = s.state(step, 0.75);
      assertEquals(LayerStates.FEATURES, x.length);
      for (double v : x) assertTrue(v >= 0 && v <= 1, "feature " + v);
      assertEquals(step % 2 == 0 ? 1 : 0, x[8]);
      assertEquals(0.75, x[9]);
    }
    assertEquals(0, s.state(0, 1)[0]);
    assertEquals(1, s.state(s.steps() - 1, 1)[0]);
    assertEquals(1, s.state(2, 1)[7]); // dw0 is depthwise
    assertEquals(0, s.state(4, 1)[7]); // pw0 is not
  }

  @Test
  void anUnreachableBudgetNamesTheMinimum() {
    bitlab.search.BudgetException e = assertThrows(
        bitlab.search.BudgetException.class,
        () -> new Environment(Pricing.of(Toy.layers(2), EDGE), Budget.latencyOf8Bit(0.01), 2, 8));
    assertTrue(e.getMessage().contains("cannot be met: the cheapest reachable is"), e.getMessage());
    assertTrue(e.getMessage().contains("bismo-edge"), e.getMessage());
  }

  @Test
  void latencyAndEnergyNeedATarget() {
    HaqException e = assertThrows(
        HaqException.class,
        () -> new Environment(Pricing.of(Toy.layers(2), null), Budget.energyOf8Bit(0.5), 2, 8));
    assertTrue(e.getMessage().contains("needs a target"), e.getMessage());
  }

  @Test
  void badSettingsAreNamed() {
    assertThrows(HaqException.class, () -> HaqConfig.of(0, 1));
    assertThrows(bitlab.search.BudgetException.class, () -> Budget.latencyOf8Bit(1.5));
    assertThrows(bitlab.search.BudgetException.class, () -> Budget.sizeOf8Bit(-1));
    assertThrows(
        HaqException.class,
        () -> new Environment(Pricing.of(Toy.layers(1), EDGE), Budget.latencyOf8Bit(0.5), 5, 3));
    assertThrows(HaqException.class, () -> Pricing.of(java.util.List.of(), EDGE));
  }
}
