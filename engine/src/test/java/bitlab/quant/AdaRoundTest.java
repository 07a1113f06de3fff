package bitlab.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Samples;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.model.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

@Tag("slow")
class AdaRoundTest {
  private final Dataset digits = Fixtures.digits();
  private final Samples calib = digits.train().take(256);
  private static final AdaRoundConfig FAST = AdaRoundConfig.DEFAULT.withIterations(300);

  /** Static PTQ rounding to nearest, then AdaRound on the same quantized model. */
  private static AdaRound.Result adaRound(
      QuantizedModel nearest, Samples images, AdaRoundConfig cfg) {
    return AdaRound.round(nearest.folded(), nearest.layers(), images, cfg, ls -> with(nearest, ls));
  }

  private static QuantizedModel with(QuantizedModel q, Map<String, LayerQuant> layers) {
    return new QuantizedModel(
        q.method(),
        q.source(),
        q.folded(),
        q.policy(),
        q.config(),
        layers,
        q.activations(),
        q.views());
  }

  /** Mean squared difference per element between a layer's output in a quantized model and in the FP32 folded model. */
  private static double outputError(QuantizedModel q, String layer, INDArray x) {
    INDArray got = q.net().outputs(x, List.of(layer)).get(layer).castTo(DataType.DOUBLE);
    INDArray want =
        Inference.outputs(q.folded(), x, List.of(layer)).get(layer).castTo(DataType.DOUBLE);
    double n = got.sub(want).norm2Number().doubleValue();
    return n * n / got.length();
  }

  /**
   * Each layer's output error on the calibration images, measured by running the quantized network with that one
   * layer's weights rounded to nearest and then as AdaRound rounded them (every earlier layer as AdaRound left it, so
   * the layer reads the same input), is what AdaRound reports for it, and lower with the learned rounding.
   */
  private void checkLayerErrors(Model net, Policy policy, PtqConfig cfg, Samples images) {
    QuantizedModel nearest = Quantizer.ptq(net, policy, images, cfg);
    AdaRound.Result r = adaRound(nearest, images, FAST);
    INDArray x = images.images();
    double before = 0, after = 0;
    for (AdaRound.LayerResult lr : r.report()) {
      Map<String, LayerQuant> swapped = new LinkedHashMap<>(r.layers());
      swapped.put(lr.layer(), nearest.layer(lr.layer()));
      double eNearest = outputError(with(nearest, swapped), lr.layer(), x);
      double eLearned = outputError(with(nearest, r.layers()), lr.layer(), x);
      assertEquals(
          eNearest,
          lr.nearestError(),
          1e-4 * eNearest,
          lr.layer() + ": the quadratic form is the measured error (nearest)");
      assertEquals(
          eLearned,
          lr.error(),
          1e-4 * eNearest,
          lr.layer() + ": the quadratic form is the measured error (learned)");
      assertTrue(
          eLearned < eNearest,
          lr.layer() + ": output error " + eNearest + " with nearest rounding, " + eLearned
              + " learned");
      assertTrue(
          lr.flipped() > 0 && lr.flipped() < lr.weights(),
          lr.layer() + " flipped " + lr.flipped() + " of " + lr.weights());
      before += eNearest;
      after += eLearned;
    }
    assertEquals(nearest.layers().size(), r.report().size());
    assertTrue(after < 0.9 * before, "summed output error " + before + " -> " + after);
  }

  @Test
  void learnedRoundingLowersEveryLayersOutputError() {
    checkLayerErrors(
        Fixtures.trainedCnn(),
        Policy.uniform(Fixtures.trainedCnn(), 3, 8),
        PtqConfig.DEFAULT,
        calib);
  }

  @Test
  void groupedStridedAndPaddedConvolutionsAndPerTensorScalesToo() {
    // A depthwise convolution with stride 2 and padding, a grouped one, per-tensor weight scales:
    // the patch rows of
    // every geometry must be what the network computes.
    Model m = Model.builder("geometry", Shape.image(1, 8, 8))
        .conv("c1", 6, 3, 1, 1, 1, true)
        .relu("r1")
        .conv("dw", 6, 3, 2, 1, 6, true)
        .relu("r2")
        .conv("g2", 4, 3, 1, 0, 2, true)
        .relu("r3")
        .flatten("flat")
        .linear("fc", 10)
        .build(5);
    checkLayerErrors(
        m,
        Policy.uniform(m, 4, 6),
        PtqConfig.DEFAULT.withPerChannel(false).withAsymmetricActivations(true),
        calib);
  }

