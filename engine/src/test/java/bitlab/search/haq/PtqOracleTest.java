package bitlab.search.haq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.data.Samples;
import bitlab.hardware.Bits;
import bitlab.model.Model;
import bitlab.quant.PtqConfig;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The reward's two arithmetics: integer-only execution and the fake-quantized simulation score a policy alike. */
@Tag("slow")
class PtqOracleTest {
  @Test
  void integerAndSimulatedScoringAgreeWithinAFewImages() {
    Dataset digits = Datasets.digits();
    Model net = TinyDigitsNet.trained();
    Samples calib = digits.train().take(64);
    Samples eval = digits.test().take(300);
    PtqOracle integer = new PtqOracle(net, calib, eval, PtqConfig.DEFAULT, true);
    PtqOracle simulated = new PtqOracle(net, calib, eval, PtqConfig.DEFAULT, false);
    assertTrue(integer.integer());
    assertFalse(simulated.integer());
    assertTrue(integer.describe().contains("integer-only"), integer.describe());
    assertTrue(simulated.describe().contains("fake-quantized simulation"), simulated.describe());
    for (List<Bits> p : List.of(
        Collections.nCopies(3, new Bits(8, 8)),
        Collections.nCopies(3, new Bits(4, 4)),
        List.of(new Bits(2, 6), new Bits(5, 3), new Bits(8, 2)))) {
      double i = integer.accuracy(p);
      double s = simulated.accuracy(p);
      // A code that rounds the other way now and then moves a prediction: at most 3 of 300 images
      // here.
      assertEquals(s, i, 1.0 + 1e-9, p + ": integer " + i + "% vs simulated " + s + "%");
    }
    assertEquals(integer.reference(), simulated.reference());
  }

  @Test
  void theScoreCarriesALossThatGrowsAsBitsShrink() {
    Dataset digits = Datasets.digits();
    PtqOracle oracle = new PtqOracle(
        TinyDigitsNet.trained(),
        digits.train().take(64),
        digits.test().take(300),
        PtqConfig.DEFAULT,
        true);
    List<Bits> w8a8 = Collections.nCopies(3, new Bits(8, 8));
    List<Bits> w2a2 = Collections.nCopies(3, new Bits(2, 2));
    Score high = oracle.score(w8a8);
    Score low = oracle.score(w2a2);
    assertEquals(oracle.accuracy(w8a8), high.accuracy());
    assertTrue(high.loss() > 0 && Double.isFinite(high.loss()), "loss " + high.loss());
    assertTrue(
        low.loss() > high.loss(),
        "W2A2 loss " + low.loss() + " should exceed W8A8 loss " + high.loss());
  }
}
