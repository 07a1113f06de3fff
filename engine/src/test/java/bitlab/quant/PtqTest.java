package bitlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Samples;
import bitlab.integer.Deployment;
import bitlab.model.Model;
import bitlab.model.Op;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

@Tag("slow")
class PtqTest {
  private final Dataset digits = Fixtures.digits();
  private final Model net = Fixtures.trainedCnn();
  private final Samples calib = digits.train().take(400);

  @Test
  void foldingBatchNormKeepsTheFunction() {
    Model folded = BatchNormFolding.fold(net);
    assertTrue(folded.nodes().stream().noneMatch(n -> n.op() instanceof Op.BatchNorm));
    assertEquals(net.layerNames(), folded.layerNames());
    assertEquals(List.of("r1", "c2"), folded.node("add").inputs());
    assertTrue(((Op.Conv2d) folded.node("c1").op()).bias());
    INDArray x = digits.test().images();
    INDArray a = net.predict(x);
    INDArray b = folded.predict(x);
    assertTrue(
        a.sub(b).amaxNumber().doubleValue() < 1e-4 * a.amaxNumber().doubleValue(),
        "max difference " + a.sub(b).amaxNumber());
  }

  @Test
  void activationPointsFollowTheIntegerContract() {
    Model folded = BatchNormFolding.fold(net);
    var points = ActivationPoints.of(folded, Policy.uniform(folded, 8, 6).with("fc1", 8, 4));
    assertEquals(List.of("input", "r1", "c2", "r2", "r3"), List.copyOf(points.keySet()));
    assertTrue(points.get("input").signed());
    assertTrue(points.get("c2").signed());
    assertTrue(!points.get("r1").signed() && !points.get("r2").signed());
    assertEquals(4, points.get("r2").bits()); // read by fc1 through the pool and flatten
    assertEquals(4, points.get("c2").bits()); // read by the add, whose result reaches fc1
    assertEquals("r2", ActivationPoints.inputOf(folded, "fc1", points));
  }

  @Test
  void int8StaticPtqLosesAlmostNothing() {
    double fp = net.evaluate(digits).accuracy();
    assertTrue(fp > 0.9, "FP32 accuracy " + fp);
    QuantizedModel q = Quantizer.ptq(net, Policy.uniform(net, 8, 8), calib, PtqConfig.DEFAULT);
    double acc = Deployment.evaluate(q, digits).accuracy();
    assertTrue(acc >= fp - 0.01, "W8A8 " + acc + " vs FP32 " + fp);
    // What the integer executor needs is all there.
    LayerQuant c1 = q.layer("c1");
    assertEquals(8, c1.weights().channels());
    assertEquals(127, c1.codes().castTo(DataType.INT32).amaxNumber().intValue());
    assertEquals("input", c1.input());
    assertEquals("r1", c1.output());
    assertNull(q.layer("fc2").output());
    assertEquals(Rounding.HALF_EVEN, q.rounding());
    assertEquals(0, q.activations().get("r1").params().zeroPoint(0));
    assertEquals(Policy.uniform(net, 8, 8).bops(BatchNormFolding.fold(net)), q.bops());
  }

  @Test
  void lowBitsHurtAndClippingHelps() {
    double w8 = Deployment.evaluate(
            Quantizer.ptq(net, Policy.uniform(net, 8, 8), calib, PtqConfig.DEFAULT), digits)
        .accuracy();
    // Every node output quantized at 3 bits (the residual branch too): where clipping has the most
    // to save.
    QuantizedModel mm = Quantizer.ptq(
        net, Policy.uniform(net, 3, 3), calib, PtqConfig.DEFAULT.withPlacement(Placement.OUTPUTS));
    QuantizedModel mse = Quantizer.ptq(
        net,
        Policy.uniform(net, 3, 3),
        calib,
        PtqConfig.of(Calibration.MSE).withPlacement(Placement.OUTPUTS));
    double a = Deployment.evaluate(mm, digits).accuracy();
    double b = Deployment.evaluate(mse, digits).accuracy();
    assertTrue(a < w8, "W3A3 min-max " + a + " vs W8A8 " + w8);
    assertTrue(b > a, "W3A3 MSE " + b + " vs min-max " + a);
    assertTrue(mse.layer("c1").weightMse() < mm.layer("c1").weightMse());
  }

  @Test
  void dynamicQuantizationNeedsNoCalibration() {
    QuantizedModel d = Quantizer.dynamic(net, Policy.uniform(net, 8, 8), PtqConfig.DEFAULT);
    assertTrue(d.dynamic());
    assertNull(d.activations().get("r1").params());
    double fp = net.evaluate(digits).accuracy();
    assertTrue(Deployment.evaluate(d, digits).accuracy() >= fp - 0.015);
  }

