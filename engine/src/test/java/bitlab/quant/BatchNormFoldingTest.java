package bitlab.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.data.Samples;
import bitlab.model.Model;
import bitlab.model.Op;
import bitlab.model.Zoo;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** BatchNorm folding has one owner: each model is folded once and every caller shares the result, which QAT leaves alone. */
class BatchNormFoldingTest {
  private static final Model NET = Zoo.load("resnet-mini"); // BatchNorms after its convolutions

  @Test
  void aModelIsFoldedOnceAndEveryCallerGetsTheSameFoldedModel() {
    Model folded = BatchNormFolding.fold(NET);
    assertNotSame(NET, folded);
    assertTrue(NET.nodes().stream().anyMatch(n -> n.op() instanceof Op.BatchNorm));
    assertFalse(
        folded.nodes().stream().anyMatch(n -> n.op() instanceof Op.BatchNorm),
        "every BatchNorm of resnet-mini follows a convolution it reads alone");
    assertSame(folded, BatchNormFolding.fold(NET));
    assertSame(folded, BatchNormFolding.fold(folded), "a folded model folds to itself");
    Samples calib = NET.prepare(Datasets.mnist()).train().take(32);
    QuantizedModel q = Quantizer.ptq(NET, Policy.uniform(folded, 8, 8), calib, PtqConfig.DEFAULT);
    assertSame(folded, q.folded(), "PTQ quantizes the shared folded model");
  }

  @Test
  void qatTrainsCopiesAndLeavesTheSharedFoldedArraysAsTheyWere() {
    Model folded = BatchNormFolding.fold(NET);
    Map<String, double[]> before = snapshot(folded);
    Dataset data = NET.prepare(Datasets.mnist());
    QuantizedModel start =
        Quantizer.ptq(NET, Policy.uniform(folded, 4, 8), data.train().take(64), PtqConfig.DEFAULT);
    QuantizedModel tuned = Qat.fineTune(
        start, data.train(), QatConfig.of(1).withBatchSize(16).withLearningRate(1e-2), 3);
    assertNotSame(folded, tuned.folded());
    boolean moved = false;
    for (Map.Entry<String, double[]> e : snapshot(tuned.folded()).entrySet())
      moved |= !java.util.Arrays.equals(before.get(e.getKey()), e.getValue());
    assertTrue(moved, "three steps of QAT moved some weight (else this test proves nothing)");
    Map<String, double[]> after = snapshot(BatchNormFolding.fold(NET));
    for (Map.Entry<String, double[]> e : before.entrySet())
      assertArrayEquals(e.getValue(), after.get(e.getKey()), 0.0, e.getKey());
  }

  private static Map<String, double[]> snapshot(Model m) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, INDArray> e : m.params().entrySet())
      out.put(e.getKey(), e.getValue().castTo(DataType.DOUBLE).dup('c').data().asDouble());
    return out;
  }
}
