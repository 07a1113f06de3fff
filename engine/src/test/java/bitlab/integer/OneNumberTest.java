package bitlab.integer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.data.Samples;
import bitlab.model.Evaluation;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.BatchNormFolding;
import bitlab.quant.Observations;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One number: what {@code q.evaluate()} reports is the integer program's result, and the fake-quantized
 * simulation (the graph QAT trains) predicts what the integer program predicts, image for image, on every
 * shipped mini at W8A8, W4A8, W8A4, W4A4 and a seeded mixed 2..8-bit policy.
 */
@Tag("slow")
class OneNumberTest {
  private static final Dataset MNIST = Datasets.mnist();
  private static final Samples CALIB = MNIST.train().take(128);
  private static final Samples TEST = MNIST.test().take(64);

  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "resnet-mini", "mobilenet-v1-mini", "mobilenet-v2-mini"})
  void theReportedNumberIsTheIntegerProgramsImageForImage(String name) {
    Model net = Zoo.load(name);
    Model folded = BatchNormFolding.fold(net);
    Observations observed = Observations.of(net, CALIB, PtqConfig.DEFAULT.bins());
    Policy[] policies = {
      Policy.uniform(folded, 8, 8),
      Policy.uniform(folded, 4, 8),
      Policy.uniform(folded, 8, 4),
      Policy.uniform(folded, 4, 4),
      IntegerModelTest.mixed(folded, 17)
    };
    for (Policy policy : policies) {
      QuantizedModel q = Quantizer.ptq(observed, policy, PtqConfig.DEFAULT);
      IntegerModel iq = Deployment.integer(q);
      Evaluation reported = Deployment.evaluate(q, TEST), integer = iq.evaluate(TEST);
      assertEquals(integer.correct(), reported.correct(), name + " " + policy.summary());
      assertTrue(reported.model().contains("integer-only"), reported.model());
      INDArray x = TEST.images();
      INDArray simulated = Nd4j.argMax(q.predict(x), 1), deployed = Nd4j.argMax(iq.predict(x), 1);
      assertEquals(
          simulated,
          deployed,
          name + " " + policy.summary()
              + ": the simulation and the integer program predict differently");
    }
  }
}
