package bitlab.search.hawq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Datasets;
import bitlab.data.Samples;
import bitlab.model.Model;
import bitlab.model.Shape;
import bitlab.train.TrainConfig;
import bitlab.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Hutchinson against the exact traces of a small ReLU network, computed analytically. */
@Tag("slow")
class HessianTracesTest {
  static Model mlp;
  static Samples train;

  @BeforeAll
  static void trainTinyMlp() {
    var digits = Datasets.digits();
    train = digits.train();
    Model m = Model.builder("mlp", Shape.image(1, 8, 8))
        .flatten("flatten")
        .linear("fc1", 12)
        .relu("relu1")
        .linear("fc2", 10)
        .build(3);
    mlp = Trainer.train(m, digits, TrainConfig.adam(2, 1)).model();
  }

  /** Per-layer probes, by differences of gradients and of logits (the same probes: they agree closely). */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(TraceOptions.Curvature.class)
  void perLayerHutchinsonAgreesWithTheExactTraceWithinFivePercent(
      TraceOptions.Curvature curvature) {
    double[] exact = ExactTraces.lastLayers(mlp, train.take(100)).stream()
        .mapToDouble(ExactTraces.Exact::trace)
        .toArray();
    Traces t = HessianTraces.estimate(
        mlp,
        train,
        new TraceOptions(100, 150, 60, 1e-4, 7, TraceOptions.Probes.PER_LAYER, curvature));
    for (int i = 0; i < 2; i++) {
      LayerTrace lt = t.layers().get(i);
      double rel = Math.abs(lt.trace() - exact[i]) / exact[i];
      System.out.printf(
          "per-layer %s %s: Hutchinson %.6e +- %.1e (%d probes), exact %.6e, off by %.2f%%%n",
          curvature, lt.layer(), lt.trace(), lt.standardError(), lt.probes(), exact[i], 100 * rel);
      assertTrue(rel < 0.05, lt.layer() + ": " + lt.trace() + " vs exact " + exact[i]);
      assertTrue(
          Math.abs(lt.trace() - exact[i]) < 3 * lt.standardError(),
          "the standard error should cover the difference: " + lt);
    }
  }

  /** Joint probes: unbiased but noisier (cross terms), so checked against the standard error and within 10%. */
  @Test
  void jointProbesAgreeWithTheExactTrace() {
    double[] exact = ExactTraces.lastLayers(mlp, train.take(100)).stream()
        .mapToDouble(ExactTraces.Exact::trace)
        .toArray();
    Traces t = HessianTraces.estimate(
        mlp, train, new TraceOptions(100, 150, 150, 1e-4, 5, TraceOptions.Probes.JOINT));
    for (int i = 0; i < 2; i++) {
      LayerTrace lt = t.layers().get(i);
      System.out.printf(
          "joint %s: Hutchinson %.6e +- %.1e (%d probes), exact %.6e%n",
          lt.layer(), lt.trace(), lt.standardError(), lt.probes(), exact[i]);
      assertTrue(
          Math.abs(lt.trace() - exact[i]) < 3 * lt.standardError()
              && Math.abs(lt.trace() - exact[i]) < 0.1 * exact[i],
          lt + " vs exact " + exact[i]);
    }
  }

  @Test
  void sameSeedSameTraces() {
    TraceOptions o = new TraceOptions(64, 3, 3, 1e-3, 11, TraceOptions.Probes.JOINT);
    Traces a = HessianTraces.estimate(mlp, train, o);
    Traces b = HessianTraces.estimate(mlp, train, o);
    for (int i = 0; i < 2; i++)
      assertEquals(a.layers().get(i).trace(), b.layers().get(i).trace(), 0);
  }

  /** The double-precision graph works with BatchNorm, residual adds, ReLU6 and depthwise convolutions. */
  @Test
  void doubleGradientsOnEveryMiniArchitecture() {
    Samples mnist = bitlab.data.Datasets.mnist().train().take(4);
    for (String name : new String[] {"resnet-mini", "mobilenet-v2-mini"}) {
      Model m = bitlab.model.Zoo.architecture(name, 28, 1.0, 0);
      Gradients g = new Gradients(m, mnist);
      var grads = g.gradient(g.weightNames());
      assertEquals(m.layers().size(), grads.size(), name);
      for (var e : grads.entrySet()) {
        assertEquals(
            org.nd4j.linalg.api.buffer.DataType.DOUBLE,
            e.getValue().dataType(),
            name + " " + e.getKey());
        assertTrue(
            Double.isFinite(e.getValue().sumNumber().doubleValue()), name + " " + e.getKey());
      }
    }
  }

