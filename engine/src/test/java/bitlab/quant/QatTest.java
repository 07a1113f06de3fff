package bitlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.integer.Deployment;
import bitlab.model.Model;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("slow")
class QatTest {
  private final Dataset digits = Fixtures.digits();
  private final Model net = Fixtures.trainedCnn();

  @Test
  void fineTuningRecoversLowBitAccuracy() {
    Policy w2a3 = Policy.uniform(net, 2, 3);
    double ptq = Deployment.evaluate(
            Quantizer.ptq(net, w2a3, digits.train().take(400), PtqConfig.DEFAULT), digits)
        .accuracy();
    QatResult r =
        Qat.train(net, w2a3, digits, PtqConfig.DEFAULT, QatConfig.of(2).withLearningRate(2e-3));
    double qat = Deployment.evaluate(r.model(), digits).accuracy();
    assertTrue(qat > ptq + 0.05, "W2A3 PTQ " + ptq + " -> QAT " + qat);
    assertEquals(2, r.history().size());
    // The per-epoch accuracy was measured through the same simulation the result evaluates with.
    assertEquals(
        r.history().get(1).accuracy(),
        qat,
        1e-9); // the fixture has no validation part: epochs are scored on test
    assertEquals("test", r.history().get(1).part());
    assertTrue(r.model().method().startsWith("QAT 2 epochs (STE"));
    // One loss per step, both epochs, in order: their mean per epoch is the epoch's (batch-size
    // weighted) train loss.
    int perEpoch = digits.train().batchCount(QatConfig.of(2).batchSize());
    double[] steps = r.stepLosses();
    assertEquals(2 * perEpoch, steps.length);
    for (double l : steps) assertTrue(Double.isFinite(l) && l > 0);
    double firstEpoch = 0;
    for (int i = 0; i < perEpoch; i++) firstEpoch += steps[i];
    assertEquals(
        r.history().get(0).trainLoss(),
        firstEpoch / perEpoch,
        0.05 * r.history().get(0).trainLoss());
  }

  @Test
  void learnedStepSizesMoveAndStayPositive() {
    Policy w3a3 = Policy.uniform(net, 3, 3);
    QatResult r = Qat.train(
        net,
        w3a3,
        digits,
        PtqConfig.DEFAULT,
        QatConfig.of(1).withLearnedStep(true).withLearningRate(2e-3));
    QuantizedModel start = Quantizer.ptq(net, w3a3, digits.train().take(512), PtqConfig.DEFAULT);
    float before = start.activations().get("r1").params().scale(0);
    float after = r.model().activations().get("r1").params().scale(0);
    assertNotEquals(before, after);
    assertTrue(after > 0);
    assertTrue(
        Deployment.evaluate(r.model(), digits).accuracy() > 0.8,
        "LSQ W3A3 " + Deployment.evaluate(r.model(), digits).accuracy());
  }

  @Test
  void asymmetricActivationsAreRefused() {
    QuantException e = assertThrows(
        QuantException.class,
        () -> Qat.train(
            net,
            Policy.uniform(net, 4, 4),
            digits,
            PtqConfig.DEFAULT.withAsymmetricActivations(true),
            QatConfig.of(1)));
    assertEquals("QAT uses symmetric activations; drop the asymmetric option.", e.getMessage());
  }
}