  @Test
  void biasCorrectionIsMeasuredOnWhatTheIntegerProgramComputes() {
    // Activations at 3 bits too: the clipped, rounded inputs shift the means as much as the weights
    // do, and only a
    // correction measured on the quantized model sees that. After it, the logits' mean over the
    // correction images is
    // FP32's (the last layer is corrected with every earlier one already corrected), up to half a
    // step of the int32 grid
    // the corrected bias goes back on (BiasGrid).
    Samples images = calib.take(BiasCorrection.IMAGES);
    PtqConfig cfg = PtqConfig.DEFAULT.withPerChannel(false).withBiasCorrection(true);
    QuantizedModel corrected = Quantizer.ptq(net, Policy.uniform(net, 3, 3), images, cfg);
    QuantizedModel plain =
        Quantizer.ptq(net, Policy.uniform(net, 3, 3), images, cfg.withBiasCorrection(false));
    INDArray x = images.images();
    INDArray fp = BatchNormFolding.fold(net).predict(x).mean(0);
    double before = plain.predict(x).mean(0).sub(fp).amaxNumber().doubleValue();
    INDArray shift = corrected.predict(x).mean(0).sub(fp);
    double after = shift.amaxNumber().doubleValue();
    assertTrue(after < before / 5, "logit mean shift " + before + " -> " + after);
    LayerQuant last = new java.util.ArrayList<>(corrected.layers().values())
        .get(corrected.layers().size() - 1);
    QuantParams in = corrected.inputQuant(last.layer()).params();
    for (int c = 0; c < shift.length(); c++) {
      double halfStep = BiasGrid.step(in, last.weights(), c) / 2;
      assertTrue(
          Math.abs(shift.getDouble(c))
              <= halfStep * 1.001 + 1e-4 * fp.amaxNumber().doubleValue(),
          "class " + c + ": mean shift " + shift.getDouble(c)
              + " after correction, half a bias step " + halfStep);
    }
    // With per-tensor weights every logit is a whole number of one step S_in·S_w, so two classes
    // can tie exactly in the
    // integer program (it then takes the first); the simulation's float32 sums break such a tie
    // either way. The
    // simulated class must carry the program's top logit.
    INDArray simLogits = corrected.predict(x),
        intLogits = Deployment.integer(corrected).predict(x);
    INDArray sim = org.nd4j.linalg.factory.Nd4j.argMax(simLogits, 1),
        deployed = org.nd4j.linalg.factory.Nd4j.argMax(intLogits, 1);
    for (int i = 0; i < x.size(0); i++) {
      assertEquals(
          intLogits.getDouble(i, deployed.getInt(i)),
          intLogits.getDouble(i, sim.getInt(i)),
          "image " + i + ": the corrected biases run as simulated in the integer program");
    }
  }

  @Test
  void biasCorrectionWithoutCalibrationImagesSaysWhatIsMissing() {
    QuantException e = assertThrows(
        QuantException.class,
        () -> Quantizer.dynamic(
            net, Policy.uniform(net, 4, 8), PtqConfig.DEFAULT.withBiasCorrection(true)));
    assertEquals(
        "Bias correction measures the quantized model on calibration images, and dynamic quantization has none; "
            + "calibrate(data) for static PTQ, or drop biasCorrection().",
        e.getMessage());
  }

  @Test
  void biasCorrectionRemovesTheMeanShift() {
    QuantizedModel plain = Quantizer.ptq(
        net, Policy.uniform(net, 3, 8), calib, PtqConfig.DEFAULT.withPerChannel(false));
    QuantizedModel corrected = Quantizer.ptq(
        net,
        Policy.uniform(net, 3, 8),
        calib,
        PtqConfig.DEFAULT.withPerChannel(false).withBiasCorrection(true));
    // The mean pre-activation of fc2 over the calibration data moves back towards FP32.
    INDArray x = calib.images();
    INDArray fp = BatchNormFolding.fold(net).predict(x).mean(0);
    double before = plain.predict(x).mean(0).sub(fp).norm2Number().doubleValue();
    double after = corrected.predict(x).mean(0).sub(fp).norm2Number().doubleValue();
    assertTrue(after < before, "bias shift " + before + " -> " + after);
    assertNotNull(corrected.layer("c1").bias());
  }

  @Test
  void floatLayersStayFloat() {
    Policy p = Policy.uniform(net, 8, 8).with("c1", 32, 32);
    QuantizedModel q = Quantizer.ptq(net, p, calib, PtqConfig.DEFAULT);
    assertTrue(!q.layer("c1").quantized());
    assertTrue(!q.activations().containsKey("input"));
    assertEquals(q.folded().param("c1.weight"), q.model().param("c1.weight"));
  }

  @Test
  void badInputIsOneSentence() {
    QuantException e = assertThrows(
        QuantException.class,
        () -> Quantizer.ptq(
            net,
            Policy.uniform(bitlab.model.Zoo.architecture("lenet5", 28, 1, 0), 8, 8),
            calib,
            PtqConfig.DEFAULT));
    assertTrue(
        e.getMessage()
                .startsWith(
                    "The policy names layers 'conv1', 'conv2', 'fc1', 'fc3', not in model 'digits-cnn'")
            || e.getMessage()
                .startsWith(
                    "The policy names layers 'conv1', 'conv2', 'fc3', not in model 'digits-cnn'"),
        e.getMessage());
    Model broken = net.withParams(
        java.util.Map.of("fc1.weight", net.param("fc1.weight").dup().putScalar(3, Float.NaN)));
    e = assertThrows(
        QuantException.class,
        () -> Quantizer.ptq(broken, Policy.uniform(net, 8, 8), calib, PtqConfig.DEFAULT));
    // oneDNN's ReLU maps NaN to 0, so the broken weight (not the activation after it) is what gets
    // named.
    assertEquals(
        "Weight 'fc1.weight' has a NaN or infinite value at element 3; the model is broken.",
        e.getMessage());
  }
}
