package bitlab.search.haq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.hardware.Bits;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.model.Model;
import bitlab.quant.PtqConfig;
import bitlab.search.Budget;
import bitlab.task.Work;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The short fine-tune in HAQ's reward: it repairs damage, it is deterministic, its cost is reported, divergence is survived. */
@Tag("slow")
class FineTuneTest {
  private static final Dataset DIGITS = Datasets.digits();

  private static PtqOracle oracle(Model net, FineTune ft, long seed) {
    Dataset d = net.prepare(DIGITS);
    return new PtqOracle(
        net, d.calibration(64), d.validation(), PtqConfig.DEFAULT, true, d.train(), ft, seed);
  }

  /** 2-bit weights and activations in the first layer: PTQ loses most of the accuracy there. */
  private static List<Bits> damaged() {
    return List.of(new Bits(2, 2), new Bits(8, 8), new Bits(8, 8));
  }

  @Test
  void fineTuningRecoversADamagedPolicy() {
    Model net = TinyDigitsNet.trained();
    Score ptq = oracle(net, FineTune.OFF, 1).score(damaged());
    Score tuned = oracle(net, FineTune.steps(40), 1).score(damaged());
    System.out.println("damaged policy: PTQ " + ptq + ", fine-tuned " + tuned);
    assertTrue(
        ptq.accuracy() < oracle(net, FineTune.OFF, 1).reference() - 5,
        "the policy is damaged: " + ptq);
    assertTrue(
        tuned.accuracy() >= ptq.accuracy() + 3, "fine-tuned " + tuned + " against PTQ " + ptq);
    assertTrue(tuned.loss() < ptq.loss(), "fine-tuned " + tuned + " against PTQ " + ptq);
    assertTrue(tuned.finetuneSeconds() > 0 && ptq.finetuneSeconds() == 0);
  }

  @Test
  void theSameSeedGivesTheSameScoreOnAnyThread() throws Exception {
    Model net = TinyDigitsNet.trained();
    Score a = oracle(net, FineTune.steps(12), 3).score(damaged());
    Score[] b = new Score[1];
    Thread t = new Thread(() -> b[0] = oracle(net, FineTune.steps(12), 3).score(damaged()));
    t.start();
    t.join();
    assertEquals(a.accuracy(), b[0].accuracy());
    assertEquals(a.loss(), b[0].loss(), 0.0, "bit for bit");
  }

  @Test
  void aSearchWithFineTuningReportsItsCostAndIsReproducible() {
    Model net = TinyDigitsNet.trained();
    HaqConfig cfg = HaqConfig.of(5, 1).withWarmup(3).withDdpg(DdpgConfig.DEFAULT.withHidden(32));
    Scoring scoring =
        Scoring.DEFAULT.withEvaluation(200).withCalibration(64).withFinetune(FineTune.steps(6));
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Work.setProgressSink(lines::add);
    HaqResult r;
    try {
      r = Haq.search(
          net,
          DIGITS,
          Catalogue.builtIn().target("bismo-edge"),
          Budget.latencyOf8Bit(0.5),
          cfg.withThreads(2),
          scoring);
    } finally {
      Work.setProgressSink(null);
    }
    assertTrue(
        r.timing().finetune() > 0 && r.timing().finetunePerPolicy() > 0,
        r.timing().toString());
    assertTrue(r.toString().contains("fine-tuning"), r.toString());
    assertTrue(r.scoring().contains("fine-tuned 6 steps of 64 training images"), r.scoring());
    for (Episode e : r.episodes())
      assertTrue(e.cached() || e.finetuneSeconds() > 0, "episode " + e.index());
    assertTrue(
        lines.stream().anyMatch(l -> l.startsWith("HAQ episode") && l.contains("fine-tune")),
        String.join("\n", lines));
    // the same seed on one thread: the same episodes, the same best policy, the same scores
    HaqResult again = Haq.search(
        net,
        DIGITS,
        Catalogue.builtIn().target("bismo-edge"),
        Budget.latencyOf8Bit(0.5),
        cfg.withThreads(1),
        scoring);
    assertEquals(r.best().policy(), again.best().policy());
    assertEquals(r.best().loss(), again.best().loss(), 0.0);
    for (int i = 0; i < r.episodes().size(); i++)
      assertEquals(r.episodes().get(i).accuracy(), again.episodes().get(i).accuracy());
    // test accuracy of a final policy is the fine-tuned model's, the one its validation score came
    // from
    Dataset d = net.prepare(DIGITS);
    PtqOracle o = new PtqOracle(
        net,
        d.calibration(64),
        d.validation(200),
        PtqConfig.DEFAULT,
        true,
        d.train(),
        FineTune.steps(6),
        1);
    assertEquals(
        o.accuracy(o.quantize(r.best().policy().bits()), d.test()), r.testAccuracy(), 1e-9);
    assertEquals(o.score(r.best().policy().bits()).accuracy(), r.accuracy(), 1e-9);
  }

  @Test
  void withoutFineTuningTheResultSaysSoAndCostsNothing() {
    Model net = TinyDigitsNet.trained();
    HaqConfig cfg = HaqConfig.of(2, 1).withWarmup(2).withBaselines(false);
    HaqResult r = Haq.search(
        net,
        DIGITS,
        Catalogue.builtIn().target("bismo-edge"),
        Budget.latencyOf8Bit(0.5),
        cfg,
        Scoring.DEFAULT.withEvaluation(100).withCalibration(32));
    assertEquals(0, r.timing().finetune());
    assertTrue(r.scoring().contains("no fine-tuning"), r.scoring());
  }

  @Test
  void aDivergingFineTuneIsDroppedAndSaid() {
    Model net = TinyDigitsNet.trained();
    PtqOracle wild = oracle(net, FineTune.steps(4).withLearningRate(1e37), 1);
    Score s = wild.score(damaged());
    assertEquals(
        oracle(net, FineTune.OFF, 1).score(damaged()).accuracy(),
        s.accuracy(),
        "scored as PTQ left it");
    assertEquals(1, wild.diverged());
    assertTrue(wild.describe().contains("1 of 1 fine-tunes diverged"), wild.describe());
  }

  @Test
  void badSettingsAreSentences() {
    assertThrows(HaqException.class, () -> FineTune.steps(-1));
    assertThrows(HaqException.class, () -> FineTune.epochs(Double.NaN));
    assertThrows(HaqException.class, () -> new FineTune(4, 0.5, 64, 1e-3));
    assertThrows(HaqException.class, () -> FineTune.steps(4).withLearningRate(0));
    assertEquals(25, FineTune.epochs(0.25).stepsFor(6400));
    assertEquals(0, FineTune.OFF.stepsFor(6400));
    assertTrue(
        FineTune.epochs(0.25)
            .describe(6400)
            .contains("25 steps of 64 training images (0.250 of an epoch)"),
        FineTune.epochs(0.25).describe(6400));
  }
}
