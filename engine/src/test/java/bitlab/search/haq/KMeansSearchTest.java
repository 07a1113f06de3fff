package bitlab.search.haq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Datasets;
import bitlab.hardware.Bits;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.kmeans.SharedWeights;
import bitlab.search.Budget;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * HAQ under a size budget with k-means weight sharing, end to end on LeNet-5: every policy it returns fits the
 * budget counted with codebooks, the uniform baseline is Deep Compression's one width for all layers, and the
 * scores are of the shared-weight model.
 */
@Tag("slow")
class KMeansSearchTest {
  private static final Model NET = Zoo.load("lenet5");

  @Test
  void haqSearchesWeightWidthsUnderASizeBudgetThatCountsTheCodebooks() {
    int layers = NET.layers().size();
    int[] two = new int[layers];
    Arrays.fill(two, 2);
    long limit = SharedWeights.bytes(NET, two);
    HaqConfig cfg = HaqConfig.of(6, 1).withWarmup(3).withDdpg(DdpgConfig.DEFAULT.withHidden(32));
    Scoring scoring = Scoring.DEFAULT.withEvaluation(300).withFinetune(FineTune.steps(4));
    HaqResult r = Haq.kmeans(NET, Datasets.mnist(), Budget.sizeBytes(limit), cfg, scoring);

    assertEquals(limit, r.limit(), 0);
    for (Candidate c : java.util.stream.Stream.concat(
            java.util.stream.Stream.of(r.best()), r.baselines().stream())
        .toList()) {
      int[] w = Policies.weights(c.policy().bits());
      long bytes = SharedWeights.bytes(NET, w);
      assertEquals(bytes, c.cost(), 0, c.method());
      assertTrue(bytes <= limit, c.method() + " takes " + bytes + " bytes, over " + limit);
      assertTrue(c.test() > 10 && c.test() <= 100, c.method() + " test " + c.test());
    }
    // the only uniform width that fits at the size of 2-bit weights is 2 bits (codebooks counted)
    Candidate uniform = r.baseline("uniform");
    assertTrue(
        uniform.policy().bits().stream().allMatch(b -> b.weights() == 2),
        uniform.policy().toString());
    // the size is counted with codebooks: without them 3 bits would fit some layers
    int[] three = new int[layers];
    Arrays.fill(three, 3);
    assertTrue(SharedWeights.bytes(NET, three) > limit);
    assertTrue(r.scoring().contains("k-means"), r.scoring());
    assertTrue(r.scoring().contains("simulated"), r.scoring());
    // the oracle ignores activation widths: one score per weight widths
    KMeansOracle o =
        new KMeansOracle(NET, NET.prepare(Datasets.mnist()).validation(100), null, FineTune.OFF, 1);
    var a = java.util.Collections.nCopies(layers, new Bits(3, 8));
    var b = java.util.Collections.nCopies(layers, new Bits(3, 2));
    assertEquals(o.score(a), o.score(b));
  }

  @Test
  void aLatencyBudgetIsRefusedWithASentence() {
    HaqException e = assertThrows(
        HaqException.class,
        () -> Haq.kmeans(
            NET, Datasets.mnist(), Budget.latencyOf8Bit(0.5), HaqConfig.of(2, 1), Scoring.DEFAULT));
    assertEquals(
        "k-means weight sharing is searched under a size budget, got latency at most 0.5 of the all-8-bit "
            + "latency; use Budget.sizeBytes(...), sizeKib(...) or sizeOf8Bit(...).",
        e.getMessage());
  }

  @Test
  void aDivergingCentroidFineTuneIsScoredWithoutItAndSaid() {
    var d = NET.prepare(Datasets.mnist());
    var policy = java.util.Collections.nCopies(NET.layers().size(), new Bits(2, 8));
    KMeansOracle plain = new KMeansOracle(NET, d.validation(200), null, FineTune.OFF, 1);
    KMeansOracle wild = new KMeansOracle(
        NET, d.validation(200), d.train(), FineTune.steps(4).withLearningRate(1e37), 1);
    assertEquals(plain.accuracy(policy), wild.accuracy(policy), "scored as k-means left it");
    assertEquals(1, wild.diverged());
    assertTrue(wild.describe().contains("1 of 1 fine-tunes diverged"), wild.describe());
    assertTrue(wild.describe().contains("lower the learning rate"), wild.describe());
  }
}
