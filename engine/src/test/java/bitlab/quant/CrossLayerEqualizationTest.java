package bitlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.data.Samples;
import bitlab.integer.Deployment;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import bitlab.model.Zoo;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

@Tag("slow")
class CrossLayerEqualizationTest {
  private static final Dataset MNIST = Datasets.mnist();
  private static final Samples TEST = MNIST.test().take(200);

  @Test
  void onReluNetworksTheFloatFunctionIsKeptAndTheRangesMeet() {
    for (String name : List.of("lenet5", "resnet-mini")) {
      Model net = Zoo.load(name);
      Model folded = BatchNormFolding.fold(net);
      Model eq = CrossLayerEqualization.apply(net, false);
      INDArray x = TEST.images();
      INDArray a = folded.predict(x), b = eq.predict(x);
      double diff = a.sub(b).amaxNumber().doubleValue();
      assertTrue(diff < 1e-3 * a.amaxNumber().doubleValue(), name + ": logits moved by " + diff);
      List<CrossLayerEqualization.Pair> pairs = CrossLayerEqualization.pairs(eq);
      assertTrue(!pairs.isEmpty(), name);
      boolean moved = false;
      for (CrossLayerEqualization.Pair p : pairs) {
        Node first = eq.node(p.first());
        double[] w1 = eq.param(first.param("weight"))
            .castTo(DataType.DOUBLE)
            .dup('c')
            .data()
            .asDouble();
        double[] w2 = eq.param(p.second() + ".weight")
            .castTo(DataType.DOUBLE)
            .dup('c')
            .data()
            .asDouble();
        double[] o1 = folded
            .param(first.param("weight"))
            .castTo(DataType.DOUBLE)
            .dup('c')
            .data()
            .asDouble();
        int[][] cols =
            CrossLayerEqualization.columns(eq.node(p.second()), cols(first), p.features());
        int per = w1.length / cols.length;
        for (int i = 0; i < cols.length; i++) {
          double r1 = 0, r2 = 0, r0 = 0;
          for (int j = i * per; j < (i + 1) * per; j++) {
            r1 = Math.max(r1, Math.abs(w1[j]));
            r0 = Math.max(r0, Math.abs(o1[j]));
          }
          for (int j : cols[i]) r2 = Math.max(r2, Math.abs(w2[j]));
          // Chains are swept until they settle: each channel's two ranges end up equal.
          assertEquals(
              r1,
              r2,
              1e-4 * Math.max(r1, r2),
              name + " " + p.first() + " -> " + p.second() + " channel " + i);
          moved |= Math.abs(r1 - r0) > 1e-3 * r0;
        }
      }
      assertTrue(moved, name + ": equalization changed no weight");
    }
  }

  @Test
  void reluSixBecomesReluAndTheAccuracyStays() {
    Model net = Zoo.load("mobilenet-v2-mini");
    Model eq = CrossLayerEqualization.apply(net);
    double before = Inference.evaluate(net, TEST).accuracy(),
        after = Inference.evaluate(eq, TEST).accuracy();
    // ReLU6 -> ReLU is not free: on these 200 images it costs 2 (0.995 -> 0.985).
    assertTrue(Math.abs(before - after) <= 0.015, "FP32 " + before + " -> " + after);
    String summary = eq.metadata().get("equalization");
    long relu6 = eq.nodes().stream().filter(n -> n.op() instanceof Op.Relu6).count();
    long relu6Before = BatchNormFolding.fold(net).nodes().stream()
        .filter(n -> n.op() instanceof Op.Relu6)
        .count();
    assertTrue(
        relu6 < relu6Before && summary.contains((relu6Before - relu6) + " ReLU6 replaced by ReLU"),
        summary);
    assertEquals(net.layerNames(), eq.layerNames());
  }

