package bitlab.search.haq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import bitlab.hardware.Target;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.search.Budget;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * HAQ's default search is the frontier start with noise 0.3 (chosen on validation images: engine README, "Measured:
 * HAQ"); {@link HaqConfig#paper} is still HAQ as published, random warm-up and noise 0.5.
 */
class DefaultExplorationTest {
  private static final Target EDGE = Catalogue.builtIn().target("bismo-edge");

  @Test
  void theDefaultIsTheFrontierStartWithNoiseZeroPointThree() {
    HaqConfig c = HaqConfig.of(20, 1);
    assertEquals(Exploration.FROM_UNIFORM, c.exploration());
    assertEquals(0.3, c.ddpg().sigma());
    assertEquals(0.99, c.ddpg().sigmaDecay());
    assertEquals(DdpgConfig.DEFAULT, c.ddpg());
    assertEquals(c, HaqConfig.of(20, 1, Exploration.FROM_UNIFORM));
    assertEquals(Exploration.FROM_UNIFORM, Exploration.named("uniform"));
  }

  @Test
  void thePaperConfigIsHaqAsPublished() {
    HaqConfig p = HaqConfig.paper(20, 1);
    assertEquals(Exploration.PAPER, p.exploration());
    assertEquals(Repair.Order.LAST_LAYER_FIRST, p.exploration().repair());
    assertEquals(false, p.exploration().fill());
    assertEquals(0.5, p.ddpg().sigma());
    assertEquals(Exploration.PAPER, Exploration.named("paper"));
    // the noise is the only DDPG setting that differs
    assertEquals(DdpgConfig.DEFAULT.withNoise(0.5, 0.99), p.ddpg());
    assertEquals(
        HaqConfig.of(20, 1).withDdpg(DdpgConfig.PAPER).withExploration(Exploration.PAPER), p);
  }

  @Test
  void theDefaultSearchStartsOnTheFrontierAndThePapersDoesNot() {
    Environment frontierEnv = new Environment(
        Pricing.of(Toy.layers(2), EDGE),
        Budget.latencyOf8Bit(0.5),
        2,
        8,
        Repair.Order.CHEAPEST,
        true);
    Environment paperEnv =
        new Environment(Pricing.of(Toy.layers(2), EDGE), Budget.latencyOf8Bit(0.5), 2, 8);
    List<HaqSearch.Frontier> frontier = HaqSearch.frontier(frontierEnv);
    double[] w = new double[frontierEnv.layers()];
    double[] a = new double[frontierEnv.layers()];
    java.util.Arrays.fill(w, 1);
    java.util.Arrays.fill(a, 1);
    HaqConfig byDefault =
        HaqConfig.of(12, 1).withDdpg(DdpgConfig.DEFAULT.withHidden(16)).withWarmup(2);
    HaqConfig paper =
        HaqConfig.paper(12, 1).withDdpg(DdpgConfig.PAPER.withHidden(16)).withWarmup(2);
    List<Episode> d = HaqSearch.run(
            frontierEnv, new ScoreCache(Toy.sensitivity(w, a)), byDefault, e -> {})
        .episodes();
    List<Episode> p = HaqSearch.run(paperEnv, new ScoreCache(Toy.sensitivity(w, a)), paper, e -> {})
        .episodes();
    assertEquals(
        frontier.get(0).policy(), d.get(0).policy().bits(), "the default begins on the frontier");
    assertNotEquals(
        frontier.stream().map(HaqSearch.Frontier::policy).toList(),
        p.subList(0, frontier.size()).stream().map(e -> e.policy().bits()).toList(),
        "the paper's warm-up is random");
    // the first episode of the agent explores with each configuration's noise
    Episode firstAgentD = d.stream().filter(e -> !e.warmup()).findFirst().orElseThrow();
    Episode firstAgentP = p.stream().filter(e -> !e.warmup()).findFirst().orElseThrow();
    assertEquals(0.3, firstAgentD.sigma(), 1e-12);
    assertEquals(0.5, firstAgentP.sigma(), 1e-12);
  }
}
