package bitlab.search.haq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.Target;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.LayerBits;
import bitlab.quant.Policy;
import bitlab.search.Budget;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Recheck}: each method's best few policies scored again on more images before it chooses. */
class RecheckTest {
  private static Policy policy(int w) {
    return new Policy("toy", List.of(new LayerBits("fc", w, 8)));
  }

  /** Accuracy by weight width, for a one-layer toy: what the re-check "measures". */
  private static AccuracyOracle byWidth(double... accuracyOfWidth) {
    return Toy.of(p -> accuracyOfWidth[p.get(0).weights()]);
  }

  @Test
  void rankedKeepsEachPolicyOnceBestFirstAsTheSearchRanksThem() {
    Candidate a = new Candidate("HAQ", policy(4), 97.0, 0.20, 3);
    Candidate again = new Candidate("HAQ", policy(4), 97.0, 0.20, 3);
    Candidate b = new Candidate("HAQ", policy(5), 98.0, 0.30, 4);
    Candidate lowLoss = new Candidate("HAQ", policy(6), 97.0, 0.10, 5);
    Candidate cheaper = new Candidate("HAQ", policy(3), 97.0, 0.20, 2);
    List<Candidate> ranked = Recheck.ranked(List.of(a, b, again, lowLoss, cheaper));
    assertEquals(List.of(b, lowLoss, cheaper, a), ranked);
    Candidate folded = null;
    for (Candidate c : List.of(a, b, again, lowLoss, cheaper)) folded = Candidate.better(folded, c);
    assertSame(folded, ranked.get(0), "the first ranked is the policy the search keeps");
  }

  @Test
  void chooseTakesTheBestFinalistOnTheMoreImagesAndLooksNoFurther() {
    // the search's ranking: W5 first, then W4, W3, W2; on more images W3 is best of the first
    // three, W2 better still
    List<Candidate> ranked = List.of(
        new Candidate("random search", policy(5), 99.0, 0.1, 5),
        new Candidate("random search", policy(4), 98.5, 0.1, 4),
        new Candidate("random search", policy(3), 98.0, 0.1, 3),
        new Candidate("random search", policy(2), 97.0, 0.1, 2));
    ScoreCache more = new ScoreCache(byWidth(0, 0, 99.9, 97.6, 97.2, 96.8, 0, 0, 0));
    Candidate chosen = new Recheck(3, 1600).choose(ranked, more);
    assertEquals(policy(3), chosen.policy());
    assertEquals(97.6, chosen.accuracy(), "the pick carries its accuracy on the re-check's images");
    assertEquals("random search", chosen.method());
    assertEquals(3, chosen.cost());
    assertEquals(3, more.evaluations(), "only the finalists are scored again");
    assertEquals(policy(5), new Recheck(1, 1600).choose(ranked, more).policy());
  }

  @Test
  void aSearchWithARecheckReportsEveryMethodsPickOnTheMoreImages() {
    Target edge = Catalogue.builtIn().target("bismo-edge");
    Model net = Zoo.architecture("mobilenet-v2-mini", 28, 1.0, 0);
    int n = net.layers().size();
    // the re-check's images see the truth: accuracy grows with bits, some layers more;
    // the search's images see it plus a policy's own luck of up to 2 points
    double[] wc = new double[n];
    double[] ac = new double[n];
    for (int i = 0; i < n; i++) {
      wc[i] = 1 + i % 3;
      ac[i] = 1 + (i * 7) % 4;
    }
    AccuracyOracle truth = Toy.sensitivity(wc, ac);
    AccuracyOracle noisy =
        Toy.of(p -> truth.accuracy(p) + Math.floorMod(p.hashCode() * 31 + 7, 201) / 100.0);
    HaqConfig cfg = HaqConfig.of(12, 3).withWarmup(4).withDdpg(DdpgConfig.DEFAULT.withHidden(32));
    Recheck recheck = new Recheck(3, 1600);
    HaqResult plain = Haq.search(net, edge, Budget.latencyOf8Bit(0.5), cfg, noisy);
    HaqResult checked =
        Haq.search(net, edge, Budget.latencyOf8Bit(0.5), cfg, noisy, recheck, truth);
    assertTrue(plain.unchecked().isEmpty());
    // each method's own pick is what the search without a re-check keeps
    List<Candidate> picks = checked.unchecked();
    assertEquals(3, picks.size());
    assertEquals(plain.best(), picks.get(0));
    assertEquals(plain.baselines(), picks.subList(1, 3));
    List<Candidate> finals = new java.util.ArrayList<>(checked.baselines());
    finals.add(0, checked.best());
    for (int m = 0; m < 3; m++) {
      Candidate f = finals.get(m);
      assertEquals(picks.get(m).method().split(" W")[0], f.method().split(" W")[0]);
      assertEquals(truth.accuracy(f.policy().bits()), f.accuracy(), 1e-12, f.method());
      // the pick was a finalist, so the re-checked choice is at least as good on the truth
      assertTrue(f.accuracy() >= truth.accuracy(picks.get(m).policy().bits()) - 1e-12, f.method());
      assertTrue(f.cost() <= checked.limit(), f.method());
    }
    assertTrue(checked.scoring().contains("re-scored on 1600 validation images"));
    assertTrue(checked.toString().contains("before the re-check"), checked.toString());
  }

