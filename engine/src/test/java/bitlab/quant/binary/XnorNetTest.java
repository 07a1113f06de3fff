package bitlab.quant.binary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.nn.Net;
import bitlab.quant.QuantException;
import bitlab.train.TrainConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

@Tag("slow")
class XnorNetTest {

  @Test
  void xnorPopcountEqualsTheFloatSimulationExactly() {
    Dataset digits = Datasets.digits();
    Model bnn = BinaryNets.train(
            BinaryNets.small(8, 2), digits, TrainConfig.adam(3, 3).withLearningRate(5e-3))
        .model();
    try (Net sim = BinaryNets.simulation(bnn)) {
      double acc = Inference.evaluate(bnn, digits.test(), sim::logits).accuracy();
      assertTrue(acc > 0.75, "binary net on digits: " + acc);
      XnorNet xnor = XnorNet.compile(bnn);
      INDArray x = digits.test().images();
      INDArray logits = sim.logits(x);
      float[] simLogits = logits.dup('c').data().asFloat();
      float[] all = x.dup('c').data().asFloat();
      int per = all.length / (int) x.size(0);
      for (int i = 0; i < x.size(0); i++) {
        float[] got = xnor.logits(java.util.Arrays.copyOfRange(all, i * per, (i + 1) * per));
        assertArrayEquals(
            java.util.Arrays.copyOfRange(simLogits, i * 10, (i + 1) * 10),
            got,
            0f,
            "logits of test image " + i);
      }
      assertEquals(acc, xnor.evaluate(digits.test()).accuracy(), 0);
      assertTrue(xnor.sizeBytes() < bnn.parameterCount(), "one bit per weight");
    }
  }

  @Test
  void paddedLayersAreRefused() {
    Model padded = Model.builder("padded", bitlab.model.Shape.image(1, 8, 8))
        .conv("c", 4, 3, 1, 1, 1, false)
        .batchNorm("bn")
        .flatten("f")
        .node("fc", new bitlab.model.Op.Linear(256, 10, false), java.util.List.of("f"))
        .batchNorm("bn2")
        .build(1);
    QuantException e = assertThrows(QuantException.class, () -> XnorNet.compile(padded));
    assertTrue(
        e.getMessage().startsWith("Layer 'c' of binarized model 'padded' must be an unpadded"),
        e.getMessage());
  }
}
