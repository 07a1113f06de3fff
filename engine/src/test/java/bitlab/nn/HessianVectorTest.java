package bitlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.model.Model;
import bitlab.model.ModelException;
import bitlab.model.Node;
import bitlab.model.Zoo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exact Hessian-vector products (forward over reverse) against central differences of exact gradients,
 * in double; the float engine's products against the double ones; Jacobian-vector products of the logits
 * against differences of logits.
 */
class HessianVectorTest {
  static List<OpCases.Case> cases() {
    // Hessian-vector products go through neither a Softmax inside the network nor LRN (refused with
    // a sentence).
    return OpCases.all().stream()
        .filter(c -> !c.name().equals("softmax inside") && !c.name().equals("lrn"))
        .toList();
  }

  private static List<String> layerParams(Model m) {
    List<String> out = new ArrayList<>();
    for (Node n : m.layers()) for (var p : n.op().params()) out.add(n.param(p.name()));
    return out;
  }

  private static Map<String, INDArray> direction(Model m, long seed) {
    Random r = new Random(seed);
    Map<String, INDArray> v = new HashMap<>();
    for (Node n : m.layers()) {
      INDArray w = m.param(n.param("weight"));
      double[] d = new double[(int) w.length()];
      for (int i = 0; i < d.length; i++) d[i] = r.nextGaussian();
      v.put(n.param("weight"), Nd4j.create(d, w.shape(), 'c'));
    }
    return v;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void exactProductsMatchDifferencesOfGradients(OpCases.Case c) {
    Model m = c.model();
    INDArray x = OpCases.input(m, 3, 1);
    INDArray t = OpCases.targets(m, 3, 2);
    Map<String, INDArray> v = direction(m, 3);
    List<String> params = layerParams(m);
    try (Net net = Net.compile(m, Net.Mode.INFERENCE, Hooks.NONE, Net.Precision.DOUBLE, params)) {
      net.hessianVectorProduct(x, t, v);
      Map<String, INDArray> hv = new HashMap<>();
      for (String k : params) hv.put(k, net.hessianVector(k).dup());
      double h = 1e-5;
      Map<String, INDArray> plus = gradientsAt(net, params, v, h, x, t);
      Map<String, INDArray> minus = gradientsAt(net, params, v, -h, x, t);
      for (String k : params) {
        INDArray fd = plus.get(k).sub(minus.get(k)).divi(2 * h);
        double scale = Math.max(1e-6, fd.amaxNumber().doubleValue());
        double diff = hv.get(k).sub(fd).amaxNumber().doubleValue();
        assertTrue(
            diff <= 1e-5 * scale,
            c + ": Hv of " + k + " differs from differences of gradients by " + diff + " (largest "
                + scale + ")");
      }
    }
  }

  private static Map<String, INDArray> gradientsAt(
      Net net, List<String> params, Map<String, INDArray> v, double h, INDArray x, INDArray t) {
    Map<String, INDArray> saved = new HashMap<>();
    for (Map.Entry<String, INDArray> e : v.entrySet()) {
      saved.put(e.getKey(), net.parameter(e.getKey()).dup());
      net.parameter(e.getKey()).addi(e.getValue().mul(h));
    }
    net.parametersChanged();
    net.lossAndGradients(x, t);
    Map<String, INDArray> g = new HashMap<>();
    for (String k : params) g.put(k, net.gradient(k).dup());
    saved.forEach((k, w) -> net.parameter(k).assign(w));
    net.parametersChanged();
    return g;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void floatProductsMatchTheReference(OpCases.Case c) {
    Model m = c.model();
    INDArray x = OpCases.input(m, 3, 4);
    INDArray t = OpCases.targets(m, 3, 5);
    Map<String, INDArray> v = direction(m, 6);
    List<String> params = layerParams(m);
    try (Net f = Net.compile(m, Net.Mode.INFERENCE, Hooks.NONE, Net.Precision.FLOAT, params);
        Net d = Net.compile(m, Net.Mode.INFERENCE, Hooks.NONE, Net.Precision.DOUBLE, params)) {
      f.hessianVectorProduct(x, t, v);
      d.hessianVectorProduct(x, t, v);
      for (String k : params) {
        INDArray want = d.hessianVector(k);
        double scale = Math.max(1e-6, want.amaxNumber().doubleValue());
        double diff =
            f.hessianVector(k).castTo(DataType.DOUBLE).sub(want).amaxNumber().doubleValue();
        assertTrue(
            diff <= 1e-4 * scale,
            c + ": float Hv of " + k + " differs by " + diff + " (largest " + scale + ")");
      }
    }
  }

  /** One network, several directions in turn (as Hutchinson's estimator uses it): each product is that direction's. */
  @Test
  void successiveDirectionsAreEachTheirOwn() {
    Model m = OpCases.all().get(8).model();
    INDArray x = OpCases.input(m, 3, 1);
    INDArray t = OpCases.targets(m, 3, 2);
    List<String> params = layerParams(m);
    try (Net f = Net.compile(m, Net.Mode.INFERENCE, Hooks.NONE, Net.Precision.FLOAT, params)) {
      for (long seed = 1; seed <= 3; seed++) {
        Map<String, INDArray> v = direction(m, seed);
        f.hessianVectorProduct(x, t, v);
        try (Net d = Net.compile(m, Net.Mode.INFERENCE, Hooks.NONE, Net.Precision.DOUBLE, params)) {
          d.hessianVectorProduct(x, t, v);
          for (String k : params) {
            double scale = d.hessianVector(k).amaxNumber().doubleValue();
            double diff = f.hessianVector(k)
                .castTo(DataType.DOUBLE)
                .sub(d.hessianVector(k))
                .amaxNumber()
                .doubleValue();
            assertTrue(
                diff <= 1e-4 * scale,
                "direction " + seed + ", " + k + ": differs by " + diff + " of " + scale);
          }
          INDArray jf = f.logitsTangent(x, v).castTo(DataType.DOUBLE);
          INDArray jd = d.logitsTangent(x, v);
          assertTrue(
              jf.sub(jd).amaxNumber().doubleValue() <= 1e-4 * jd.amaxNumber().doubleValue(),
              "J·v of direction " + seed);
        }
      }
    }
  }

  @Test
  void logitsTangentIsTheDerivativeOfTheLogits() {
    Model m = Zoo.load("resnet-mini");
    INDArray x = bitlab.data.Datasets.mnist()
        .test()
        .images()
        .get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 4));
    Map<String, INDArray> v = Map.of("s2b1.conv1.weight", direction(m, 7).get("s2b1.conv1.weight"));
    try (Net d = Net.compile(m, Net.Mode.INFERENCE, Hooks.NONE, Net.Precision.DOUBLE, List.of())) {
      INDArray jv = d.logitsTangent(x, v);
      double h = 1e-6;
      INDArray w = d.parameter("s2b1.conv1.weight");
      INDArray w0 = w.dup();
      w.addi(v.get("s2b1.conv1.weight").mul(h));
      d.parametersChanged();
      INDArray up = d.outputs(x, List.of("fc")).get("fc");
      w.assign(w0).subi(v.get("s2b1.conv1.weight").mul(h));
      d.parametersChanged();
      INDArray down = d.outputs(x, List.of("fc")).get("fc");
      INDArray fd = up.sub(down).divi(2 * h);
      assertTrue(
          jv.sub(fd).amaxNumber().doubleValue() <= 1e-5 * fd.amaxNumber().doubleValue(),
          "J·v " + jv + " against " + fd);
    }
  }

  @Test
  void trainingModeAndNonLayerParametersAreRefusedInSentences() {
    Model m = Zoo.load("lenet5");
    INDArray x = OpCases.input(m, 2, 1);
    INDArray t = OpCases.targets(m, 2, 1);
    try (Net n = Net.compile(m, Net.Mode.TRAINING)) {
      ModelException e =
          assertThrows(ModelException.class, () -> n.hessianVectorProduct(x, t, Map.of()));
      assertEquals(
          "Hessian-vector products need BatchNorm's running statistics: compile in INFERENCE mode.",
          e.getMessage());
    }
    try (Net n = Net.compile(
        m, Net.Mode.INFERENCE, Hooks.NONE, Net.Precision.FLOAT, List.of("fc1.weight"))) {
      ModelException e = assertThrows(
          ModelException.class, () -> n.hessianVectorProduct(x, t, Map.of("relu1.weight", x)));
      assertEquals(
          "A direction for Hessian-vector products lives in Conv and Linear weights; 'relu1.weight' is not one.",
          e.getMessage());
    }
  }
}
