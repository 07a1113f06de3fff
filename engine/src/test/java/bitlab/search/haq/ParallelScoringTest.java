package bitlab.search.haq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Datasets;
import bitlab.hardware.Bits;
import bitlab.hardware.Target;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.model.Model;
import bitlab.search.Budget;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Warm-up episodes and baselines scored several at a time give exactly the search of one at a time:
 * the same policies, accuracies, cache hits and best policy, with a synthetic oracle and with PTQ on
 * the integer executor.
 */
@Tag("slow")
class ParallelScoringTest {
  private static final Target EDGE = Catalogue.builtIn().target("bismo-edge");

  @Test
  void aSyntheticSearchIsTheSameOnOneAndFourThreadsAndScoresOnSeveral() {
    var layers = Toy.layers(3);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    AccuracyOracle toy = Toy.sensitivity(
        new double[] {1, 3, 2, 1, 2, 3, 1, 2}, new double[] {2, 1, 1, 3, 2, 1, 2, 1});
    AccuracyOracle watched = new AccuracyOracle() {
      @Override
      public double reference() {
        return toy.reference();
      }

      @Override
      public double accuracy(List<Bits> p) {
        threads.add(Thread.currentThread().getName());
        return toy.accuracy(p);
      }
    };
    HaqConfig cfg = HaqSearchTest.SMALL.withEpisodes(14).withWarmup(8);
    Environment env = new Environment(Pricing.of(layers, EDGE), Budget.latencyOf8Bit(0.5), 2, 8);
    HaqSearch.Outcome one = HaqSearch.run(env, new ScoreCache(toy), cfg.withThreads(1), e -> {});
    HaqSearch.Outcome four =
        HaqSearch.run(env, new ScoreCache(watched), cfg.withThreads(4), e -> {});
    assertSameEpisodes(one.episodes(), four.episodes());
    assertEquals(one.best(), four.best());
    assertTrue(threads.size() > 1, "the warm-up was scored on " + threads);

    ScoreCache a = new ScoreCache(toy);
    ScoreCache b = new ScoreCache(toy);
    assertEquals(
        HaqSearch.random(env, a, 30, 5, 1, s -> {}), HaqSearch.random(env, b, 30, 5, 4, s -> {}));
    assertEquals(HaqSearch.uniform(env, a, 1, s -> {}), HaqSearch.uniform(env, b, 4, s -> {}));
    assertEquals(a.evaluations(), b.evaluations());
    assertEquals(a.hits(), b.hits());
  }

  @Test
  void aPtqSearchWithBaselinesIsTheSameOnOneAndTwoThreads() {
    Model net = TinyDigitsNet.trained();
    HaqConfig cfg = HaqConfig.of(6, 3).withWarmup(4).withDdpg(DdpgConfig.DEFAULT.withHidden(16));
    Scoring scoring = Scoring.DEFAULT.withEvaluation(150).withCalibration(64);
    HaqResult one = Haq.search(
        net, Datasets.digits(), EDGE, Budget.latencyOf8Bit(0.5), cfg.withThreads(1), scoring);
    HaqResult two = Haq.search(
        net, Datasets.digits(), EDGE, Budget.latencyOf8Bit(0.5), cfg.withThreads(2), scoring);
    assertSameEpisodes(one.episodes(), two.episodes());
    assertEquals(one.best(), two.best());
    assertEquals(one.baselines(), two.baselines());
    assertEquals(one.timing().evaluations(), two.timing().evaluations());
    assertEquals(one.timing().cacheHits(), two.timing().cacheHits());
  }

  private static void assertSameEpisodes(List<Episode> a, List<Episode> b) {
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      Episode x = a.get(i);
      Episode y = b.get(i);
      String where = "episode " + (i + 1);
      assertEquals(x.policy(), y.policy(), where);
      assertEquals(x.accuracy(), y.accuracy(), where);
      assertEquals(x.reward(), y.reward(), where);
      assertEquals(x.cached(), y.cached(), where);
      assertEquals(x.bestAccuracy(), y.bestAccuracy(), where);
    }
  }
}
