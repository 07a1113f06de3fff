package bitlab.dsl.haq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import bitlab.data.Datasets;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.search.Budget;
import bitlab.search.haq.Exploration;
import bitlab.search.haq.HaqException;
import bitlab.search.haq.Repair;
import org.junit.jupiter.api.Test;

/** The HAQ builder behaves as the other builders do: each setting returns a new builder and leaves the old one as it was. */
class HaqBuilderTest {
  private final Model net = Zoo.architecture("lenet5", 28, 1.0, 0);
  private final HaqBuilder base =
      new HaqBuilder(net, Datasets.digits()).on(Catalogue.builtIn().target("bismo-edge"));

  @Test
  void settingsReturnNewBuildersAndLeaveTheOldOneAlone() {
    HaqBuilder tight =
        base.latency(0.5).episodes(7).seed(3).bits(3, 6).hidden(50).evaluationImages(100);
    HaqBuilder loose = base.latency(0.9);
    assertNotSame(base, tight);
    assertEquals(100, base.config().episodes());
    assertEquals(1, base.config().seed());
    assertEquals(2, base.config().minBits());
    assertEquals(7, tight.config().episodes());
    assertEquals(3, tight.config().seed());
    assertEquals(3, tight.config().minBits());
    assertEquals(6, tight.config().maxBits());
    assertEquals(50, tight.config().ddpg().hidden1());
    assertEquals(Budget.latencyOf8Bit(0.5), tight.environment().budget());
    assertEquals(
        Budget.latencyOf8Bit(0.9),
        loose.environment().budget(),
        "a branch off the base keeps its own budget");
    HaqException none = assertThrows(HaqException.class, base::environment);
    assertEquals(
        "Give the search a budget: .latency(0.6), .energy(0.5) or .size(0.4) (fractions of the all-8-bit cost), "
            + "or .latencyMillis(ms), .energyMillijoules(mJ), .sizeKib(KiB).",
        none.getMessage());
  }

  @Test
  void fromUniformSetsTheExplorationAndTheRepairOrder() {
    assertEquals(Exploration.PAPER, base.config().exploration());
    assertEquals(Repair.Order.LAST_LAYER_FIRST, base.latency(0.5).environment().repairOrder());
    HaqBuilder forShort = base.latency(0.5).fromUniform();
    assertEquals(Exploration.FROM_UNIFORM, forShort.config().exploration());
    assertEquals(Repair.Order.CHEAPEST, forShort.environment().repairOrder());
    assertEquals(Exploration.PAPER, base.config().exploration(), "the base is unchanged");
    // the teaching view of the repair follows the builder's order; both orders end within the
    // budget
    var all8 = java.util.Collections.nCopies(net.layers().size(), bitlab.hardware.Bits.of(8, 8));
    Repaired paper = base.latency(0.5).repair(all8);
    Repaired cheap = forShort.repair(all8);
    assertEquals(true, paper.after() <= paper.limit());
    assertEquals(true, cheap.after() <= cheap.limit());
  }
}