  @Test
  void jointProbesCannotUseTheJacobian() {
    HawqException e = assertThrows(
        HawqException.class,
        () -> new TraceOptions(
            8, 2, 1, 1e-3, 0, TraceOptions.Probes.JOINT, TraceOptions.Curvature.JACOBIAN));
    assertTrue(e.getMessage().contains("GRADIENTS"), e.getMessage());
  }

  @Test
  void aModelWithoutWeightsIsNamed() {
    Model none = Model.builder("pool-only", Shape.image(1, 8, 8))
        .maxPool("pool", 2, 2)
        .flatten("flatten")
        .build(0);
    HawqException e = assertThrows(
        HawqException.class, () -> HessianTraces.estimate(none, train, TraceOptions.DEFAULT));
    assertTrue(
        e.getMessage().contains("pool-only") && e.getMessage().contains("no Conv or Linear"),
        e.getMessage());
  }

  @Test
  void eachProbeIsKeptAndTheyAverageToTheTrace() {
    Traces t = HessianTraces.estimate(
        mlp, train, new TraceOptions(64, 5, 5, 1e-3, 3, TraceOptions.Probes.OUTPUT));
    for (LayerTrace lt : t.layers()) {
      assertEquals(5, lt.samples().length, lt.layer());
      assertEquals(lt.trace(), lt.runningMean()[4], 1e-12 * Math.abs(lt.trace()), lt.layer());
      assertEquals(lt.samples()[0], lt.runningMean()[0], 0, lt.layer());
    }
  }

  @Test
  void exactTracesCoverTheClassifierAndTheLinearLayerOneReluBeforeIt() {
    Samples few = Datasets.mnist().train().take(8);
    var lenet = ExactTraces.lastLayers(bitlab.model.Zoo.architecture("lenet5", 28, 1.0, 0), few);
    assertEquals(
        java.util.List.of("fc2", "fc3"),
        lenet.stream().map(ExactTraces.Exact::layer).toList());
    for (var e : lenet) assertTrue(e.trace() > 0, e.toString());
    var resnet =
        ExactTraces.lastLayers(bitlab.model.Zoo.architecture("resnet-mini", 28, 1.0, 0), few);
    assertEquals(
        java.util.List.of("fc"),
        resnet.stream().map(ExactTraces.Exact::layer).toList(),
        "a pooling layer, not a ReLU, feeds fc");
  }

  @Test
  void exactTracesNeedAFinalLinearLayer() {
    Model conv = Model.builder("conv-head", Shape.image(1, 8, 8))
        .conv("c", 10, 8, 1, 0)
        .flatten("flatten")
        .build(0);
    HawqException e =
        assertThrows(HawqException.class, () -> ExactTraces.lastLayers(conv, train.take(4)));
    assertTrue(
        e.getMessage().contains("conv-head") && e.getMessage().contains("final Linear"),
        e.getMessage());
  }

  @Test
  void imagesThatDoNotFitTheModelAreNamed() {
    Model lenet = bitlab.model.Zoo.architecture("lenet5", 28, 1.0, 0);
    var e = assertThrows(
        bitlab.model.ModelException.class,
        () -> HessianTraces.estimate(lenet, train, TraceOptions.DEFAULT.withImages(4)));
    assertTrue(e.getMessage().contains("lenet5"), e.getMessage());
  }

  /** Output probes: one gradient per probe for all layers, unbiased for the exact traces. */
  @Test
  void outputProbesAgreeWithTheExactTraceWithinFivePercent() {
    double[] exact = ExactTraces.lastLayers(mlp, train.take(100)).stream()
        .mapToDouble(ExactTraces.Exact::trace)
        .toArray();
    Traces t = HessianTraces.estimate(
        mlp, train, new TraceOptions(100, 600, 600, 1e-4, 7, TraceOptions.Probes.OUTPUT));
    for (int i = 0; i < 2; i++) {
      LayerTrace lt = t.layers().get(i);
      double rel = Math.abs(lt.trace() - exact[i]) / exact[i];
      System.out.printf(
          "output %s: Hutchinson %.6e +- %.1e (%d probes), exact %.6e, off by %.2f%%%n",
          lt.layer(), lt.trace(), lt.standardError(), lt.probes(), exact[i], 100 * rel);
      assertTrue(
          rel < 0.05 && Math.abs(lt.trace() - exact[i]) < 3 * lt.standardError(),
          lt + " vs exact " + exact[i]);
      for (double v : lt.samples()) assertTrue(v >= 0, "a squared norm is never negative: " + v);
    }
  }

