package bitlab.search.haq;

import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.search.Budget;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("slow")
class DdpgLearnsTest {
  @Test
  void learnsPerLayerTargetsOnAToyReward() {
    var layers = Toy.layers(3);
    int n = layers.size();
    int[] tw = new int[n];
    int[] ta = new int[n];
    for (int i = 0; i < n; i++) {
      tw[i] = i % 2 == 0 ? 7 : 3;
      ta[i] = i % 2 == 0 ? 3 : 6;
    }
    Environment env = new Environment(Pricing.of(layers, null), Budget.sizeOf8Bit(1.0), 2, 8);
    ScoreCache cache = new ScoreCache(Toy.targets(tw, ta));
    long t0 = System.nanoTime();
    HaqConfig cfg = HaqConfig.of(60, 1).withWarmup(10).withDdpg(DdpgConfig.DEFAULT.withHidden(64));
    HaqSearch.Outcome out = HaqSearch.run(env, cache, cfg, e -> {});
    List<Episode> eps = out.episodes();
    double warm =
        eps.subList(0, 10).stream().mapToDouble(Episode::accuracy).average().orElseThrow();
    double last =
        eps.subList(50, 60).stream().mapToDouble(Episode::accuracy).average().orElseThrow();
    System.out.printf(
        "warm-up mean %.2f, last-10 mean %.2f, best %.2f %s, %.1f s%n",
        warm,
        last,
        out.best().accuracy(),
        Policies.compact(out.best().policy().bits()),
        (System.nanoTime() - t0) / 1e9);
    assertTrue(last > warm + 4, "warm-up " + warm + " last " + last);
  }
}
