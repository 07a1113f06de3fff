package bitlab.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.model.Model;
import bitlab.model.Zoo;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gradients of every operator: the reference arithmetic (double) against central finite differences of
 * its own loss, in both BatchNorm modes; oneDNN's f32 gradients against the reference's.
 */
@Tag("slow")
class GradientCheckTest {
  static List<OpCases.Case> cases() {
    return OpCases.all();
  }

  /** Central differences of the loss in double for a sample of each parameter's elements. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void referenceGradientsMatchFiniteDifferences(OpCases.Case c) {
    for (Net.Mode mode : Net.Mode.values()) {
      Model m = c.model();
      INDArray x = OpCases.input(m, 4, 1);
      INDArray t = OpCases.targets(m, 4, 2);
      try (Net net =
          Net.compile(m, mode, Hooks.NONE, Net.Precision.DOUBLE, Net.defaultTrainable(m))) {
        net.lossAndGradients(x, t);
        java.util.Map<String, INDArray> grads = new java.util.HashMap<>();
        for (String key : net.trainable()) grads.put(key, net.gradient(key).dup());
        Random r = new Random(3);
        for (String key : net.trainable()) {
          INDArray g = grads.get(key);
          INDArray w = net.parameter(key);
          double scale = Math.max(1e-3, g.amaxNumber().doubleValue());
          for (int k = 0; k < Math.min(12, w.length()); k++) {
            long i = w.length() <= 12 ? k : r.nextInt((int) w.length());
            double v = w.getDouble(i);
            double h = 1e-6;
            w.putScalar(i, v + h);
            net.parametersChanged();
            double up = net.lossAndGradients(x, t);
            w.putScalar(i, v - h);
            net.parametersChanged();
            double down = net.lossAndGradients(x, t);
            w.putScalar(i, v);
            net.parametersChanged();
            double fd = (up - down) / (2 * h);
            double an = g.getDouble(i);
            assertTrue(
                Math.abs(fd - an) <= 1e-6 * scale + 1e-6 * Math.abs(an),
                c + " (" + mode + ") " + key + "[" + i + "]: analytic " + an
                    + ", finite differences " + fd);
          }
        }
      }
    }
  }

  /** oneDNN's f32 forward and backward passes against the reference in double. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void floatGradientsMatchTheReference(OpCases.Case c) {
    for (Net.Mode mode : Net.Mode.values()) {
      compare(c.model(), mode, 4, c + " (" + mode + ")");
    }
  }

  /**
   * Whole networks on eight MNIST test images: per parameter, the relative error in norm. Element by
   * element, a ReLU whose input lies within float rounding of zero can pass a gradient in one precision and
   * not in the other. With batch statistics the MobileNets are ill-conditioned by construction: a BatchNorm,
   * ReLU and depthwise convolution followed by another BatchNorm make the loss (nearly, exactly when β = 0)
   * invariant to the first BatchNorm's γ, so its gradient {@code Σ dy·x̂} is a sum that cancels to a small
   * fraction of its terms, and float rounding shows as errors of about 1% in it and in everything the backward
   * pass computes from it (the gradients of earlier layers); in inference mode the same networks agree to 1e-5.
   */
  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "resnet-mini", "mobilenet-v1-mini", "mobilenet-v2-mini"})
  void zooGradientsMatchTheReference(String name) {
    Model m = Zoo.load(name);
    INDArray test = bitlab.data.Datasets.mnist().test().images();
    compare(
        m,
        Net.Mode.TRAINING,
        test.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 8)),
        name + " training",
        3e-2);
    // The tight inference bound holds where the network is differentiable: on images clear of the
    // ReLU kinks.
    compare(m, Net.Mode.INFERENCE, awayFromKinks(m, test, 8), name + " inference", 3e-4);
  }

  /**
   * The first {@code n} images none of whose ReLU/ReLU6 inputs lies within 1e-6 of a kink (0, or 6 for ReLU6) in
   * double precision (in inference mode). At a kink float and double may take different one-sided derivatives, and
   * one such element moves the gradients of every earlier layer by far more than rounding (the retrained zoo put one
   * on the first eight test images: mobilenet-v2-mini's stem gradient then differed by 3e-3 in norm).
   */
  private static INDArray awayFromKinks(Model m, INDArray pool, int n) {
    List<String> inputs = m.nodes().stream()
        .filter(x -> x.op().type().startsWith("ReLU"))
        .flatMap(x -> x.inputs().stream())
        .toList();
    java.util.List<Integer> kept = new java.util.ArrayList<>();
    try (Net d = Net.compile(m, Net.Mode.INFERENCE, Hooks.NONE, Net.Precision.DOUBLE, List.of())) {
      for (int i = 0; i < pool.size(0) && kept.size() < n; i++) {
        boolean clear = true;
        for (INDArray v : d.outputs(
                pool.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, i + 1)), inputs)
            .values()) {
          for (double y : v.castTo(DataType.DOUBLE).data().asDouble())
            clear &= Math.abs(y) >= 1e-6 && Math.abs(y - 6) >= 1e-6;
        }
        if (clear) kept.add(i);
      }
    }
    return pool.get(org.nd4j.linalg.indexing.NDArrayIndex.indices(
        kept.stream().mapToLong(Integer::longValue).toArray()));
  }

  private static void compare(Model m, Net.Mode mode, int batch, String what) {
    compare(m, mode, OpCases.input(m, batch, 5), what, 0);
  }

  /** {@code inNorm}: the relative tolerance in norm (0: element by element, 1e-4 of the largest). */
  private static void compare(Model m, Net.Mode mode, INDArray x, String what, double inNorm) {
    INDArray t = OpCases.targets(m, (int) x.size(0), 6);
    List<String> params = Net.defaultTrainable(m);
    try (Net f = Net.compile(m, mode, Hooks.NONE, Net.Precision.FLOAT, params);
        Net d = Net.compile(m, mode, Hooks.NONE, Net.Precision.DOUBLE, params)) {
      double lf = f.lossAndGradients(x, t);
      double ld = d.lossAndGradients(x, t);
      assertTrue(
          Math.abs(lf - ld) <= 1e-5 * Math.max(1, Math.abs(ld)),
          what + ": loss " + lf + " against " + ld);
      INDArray zf = f.lastLogits().castTo(DataType.DOUBLE);
      INDArray zd = d.lastLogits().castTo(DataType.DOUBLE);
      double zs = Math.max(1, zd.amaxNumber().doubleValue());
      assertTrue(
          zf.sub(zd).amaxNumber().doubleValue() <= 1e-5 * zs,
          what + ": logits differ by " + zf.sub(zd).amaxNumber());
      double largest = 0;
      for (String key : params)
        largest = Math.max(largest, d.gradient(key).amaxNumber().doubleValue());
      for (String key : params) {
        INDArray gf = f.gradient(key).castTo(DataType.DOUBLE);
        INDArray gd = d.gradient(key);
        if (inNorm > 0) {
          double scale = Math.max(gd.norm2Number().doubleValue(), 1e-2 * largest);
          double diff = gf.sub(gd).norm2Number().doubleValue();
          assertTrue(
              diff <= inNorm * scale,
              what + ": gradient of " + key + " differs by " + diff + " in norm (norm " + scale
                  + ")");
        } else {
          double scale = Math.max(gd.amaxNumber().doubleValue(), 1e-3 * largest);
          double diff = gf.sub(gd).amaxNumber().doubleValue();
          assertTrue(
              diff <= 1e-4 * scale,
              what + ": gradient of " + key + " differs by " + diff + " (largest " + scale + ")");
        }
      }
    }
  }
}
