package bitlab.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Samples;
import bitlab.integer.Deployment;
import bitlab.model.Model;
import org.junit.jupiter.api.Test;

class ObservationsTest {
  private final Dataset digits = Fixtures.digits();
  private final Model net = Fixtures.trainedCnn();
  private final Samples calib = digits.train().take(300);

  @Test
  void sharedObservationsGiveTheSameQuantizationWithOneCalibration() {
    Observations shared = Observations.of(net, calib, PtqConfig.DEFAULT.bins());
    for (Policy p : new Policy[] {
      Policy.uniform(net, 8, 8),
      Policy.uniform(net, 3, 5).with("fc1", 6, 2),
      Policy.uniform(net, 2, 4)
    }) {
      QuantizedModel fresh = Quantizer.ptq(net, p, calib, PtqConfig.DEFAULT);
      QuantizedModel reused = Quantizer.ptq(shared, p, PtqConfig.DEFAULT);
      assertEquals(fresh.activations().keySet(), reused.activations().keySet());
      for (String node : fresh.activations().keySet()) {
        assertArrayEquals(
            fresh.activations().get(node).params().scale(),
            reused.activations().get(node).params().scale(),
            node + " " + p.summary());
      }
      assertEquals(
          Deployment.evaluate(fresh, digits.test()).correct(),
          Deployment.evaluate(reused, digits.test()).correct(),
          p.summary());
    }
    assertEquals(
        1,
        shared.passes(),
        "every policy of this model quantizes the same tensors: one calibration run");
  }

  @Test
  void binsMustMatchTheConfiguration() {
    Observations coarse = Observations.of(net, calib, 256);
    QuantException e = assertThrows(
        QuantException.class,
        () -> Quantizer.ptq(coarse, Policy.uniform(net, 8, 8), PtqConfig.DEFAULT));
    assertTrue(e.getMessage().contains("256") && e.getMessage().contains("2048"), e.getMessage());
  }
}
