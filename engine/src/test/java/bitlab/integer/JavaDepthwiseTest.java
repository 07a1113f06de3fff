package bitlab.integer;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import bitlab.cpu.CpuFeatures;
import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.data.Samples;
import bitlab.integer.kernel.ConvKernels;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import bitlab.quant.Rounding;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The MobileNets with every depthwise 3x3 layer on Java's channels-last kernel (where oneDNN's sums are exact the
 * executor times it against oneDNN per layer; here it is held to Java) run bit-exact with the simulation: W8A8, mixed
 * widths, zero points, and every rounding mode through the layers' real requantization.
 */
@Tag("slow")
class JavaDepthwiseTest {
  private static final Dataset MNIST = Datasets.mnist();
  private static final Samples CALIB = MNIST.train().take(128);

  @ParameterizedTest
  @ValueSource(strings = {"mobilenet-v1-mini", "mobilenet-v2-mini"})
  void everyStepIsBitExactWithDepthwiseInJava(String name) {
    assumeTrue(
        CpuFeatures.current().exactInt8Dot() && ConvKernels.dnnlIsa().length() > 0,
        "Java's channels-last depthwise runs where oneDNN's int8 sums are exact in one pass");
    Model net = Zoo.load(name);
    ConvKernels.Depthwise saved = ConvKernels.depthwise();
    try {
      ConvKernels.depthwise(ConvKernels.Depthwise.JAVA);
      PtqConfig asymmetric = PtqConfig.DEFAULT.withAsymmetricActivations(true);
      check(name, net, Policy.uniform(net, 8, 8), PtqConfig.DEFAULT);
      check(name, net, IntegerModelTest.mixed(net, name.length()), asymmetric);
      check(name, net, Policy.uniform(net, 4, 4), asymmetric.withRounding(Rounding.HALF_UP));
      check(
          name, net, Policy.uniform(net, 6, 5), PtqConfig.DEFAULT.withRounding(Rounding.HALF_AWAY));
    } finally {
      ConvKernels.depthwise(saved);
    }
  }

  private static void check(String name, Model net, Policy policy, PtqConfig config) {
    QuantizedModel q = Quantizer.ptq(net, policy, CALIB, config);
    IntegerModel iq = IntegerModel.of(q);
    long java = iq.steps().stream()
        .filter(s -> s.layer() != null && s.kernelName().equals("java-depthwise-nhwc"))
        .count();
    assertTrue(java > 0, name + ": no layer ran on Java's channels-last depthwise kernel");
    Trace t = iq.trace(MNIST.test().images().get(NDArrayIndex.interval(0, 4)));
    assertTrue(t.exact(), name + " " + policy.summary() + ", " + config + ":\n" + t);
  }
}
