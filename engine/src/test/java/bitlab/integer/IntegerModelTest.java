package bitlab.integer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.data.Samples;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import bitlab.quant.Rounding;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The integer executor on the shipped MNIST models: bit-exact with its simulation, close to the fake-quantized model. */
@Tag("slow")
class IntegerModelTest {
  private static final Dataset MNIST = Datasets.mnist();
  private static final Samples CALIB = MNIST.train().take(128);

  private static INDArray images(int n) {
    return MNIST.test().images().get(NDArrayIndex.interval(0, n));
  }

  /** A seeded policy with every layer's weights and activations in 2..8 bits (first layer's input at 8). */
  static Policy mixed(Model m, long seed) {
    Random r = new Random(seed);
    Policy p = Policy.uniform(m, 8, 8);
    for (String layer : m.layerNames()) p = p.with(layer, 2 + r.nextInt(7), 2 + r.nextInt(7));
    return p;
  }

  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "resnet-mini", "mobilenet-v1-mini", "mobilenet-v2-mini"})
  void everyStepIsBitExactWithTheSimulationAtW8A8AndMixedBits(String name) {
    assertBitExactAtW8A8AndMixedBits(name);
  }

  /** The trace of four test images is bit-exact at W8A8 and at a seeded mixed policy (also run as on an AVX2-only CPU). */
  static void assertBitExactAtW8A8AndMixedBits(String name) {
    Model net = Zoo.load(name);
    for (Policy policy : new Policy[] {Policy.uniform(net, 8, 8), mixed(net, name.length())}) {
      QuantizedModel q = Quantizer.ptq(net, policy, CALIB, PtqConfig.DEFAULT);
      IntegerModel iq = IntegerModel.of(q);
      Trace t = iq.trace(images(4));
      assertTrue(t.exact(), name + " " + policy.summary() + ":\n" + t);
      assertEquals(4, t.predictionsAgreeSim());
      if (policy.layers().stream().allMatch(l -> l.weights() == 8 && l.activations() == 8)) {
        // The fake-quantized model rounds real products in float32: where both read the same input
        // codes (the
        // first layer) only values within float32 rounding of a code boundary differ, by one code;
        // later layers
        // inherit those differences, so only the first layer is held to that.
        assertTrue(t.predictionsAgreeFake() >= 3, t.toString());
        LayerTrace first = t.rows().get(1);
        assertTrue(
            first.fakeMismatches() <= 0.01 * first.elements() && first.fakeMaxDiff() <= 1,
            "the first layer differs from the fake-quantized model's in under 1% of its codes, by at most one: "
                + first);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"resnet-mini", "mobilenet-v2-mini"})
  void bothPlacementsRunBitExactAndAsTheSimulationPredicts(String name) {
    Model net = Zoo.load(name);
    for (bitlab.quant.Placement placement : bitlab.quant.Placement.values()) {
      QuantizedModel q = Quantizer.ptq(
          net,
          mixed(net, 3),
          CALIB,
          PtqConfig.DEFAULT.withPlacement(placement).withAsymmetricActivations(true));
      Trace t = IntegerModel.of(q).trace(images(8));
      assertTrue(t.exact(), placement + ":\n" + t);
      assertEquals(8, t.predictionsAgreeFake(), placement + ":\n" + t);
      boolean fused =
          t.rows().stream().anyMatch(r -> r.op().endsWith("+Add") || r.op().contains("+Add+"));
      assertEquals(placement == bitlab.quant.Placement.INPUTS, fused, placement + ":\n" + t);
    }
  }

  @Test
  void integerAccuracyMatchesTheSimulatedQuantizedModel() {
    Model net = Zoo.load("lenet5");
    QuantizedModel q = Quantizer.ptq(net, Policy.uniform(net, 8, 8), CALIB, PtqConfig.DEFAULT);
    Samples test = MNIST.test().take(500);
    double integer = IntegerModel.of(q).evaluate(test).accuracy();
    double simulated = q.simulate(test).accuracy();
    assertTrue(
        Math.abs(integer - simulated) <= 0.004,
        "integer " + integer + " vs simulated " + simulated);
    assertTrue(integer > 0.96, "integer accuracy " + integer);
  }

  @Test
  void everyRoundingModeStaysExact() {
    Model net = Zoo.load("resnet-mini");
    for (Rounding r : Rounding.values()) {
      QuantizedModel q =
          Quantizer.ptq(net, Policy.uniform(net, 6, 5), CALIB, PtqConfig.DEFAULT.withRounding(r));
      Trace t = IntegerModel.of(q).trace(images(4));
      assertTrue(t.exact(), r + ":\n" + t);
    }
  }

  @Test
  void asymmetricActivationsWithZeroPointsStayExact() {
    Model net = Zoo.load("mobilenet-v2-mini");
    QuantizedModel q = Quantizer.ptq(
        net, Policy.uniform(net, 8, 8), CALIB, PtqConfig.DEFAULT.withAsymmetricActivations(true));
    Trace t = IntegerModel.of(q).trace(images(4));
    assertTrue(t.exact(), t.toString());
  }

  @Test
  void refusesWhatCannotRunInIntegers() {
    Model net = Zoo.load("lenet5");
    String first = net.layerNames().get(0);
    QuantizedModel dyn = Quantizer.dynamic(net, Policy.uniform(net, 8, 8), PtqConfig.DEFAULT);
    assertTrue(assertThrows(IntegerException.class, () -> IntegerModel.of(dyn))
        .getMessage()
        .contains("calibrate(data)"));
    QuantizedModel floatWeights =
        Quantizer.ptq(net, Policy.uniform(net, 8, 8).with(first, 32, 8), CALIB, PtqConfig.DEFAULT);
    assertTrue(assertThrows(IntegerException.class, () -> IntegerModel.of(floatWeights))
        .getMessage()
        .contains("keeps float weights"));
    QuantizedModel wide = Quantizer.ptq(net, Policy.uniform(net, 8, 12), CALIB, PtqConfig.DEFAULT);
    assertTrue(assertThrows(IntegerException.class, () -> IntegerModel.of(wide))
        .getMessage()
        .contains("2..8 bits"));
    QuantizedModel binary =
        Quantizer.ptq(net, Policy.uniform(net, 8, 8).with(first, 1, 8), CALIB, PtqConfig.DEFAULT);
    assertTrue(assertThrows(IntegerException.class, () -> IntegerModel.of(binary))
        .getMessage()
        .contains("binarized"));
    IntegerModel ok =
        IntegerModel.of(Quantizer.ptq(net, Policy.uniform(net, 8, 8), CALIB, PtqConfig.DEFAULT));
    assertThrows(
        IntegerException.class,
        () -> ok.predict(MNIST.test().images().get(NDArrayIndex.interval(0, 2)).reshape(2, 784)));
  }

  @Test
  void packedWeightsShrinkWithBits() {
    Model net = Zoo.load("lenet5");
    long b8 = IntegerModel.of(
            Quantizer.ptq(net, Policy.uniform(net, 8, 8), CALIB, PtqConfig.DEFAULT))
        .bytes();
    long b4 = IntegerModel.of(
            Quantizer.ptq(net, Policy.uniform(net, 4, 8), CALIB, PtqConfig.DEFAULT))
        .bytes();
    long biases = 0;
    for (var l : net.layers())
      biases += 4L
          * ((l.op() instanceof bitlab.model.Op.Conv2d c)
              ? c.out()
              : ((bitlab.model.Op.Linear) l.op()).out());
    assertEquals(b8 - biases, 2 * (b4 - biases), 2.0 * net.layers().size());
  }
}