  /** The identity output probes rest on: targets p - r give the gradient (1/N) sum_n r_n h_n^T of the classifier. */
  @Test
  void softTargetsGiveTheJacobianTransposeProduct() {
    Samples s = train.take(20);
    Gradients g = new Gradients(mlp, s);
    org.nd4j.linalg.api.ndarray.INDArray z = g.logits()[0];
    org.nd4j.linalg.api.ndarray.INDArray p =
        org.nd4j.linalg.ops.transforms.Transforms.softmax(z, true);
    org.nd4j.linalg.api.ndarray.INDArray r = org.nd4j.linalg.factory.Nd4j.rand(
            org.nd4j.linalg.api.buffer.DataType.DOUBLE, 20, 10)
        .subi(0.5);
    r.subiColumnVector(r.mean(true, 1)); // each row sums to zero
    var grad = g.gradient(
            java.util.List.of("fc2.weight"), new org.nd4j.linalg.api.ndarray.INDArray[] {p.sub(r)})
        .get("fc2.weight");
    var h = bitlab.model.Inference.outputs(mlp, s.images(), java.util.List.of("relu1"))
        .get("relu1")
        .castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
    var expected = r.transpose().mmul(h).divi(20); // [10, 12]
    assertEquals(
        0,
        grad.sub(expected).norm2Number().doubleValue(),
        1e-5 * expected.norm2Number().doubleValue());
  }

  /** At 8 bits the rounding is a small step: the second-order Taylor expansion predicts the measured change closely. */
  @Test
  void taylorTermsExplainTheLossChangeOfASmallRounding() {
    LossChange c = LossChange.on(mlp, train.take(100));
    for (String layer : java.util.List.of("fc1", "fc2")) {
      LossChange.Terms t = c.at(layer, 8);
      System.out.printf(
          "%s at 8 bits: measured %.4e, g'dW %.4e, 1/2 dW'HdW %.4e%n",
          layer, t.measured(), t.gradient(), t.quadratic());
      assertTrue(t.quadratic() > 0, t.toString());
      assertEquals(t.measured(), t.taylor(), 0.05 * Math.abs(t.measured()) + 1e-9, t.toString());
    }
    HawqException e = assertThrows(HawqException.class, () -> c.at("relu1", 8));
    assertTrue(e.getMessage().contains("fc1, fc2"), e.getMessage());
  }

  /** With measured damage each candidate's Ω is twice the loss increase of rounding that layer alone; more bits never cost more. */
  @Test
  void measuredDamagePricesEachWidthByItsLossIncrease() {
    Samples images = train.take(100);
    LossChange c = LossChange.on(mlp, images);
    Hawq h = Hawq.of(mlp, HawqTest.traces(mlp, 1, 1)).bits(2, 4, 8).measuredDamage(images);
    assertTrue(h.measured());
    for (IlpProblem.Layer l : h.problem().layers()) {
      for (int k = 0; k < l.candidates().size(); k++) {
        double expected =
            2 * Math.max(0, c.at(l.name(), l.candidates().get(k).weights()).measured());
        assertEquals(
            expected,
            l.omega()[k],
            1e-12 + 1e-9 * expected,
            l.name() + " at " + l.candidates().get(k));
      }
      assertTrue(
          l.omega()[0] > l.omega()[2],
          l.name() + ": 2-bit rounding should hurt more than 8-bit, "
              + java.util.Arrays.toString(l.omega()));
    }
    // The planner's Ω is the measured one, not the trace estimate (both layers have trace 1 here).
    double hessian = Hawq.of(mlp, HawqTest.traces(mlp, 1, 1))
        .bits(2)
        .problem()
        .layers()
        .get(0)
        .omega()[0];
    assertTrue(Math.abs(h.bits(2).problem().layers().get(0).omega()[0] - hessian) > 1e-6 * hessian);
  }
}
