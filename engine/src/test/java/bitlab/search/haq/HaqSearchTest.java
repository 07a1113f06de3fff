package bitlab.search.haq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.Bits;
import bitlab.hardware.Target;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.search.Budget;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("slow")
class HaqSearchTest {
  private static final Target EDGE = Catalogue.builtIn().target("bismo-edge");
  static final HaqConfig SMALL =
      HaqConfig.of(12, 3).withWarmup(4).withDdpg(DdpgConfig.DEFAULT.withHidden(32));

  private static AccuracyOracle oracle(int layers) {
    double[] wc = new double[layers];
    double[] ac = new double[layers];
    for (int i = 0; i < layers; i++) {
      wc[i] = 1 + i % 3;
      ac[i] = 1 + (i * 7) % 4;
    }
    return Toy.sensitivity(wc, ac);
  }

  @Test
  void everyPolicyMeetsItsBudgetForLatencyEnergyAndSize() {
    Model net = Zoo.architecture("mobilenet-v2-mini", 28, 1.0, 0);
    int n = net.layers().size();
    for (Budget budget : List.of(
        Budget.latencyOf8Bit(0.6),
        Budget.energyOf8Bit(0.5),
        Budget.sizeOf8Bit(0.4),
        Budget.latencyMs(1.0))) {
      HaqResult r = Haq.search(net, EDGE, budget, SMALL.withEpisodes(6).withWarmup(3), oracle(n));
      // the search prices tensors at the widths the default placement stores them at
      Pricing pricing = Pricing.of(net, EDGE, bitlab.quant.PtqConfig.DEFAULT);
      assertTrue(r.cost() <= r.limit(), budget + ": " + r.cost() + " > " + r.limit());
      assertEquals(
          r.cost(), pricing.cost(r.resource(), r.best().policy().bits()), 1e-12 * r.limit());
      for (Episode e : r.episodes())
        assertTrue(e.cost() <= r.limit(), budget + " episode " + e.index());
      for (Candidate c : r.baselines())
        assertTrue(c.cost() <= r.limit(), budget + " " + c.method());
      // every policy the search hands out is the public Policy, named for the model and its layers
      assertEquals(r.policy(), r.best().policy());
      assertEquals(net.name(), r.best().policy().model());
      assertEquals(
          net.layerNames(),
          r.best().policy().layers().stream().map(l -> l.layer()).toList());
      for (Episode e : r.episodes())
        assertEquals(
            net.layerNames(), e.policy().layers().stream().map(l -> l.layer()).toList());
      for (Candidate c : r.baselines()) assertEquals(net.name(), c.policy().model(), c.method());
      assertEquals(n, r.policy().layers().size());
      for (Bits b : r.best().policy().bits())
        assertTrue(
            b.weights() >= 2 && b.weights() <= 8 && b.activations() >= 2 && b.activations() <= 8);
    }
  }

  @Test
  void theSameSeedGivesTheSamePolicy() {
    var layers = Toy.layers(3);
    Environment env = new Environment(Pricing.of(layers, EDGE), Budget.latencyOf8Bit(0.5), 2, 8);
    AccuracyOracle o = oracle(layers.size());
    HaqSearch.Outcome a = HaqSearch.run(env, new ScoreCache(o), SMALL, e -> {});
    HaqSearch.Outcome b = HaqSearch.run(env, new ScoreCache(o), SMALL, e -> {});
    HaqSearch.Outcome c = HaqSearch.run(env, new ScoreCache(o), SMALL.withSeed(4), e -> {});
    assertEquals(a.best(), b.best());
    for (int i = 0; i < a.episodes().size(); i++) {
      assertEquals(
          a.episodes().get(i).policy(), b.episodes().get(i).policy(), "episode " + (i + 1));
    }
    assertNotEquals(
        a.episodes().get(SMALL.episodes() - 1).policy(),
        c.episodes().get(SMALL.episodes() - 1).policy());
  }

  @Test
  void baselinesRunAtTheSameBudgetAndTheCacheAnswersRepeats() {
    var layers = Toy.layers(2);
    Environment env = new Environment(Pricing.of(layers, EDGE), Budget.latencyOf8Bit(0.5), 2, 8);
    ScoreCache cache = new ScoreCache(oracle(layers.size()));
    Candidate uniform = HaqSearch.uniform(env, cache, 1, s -> {}).get(0);
    assertNotNull(uniform);
    assertTrue(uniform.cost() <= env.limit());
    // every layer at one pair, and no wider uniform pair fits
    Bits pair = uniform.policy().bits().get(0);
    assertTrue(uniform.policy().bits().stream().allMatch(pair::equals));
    int before = cache.evaluations();
    HaqSearch.uniform(env, cache, 1, s -> {});
    assertEquals(before, cache.evaluations());
    Candidate random = HaqSearch.random(env, cache, 10, 9, 1, s -> {}).get(0);
    assertTrue(random.cost() <= env.limit());
  }

  @Test
  void anInterruptKeepsTheBestPolicySoFar() {
    var layers = Toy.layers(2);
    Environment env = new Environment(Pricing.of(layers, EDGE), Budget.latencyOf8Bit(0.6), 2, 8);
    HaqSearch.Outcome out;
    try {
      out = HaqSearch.run(env, new ScoreCache(oracle(layers.size())), SMALL, e -> {
        if (e.index() == 5) Thread.currentThread().interrupt();
      });
    } finally {
      Thread.interrupted();
    }
    assertTrue(out.stopped());
    assertEquals(5, out.episodes().size());
    assertTrue(out.best().cost() <= env.limit());
  }
}