  @Test
  void aRecheckOnNoMoreImagesThanTheSearchIsRefusedInOneSentence() {
    HaqException e = assertThrows(
        HaqException.class, () -> Scoring.DEFAULT.withEvaluation(500).withRecheck(3, 500));
    assertEquals(
        "Re-checking the finalists on 500 validation images cannot tell them apart better than the 500 the search"
            + " scored them on; re-check on more images than the search scores on.",
        e.getMessage());
    HaqException half = assertThrows(HaqException.class, () -> new Recheck(3, 0));
    assertEquals(
        "A re-check needs a number of finalists and of images, both at least 1 (or both 0: off), got 3"
            + " finalists on 0 images; try withRecheck(3, 1600).",
        half.getMessage());
  }

  @Test
  void aRecheckAveragedOverFineTuneSeedsChoosesOnTheMeanNotOnOneLuckyScore() {
    List<Candidate> ranked = List.of(
        new Candidate("HAQ", policy(5), 99.0, 0.1, 5),
        new Candidate("HAQ", policy(4), 98.5, 0.1, 4));
    // the search's own fine-tune seed favours W5 by a little, another seed favours W4 by a lot
    AccuracyOracle own = byWidth(0, 0, 0, 0, 97.0, 97.2, 0, 0, 0);
    AccuracyOracle other = byWidth(0, 0, 0, 0, 97.6, 95.8, 0, 0, 0);
    Recheck one = new Recheck(2, 1600);
    Recheck two = new Recheck(2, 1600, 2);
    assertEquals(policy(5), one.choose(ranked, new ScoreCache(own)).policy());
    Candidate mean = two.choose(ranked, new ScoreCache(new MeanOracle(List.of(own, other))));
    assertEquals(policy(4), mean.policy());
    assertEquals(97.3, mean.accuracy(), 1e-12, "the pick carries its mean over the seeds");
    assertEquals(1, one.seeds());
    assertEquals(1000, Recheck.fineTuneSeed(1, 1) - Recheck.fineTuneSeed(1, 0));
    assertEquals(1, Recheck.fineTuneSeed(1, 0), "the first scoring uses the search's own seed");
    assertTrue(two.toString()
        .contains("re-scored on 1600 validation images, averaged over 2 fine-tune seeds"));
  }

  @Test
  void aRecheckOverNoSeedOrOverSeedsWithoutFineTuningIsRefusedInOneSentence() {
    HaqException none = assertThrows(HaqException.class, () -> new Recheck(3, 1600, 0));
    assertEquals(
        "A re-check averages over at least 1 fine-tune seed (the search's own), got 0; try"
            + " withRecheck(3, 1600, 3).",
        none.getMessage());
    Scoring unTuned = Scoring.DEFAULT.withEvaluation(500).withRecheck(3, 1600, 3);
    HaqException off = assertThrows(HaqException.class, unTuned::checkRecheckSeeds);
    assertEquals(
        "Averaging the re-check over 3 fine-tune seeds needs fine-tuning, and it is off: every seed would give the"
            + " same score; turn fine-tuning on or re-check with 1 seed.",
        off.getMessage());
    unTuned.withFinetune(FineTune.steps(4)).checkRecheckSeeds(); // fine-tuned: accepted
    Scoring.DEFAULT
        .withEvaluation(500)
        .withRecheck(3, 1600)
        .checkRecheckSeeds(); // one seed: accepted
  }
}