  @Test
  void absorbedBiasesMoveIntoUnpaddedSecondLayersAndKeepThePredictions() {
    // No shipped mini has a channel with beta > 3|gamma|; give block 1's depthwise BatchNorm a few.
    // Absorption is
    // exact wherever the pre-activation stays above beta - 3|gamma| (BatchNorm's statistics, not
    // the data's).
    Model net = Zoo.load("mobilenet-v1-mini");
    String bn = net.nodes().stream()
        .filter(n -> n.op() instanceof Op.BatchNorm && n.name().contains(".dw"))
        .findFirst()
        .orElseThrow()
        .name();
    String dw = net.node(bn).inputs().get(0);
    INDArray beta = net.param(bn + ".bias").dup(),
        gamma = net.param(bn + ".weight").dup();
    for (int c = 0; c < 4; c++) {
      beta.putScalar(c, 4.0);
      gamma.putScalar(
          c, 0.02); // a narrow channel: where the data leaves mean - 3 std, the error stays small
    }
    Model shifted = net.withParams(java.util.Map.of(bn + ".bias", beta, bn + ".weight", gamma));
    Model plain = CrossLayerEqualization.apply(shifted, false),
        absorbed = CrossLayerEqualization.apply(shifted);
    assertTrue(
        absorbed.metadata().get("equalization").endsWith("bias absorbed into 1 layers"),
        absorbed.metadata().toString());
    double[] b0 = plain.param(dw + ".bias").toDoubleVector(),
        b1 = absorbed.param(dw + ".bias").toDoubleVector();
    for (int c = 0; c < b0.length; c++) {
      if (c < 4)
        assertTrue(b1[c] < b0[c] - 1e-3, dw + " channel " + c + ": " + b0[c] + " -> " + b1[c]);
      else assertEquals(b0[c], b1[c], 1e-6, dw + " channel " + c);
    }
    INDArray x = TEST.images();
    INDArray p0 = org.nd4j.linalg.factory.Nd4j.argMax(plain.predict(x), 1),
        p1 = org.nd4j.linalg.factory.Nd4j.argMax(absorbed.predict(x), 1);
    int same = p0.eq(p1).castTo(DataType.INT).sumNumber().intValue();
    assertTrue(same >= TEST.size() - 2, "predictions changed");
  }

  @Test
  void integerProgramRunsTheEqualizedModelImageForImage() {
    Model net = Zoo.load("mobilenet-v2-mini");
    PtqConfig config = PtqConfig.DEFAULT.withEqualization(true);
    QuantizedModel q = Quantizer.ptq(
        net, Policy.uniform(BatchNormFolding.fold(net), 4, 4), MNIST.train().take(128), config);
    assertTrue(q.method().contains("cross-layer equalization"), q.method());
    Samples test = MNIST.test().take(64);
    INDArray x = test.images();
    assertEquals(
        org.nd4j.linalg.factory.Nd4j.argMax(q.predict(x), 1),
        org.nd4j.linalg.factory.Nd4j.argMax(Deployment.integer(q).predict(x), 1));
    assertEquals(
        Deployment.integer(q).evaluate(test).correct(),
        Deployment.evaluate(q, test).correct());
  }

  @Test
  void observationsMustMatchTheConfiguration() {
    Model net = Zoo.load("lenet5");
    Observations plain = Observations.of(net, MNIST.train().take(16), PtqConfig.DEFAULT.bins());
    QuantException e = assertThrows(
        QuantException.class,
        () -> Quantizer.ptq(
            plain, Policy.uniform(net, 8, 8), PtqConfig.DEFAULT.withEqualization(true)));
    assertEquals(
        "These observations were made on the model without cross-layer equalization but the PTQ configuration asks for it; "
            + "observe with Observations.of(model, images, config.bins(), config.equalization()).",
        e.getMessage());
  }

  private static int cols(Node n) {
    return n.op() instanceof Op.Conv2d c ? c.out() : ((Op.Linear) n.op()).out();
  }
}