  @Test
  void sameImagesGiveTheSameCodesAndTheIntegerProgramRunsThem() {
    Model net = Fixtures.trainedCnn();
    PtqConfig cfg = PtqConfig.DEFAULT.withAdaRound(FAST);
    QuantizedModel a = Quantizer.ptq(net, Policy.uniform(net, 3, 4), calib, cfg);
    QuantizedModel b = Quantizer.ptq(net, Policy.uniform(net, 3, 4), calib, cfg);
    QuantizedModel nearest =
        Quantizer.ptq(net, Policy.uniform(net, 3, 4), calib, PtqConfig.DEFAULT);
    boolean differs = false;
    for (String layer : a.layers().keySet()) {
      int[] ca = a.layer(layer).codes().castTo(DataType.INT32).dup().data().asInt();
      assertArrayEquals(
          ca, b.layer(layer).codes().castTo(DataType.INT32).dup().data().asInt(), layer);
      differs |= !java.util.Arrays.equals(
          ca, nearest.layer(layer).codes().castTo(DataType.INT32).dup().data().asInt());
      // The dequantized weights are the codes on the calibrated grid.
      LayerQuant l = a.layer(layer);
      float[] deq = l.dequantized().castTo(DataType.FLOAT).dup().data().asFloat();
      for (int i = 0; i < ca.length; i++)
        assertEquals(
            l.weights().dequantize(ca[i], i / (ca.length / l.weights().channels())), deq[i], 0f);
    }
    assertTrue(differs, "AdaRound rounds some weights the other way");
    assertTrue(a.method().contains("AdaRound"), a.method());
    INDArray x = digits.test().images();
    assertEquals(
        Nd4j.argMax(a.predict(x), 1),
        Nd4j.argMax(bitlab.integer.Deployment.integer(a).predict(x), 1),
        "the integer program computes the simulation");
  }

  @Test
  void learnedRoundingBringsTheLogitsCloserOnImagesItDidNotSee() {
    Model net = Fixtures.trainedCnn();
    QuantizedModel nearest =
        Quantizer.ptq(net, Policy.uniform(net, 3, 8), calib, PtqConfig.DEFAULT);
    QuantizedModel learned =
        Quantizer.ptq(net, Policy.uniform(net, 3, 8), calib, PtqConfig.DEFAULT.withAdaRound(FAST));
    INDArray x = digits.test().images();
    INDArray fp = nearest.folded().predict(x);
    double before = nearest.predict(x).sub(fp).norm2Number().doubleValue();
    double after = learned.predict(x).sub(fp).norm2Number().doubleValue();
    assertTrue(after < before, "logit error on test images " + before + " -> " + after);
  }

  /**
   * With per-channel bit allocation a channel given fewer bits than the layer's container may not round past its own
   * top code: AdaRound's bound per channel is that channel's width, and nearest rounding's codes already reach it.
   */
  @Test
  void aChannelGivenFewerBitsKeepsThemUnderAdaRound() {
    Model net = bitlab.model.Zoo.load("lenet5");
    Samples mnist = bitlab.data.Datasets.mnist().train().take(64);
    Policy w4a8 = Policy.uniform(BatchNormFolding.fold(net), 4, 8);
    QuantizedModel q = Quantizer.ptq(
        net, w4a8, mnist, PtqConfig.DEFAULT.withAllocation(BitAllocation.Target.WEIGHTS));
    boolean narrower = false;
    for (LayerQuant l : q.layers().values()) {
      int[] bound = AdaRound.channelBounds(l, l.weights().spec());
      int[] bits = WeightQuantizer.channelBits(l.codes());
      for (int c = 0; c < bound.length; c++) {
        assertEquals((1 << (bits[c] - 1)) - 1, bound[c], l.layer() + " channel " + c);
        narrower |= bound[c] < l.weights().spec().qmax();
      }
    }
    assertTrue(narrower, "no channel was allocated fewer bits than its layer's container");
    // Without allocation every channel may use the container's codes.
    QuantizedModel plain = Quantizer.ptq(net, w4a8, mnist, PtqConfig.DEFAULT);
    for (LayerQuant l : plain.layers().values())
      for (int b : AdaRound.channelBounds(l, l.weights().spec()))
        assertEquals(l.weights().spec().qmax(), b, l.layer());
  }

  @Test
  void badInputIsOneSentence() {
    Model net = Fixtures.trainedCnn();
    QuantException e = assertThrows(
        QuantException.class,
        () -> Quantizer.dynamic(
            net,
            Policy.uniform(net, 4, 8),
            PtqConfig.DEFAULT.withAdaRound(AdaRoundConfig.DEFAULT)));
    assertEquals(
        "AdaRound learns the rounding on calibration images, and dynamic quantization has none; "
            + "calibrate(data) for static PTQ, or drop adaRound().",
        e.getMessage());
    e = assertThrows(QuantException.class, () -> AdaRoundConfig.DEFAULT.withIterations(0));
    assertEquals("AdaRound needs 1..1,000,000 iterations per layer, got 0.", e.getMessage());
    e = assertThrows(
        QuantException.class, () -> AdaRoundConfig.DEFAULT.withLearningRate(Double.NaN));
    assertEquals("AdaRound's learning rate must be a positive number, got NaN.", e.getMessage());
  }
}
