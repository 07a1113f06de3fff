package bitlab.search.haq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.model.Model;
import bitlab.quant.PtqConfig;
import bitlab.search.Budget;
import org.junit.jupiter.api.Test;

/** End to end with the real reward: PTQ calibrated on training images of the digits, scored on their validation part. */
class HaqPtqTest {
  @Test
  void searchesATrainedNetWithPtqAccuracy() {
    Dataset digits = Datasets.digits();
    Model net = TinyDigitsNet.trained();
    HaqConfig cfg = HaqConfig.of(4, 1).withWarmup(2).withDdpg(DdpgConfig.DEFAULT.withHidden(32));
    HaqResult r = Haq.search(
        net,
        digits,
        Catalogue.builtIn().target("bismo-edge"),
        Budget.latencyOf8Bit(0.5),
        cfg,
        Scoring.DEFAULT.withEvaluation(200).withCalibration(64));
    assertTrue(r.reference() > 50, "fp accuracy " + r.reference());
    assertTrue(r.cost() <= r.limit());
    assertEquals(3, r.policy().layers().size());
    assertEquals(4, r.episodes().size());
    assertTrue(r.accuracy() > 0 && r.accuracy() <= 100);
    assertTrue(
        r.scoring().contains("images of digits/validation") && r.scoring().contains("integer-only"),
        r.scoring());
    assertTrue(r.baseline("uniform") != null && r.baseline("random") != null);
    // The final policies carry their test accuracy: the same PTQ (calibration, arithmetic) run on
    // the test part.
    PtqOracle onTest =
        new PtqOracle(net, digits.calibration(64), digits.test(), PtqConfig.DEFAULT, true);
    assertEquals(onTest.accuracy(r.best().policy().bits()), r.testAccuracy(), 1e-9);
    for (Candidate c : r.baselines())
      assertEquals(onTest.accuracy(c.policy().bits()), c.test(), 1e-9, c.method());
    assertTrue(
        r.toString().contains(String.format("test %6.2f%%", r.testAccuracy())), r.toString());
    System.out.println(r);
  }
}
