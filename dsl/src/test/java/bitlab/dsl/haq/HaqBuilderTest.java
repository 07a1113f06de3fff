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
  void theDefaultIsTheFrontierStartWithNoiseZeroPointThree() {
    // chosen on validation images (engine README, "Measured: HAQ")
    assertEquals(Exploration.FROM_UNIFORM, base.config().exploration());
    assertEquals(0.3, base.config().ddpg().sigma());
    assertEquals(Repair.Order.CHEAPEST, base.latency(0.5).environment().repairOrder());
    assertEquals(true, base.latency(0.5).environment().fills());
    assertEquals(base.config(), base.fromUniform().config(), "fromUniform() is the default");
    // settings that are not the noise leave it to the exploration
    assertEquals(0.3, base.hidden(50).config().ddpg().sigma());
    assertEquals(0.5, base.hidden(50).paperExploration().config().ddpg().sigma());
  }

  @Test
  void paperExplorationIsHaqAsPublished() {
    HaqBuilder paper = base.latency(0.5).paperExploration();
    assertEquals(Exploration.PAPER, paper.config().exploration());
    assertEquals(0.5, paper.config().ddpg().sigma(), "the paper's noise");
    assertEquals(0.99, paper.config().ddpg().sigmaDecay());
    assertEquals(Repair.Order.LAST_LAYER_FIRST, paper.environment().repairOrder());
    assertEquals(false, paper.environment().fills());
    assertEquals(
        bitlab.search.haq.HaqConfig.paper(100, 1).withBaselines(true),
        paper.config(),
        "the builder's paper exploration is the engine's");
    assertEquals(Exploration.FROM_UNIFORM, base.config().exploration(), "the base is unchanged");
    // a noise given is kept whichever exploration follows
    assertEquals(0.2, base.noise(0.2, 0.95).paperExploration().config().ddpg().sigma());
    assertEquals(
        0.2,
        base.paperExploration().noise(0.2, 0.95).fromUniform().config().ddpg().sigma());
    // the teaching view of the repair follows the builder's order; both orders end within the
    // budget
    var all8 = java.util.Collections.nCopies(net.layers().size(), bitlab.hardware.Bits.of(8, 8));
    Repaired last = paper.repair(all8);
    Repaired cheap = base.latency(0.5).repair(all8);
    assertEquals(true, last.after() <= last.limit());
    assertEquals(true, cheap.after() <= cheap.limit());
  }
}
