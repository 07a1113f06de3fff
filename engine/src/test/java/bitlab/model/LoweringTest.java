package bitlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/** bitlab's lowerings against the libnd4j ops they replace (depthwise_conv2d, clip_by_value for ReLU6): outputs and gradients. */
class LoweringTest {
  private static Model net(int kernel, int stride, int pad, boolean bias) {
    return Model.builder("dw", Shape.image(6, 9, 9))
        .conv("dw", 6, kernel, stride, pad, 6, bias).relu("r").flatten("flat").linear("fc", 4).build(11);
  }

  /** The same network with libnd4j's op for the depthwise layer. */
  private static SameDiff reference(Model m, int kernel, int stride, int pad, boolean bias) {
    SameDiff sd = SameDiff.create();
    SDVariable x = sd.placeHolder("input", DataType.FLOAT, -1, 6, 9, 9);
    SDVariable w = sd.var("dw.weight", m.param("dw.weight").castTo(DataType.FLOAT).dup());
    Conv2DConfig cfg = Conv2DConfig.builder().kH(kernel).kW(kernel).sH(stride).sW(stride).pH(pad).pW(pad).dH(1).dW(1)
        .paddingMode(PaddingMode.VALID).dataFormat(Conv2DConfig.NCHW).weightsFormat(WeightsFormat.YXIO).build();
    SDVariable hwc1 = sd.permute(w, 2, 3, 0, 1);
    SDVariable y = bias ? sd.cnn().depthWiseConv2d("dw", x, hwc1, sd.var("dw.bias", m.param("dw.bias").castTo(DataType.FLOAT).dup()), cfg)
        : sd.cnn().depthWiseConv2d("dw", x, hwc1, cfg);
    long features = m.node("flat").shape().channels();
    SDVariable flat = sd.reshape(sd.nn().relu(y, 0), -1, features);
    SDVariable logits = sd.mmul(flat, sd.var("fc.weight", m.param("fc.weight").castTo(DataType.FLOAT).dup()), false, true, false)
        .add(sd.var("fc.bias", m.param("fc.bias").castTo(DataType.FLOAT).dup()));
    SDVariable labels = sd.placeHolder("labels", DataType.FLOAT, -1, 4);
    sd.loss().softmaxCrossEntropy("loss", labels, logits, null);
    sd.setLossVariables("loss");
    return sd;
  }

  /** SameDiff prints a line per differentiated op while building a backward graph. */
  private static <T> T quietly(java.util.function.Supplier<T> work) {
    java.io.PrintStream out = System.out;
    System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    try {
      return work.get();
    } finally {
      System.setOut(out);
    }
  }

  @Test
  void relu6MatchesClipByValue() {
    Model m = Model.builder("r6", Shape.vector(7)).linear("fc1", 9).relu6("r6").linear("fc2", 3).build(5);
    Nd4j.getRandom().setSeed(4);
    INDArray x = Nd4j.randn(DataType.FLOAT, 16, 7).muli(8);
    INDArray labels = Nd4j.zeros(DataType.FLOAT, 16, 3);
    for (int i = 0; i < 16; i++) labels.putScalar(i, i % 3, 1);
    SameDiff ref = SameDiff.create();
    SDVariable in = ref.placeHolder("input", DataType.FLOAT, -1, 7);
    SDVariable w1 = ref.var("fc1.weight", m.param("fc1.weight").castTo(DataType.FLOAT).dup());
    SDVariable h = ref.mmul(in, w1, false, true, false).add(ref.var("fc1.bias", m.param("fc1.bias").castTo(DataType.FLOAT).dup()));
    SDVariable r6 = ref.math().clipByValue("r6", h, 0, 6);
    SDVariable logits = ref.mmul(r6, ref.var("fc2.weight", m.param("fc2.weight").castTo(DataType.FLOAT).dup()), false, true, false)
        .add(ref.var("fc2.bias", m.param("fc2.bias").castTo(DataType.FLOAT).dup()));
    ref.loss().softmaxCrossEntropy("loss", ref.placeHolder("labels", DataType.FLOAT, -1, 3), logits, null);
    ref.setLossVariables("loss");
    SameDiffGraph g = SameDiffGraph.build(m, SameDiffGraph.Mode.INFERENCE).prepareGradients();
    INDArray want = ref.output(Map.of("input", x), "r6").get("r6");
    INDArray got = g.outputs(x, "r6").get("r6");
    assertTrue(want.equalsWithEps(got, 0), "ReLU6 values");
    assertTrue(want.eq(0).castTo(DataType.INT32).sumNumber().intValue() > 0 && want.eq(6).castTo(DataType.INT32).sumNumber().intValue() > 0,
        "the inputs reach both sides of the clip");
    Map<String, INDArray> gw = g.sameDiff().calculateGradients(Map.of("input", x, "labels", labels), "fc1.weight");
    Map<String, INDArray> rw = quietly(() -> ref.calculateGradients(Map.of("input", x, "labels", labels), "fc1.weight"));
    assertTrue(rw.get("fc1.weight").sub(gw.get("fc1.weight")).amaxNumber().doubleValue() <= 1e-6 * rw.get("fc1.weight").amaxNumber().doubleValue(),
        "gradient through ReLU6");
  }

  @Test
  void matchesLibnd4jsDepthwiseConvolutionForwardAndBackward() {
    Nd4j.getRandom().setSeed(3);
    INDArray x = Nd4j.randn(DataType.FLOAT, 5, 6, 9, 9);
    INDArray labels = Nd4j.zeros(DataType.FLOAT, 5, 4);
    for (int i = 0; i < 5; i++) labels.putScalar(i, i % 4, 1);
    int[][] cases = {{3, 1, 1, 0}, {3, 2, 1, 1}, {5, 1, 2, 1}, {3, 2, 0, 0}, {1, 1, 0, 1}};
    for (int[] c : cases) {
      boolean bias = c[3] == 1;
      Model m = net(c[0], c[1], c[2], bias);
      String label = "kernel " + c[0] + " stride " + c[1] + " pad " + c[2] + (bias ? " with bias" : "");
      SameDiffGraph g = SameDiffGraph.build(m, SameDiffGraph.Mode.INFERENCE);
      SameDiff ref = reference(m, c[0], c[1], c[2], bias);
      INDArray want = ref.output(Map.of("input", x), "dw").get("dw");
      INDArray got = g.outputs(x, "dw").get("dw");
      assertArrayEquals(want.shape(), got.shape(), label);
      double scale = want.amaxNumber().doubleValue();
      assertTrue(want.sub(got).amaxNumber().doubleValue() <= 1e-6 * scale, label + ": max difference " + want.sub(got).amaxNumber());

      g.prepareGradients();
      String[] params = bias ? new String[] {"dw.weight", "dw.bias"} : new String[] {"dw.weight"};
      Map<String, INDArray> gw = g.sameDiff().calculateGradients(Map.of("input", x, "labels", labels), params);
      Map<String, INDArray> rw = quietly(() -> ref.calculateGradients(Map.of("input", x, "labels", labels), params));
      for (String p : params) {
        double gs = rw.get(p).amaxNumber().doubleValue();
        assertTrue(gs > 0, label + " " + p);
        assertTrue(rw.get(p).sub(gw.get(p)).amaxNumber().doubleValue() <= 1e-4 * gs, label + " " + p + " gradient differs by "
            + rw.get(p).sub(gw.get(p)).amaxNumber() + " of " + gs);
      }
    }
  }
}
