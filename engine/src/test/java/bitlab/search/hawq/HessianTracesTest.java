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
import org.junit.jupiter.api.Test;

/** Hutchinson against the exact traces of a small ReLU network, computed analytically. */
class HessianTracesTest {
  static Model mlp;
  static Samples train;

  @BeforeAll static void trainTinyMlp() {
    var digits = Datasets.digits();
    train = digits.train();
    Model m = Model.builder("mlp", Shape.image(1, 8, 8)).flatten("flatten").linear("fc1", 12).relu("relu1").linear("fc2", 10).build(3);
    mlp = Trainer.train(m, digits, TrainConfig.adam(2, 1)).model();
  }

  @Test void hutchinsonAgreesWithTheExactTraceWithinFivePercent() {
    double[] exact = ExactTraces.mlp(mlp, train.take(100));
    Traces t = HessianTraces.estimate(mlp, train, new TraceOptions(100, 150, 60, 1e-4, 7, TraceOptions.Probes.PER_LAYER));
    for (int i = 0; i < 2; i++) {
      LayerTrace lt = t.layers().get(i);
      double rel = Math.abs(lt.trace() - exact[i]) / exact[i];
      System.out.printf("per-layer %s: Hutchinson %.6e +- %.1e (%d probes), exact %.6e, off by %.2f%%%n",
          lt.layer(), lt.trace(), lt.standardError(), lt.probes(), exact[i], 100 * rel);
      assertTrue(rel < 0.05, lt.layer() + ": " + lt.trace() + " vs exact " + exact[i]);
      assertTrue(Math.abs(lt.trace() - exact[i]) < 3 * lt.standardError(), "the standard error should cover the difference: " + lt);
    }
  }

  /** Joint probes: unbiased but noisier (cross terms), so checked against the standard error and within 10%. */
  @Test void jointProbesAgreeWithTheExactTrace() {
    double[] exact = ExactTraces.mlp(mlp, train.take(100));
    Traces t = HessianTraces.estimate(mlp, train, new TraceOptions(100, 150, 150, 1e-4, 5, TraceOptions.Probes.JOINT));
    for (int i = 0; i < 2; i++) {
      LayerTrace lt = t.layers().get(i);
      System.out.printf("joint %s: Hutchinson %.6e +- %.1e (%d probes), exact %.6e%n", lt.layer(), lt.trace(), lt.standardError(), lt.probes(), exact[i]);
      assertTrue(Math.abs(lt.trace() - exact[i]) < 3 * lt.standardError() && Math.abs(lt.trace() - exact[i]) < 0.1 * exact[i], lt + " vs exact " + exact[i]);
    }
  }

  @Test void sameSeedSameTraces() {
    TraceOptions o = new TraceOptions(64, 3, 3, 1e-3, 11, TraceOptions.Probes.JOINT);
    Traces a = HessianTraces.estimate(mlp, train, o);
    Traces b = HessianTraces.estimate(mlp, train, o);
    for (int i = 0; i < 2; i++) assertEquals(a.layers().get(i).trace(), b.layers().get(i).trace(), 0);
  }

  /** The double-precision graph works with BatchNorm, residual adds, ReLU6 and depthwise convolutions. */
  @Test void doubleGradientsOnEveryMiniArchitecture() {
    Samples mnist = bitlab.data.Datasets.mnist().train().take(4);
    for (String name : new String[] {"resnet-mini", "mobilenet-v2-mini"}) {
      Model m = bitlab.model.Zoo.architecture(name, 28, 1.0, 0);
      Gradients g = new Gradients(m, mnist);
      var grads = g.gradient(g.weightNames());
      assertEquals(m.layers().size(), grads.size(), name);
      for (var e : grads.entrySet()) {
        assertEquals(org.nd4j.linalg.api.buffer.DataType.DOUBLE, e.getValue().dataType(), name + " " + e.getKey());
        assertTrue(Double.isFinite(e.getValue().sumNumber().doubleValue()), name + " " + e.getKey());
      }
    }
  }

  @Test void aModelWithoutWeightsIsNamed() {
    Model none = Model.builder("pool-only", Shape.image(1, 8, 8)).maxPool("pool", 2, 2).flatten("flatten").build(0);
    HawqException e = assertThrows(HawqException.class, () -> HessianTraces.estimate(none, train, TraceOptions.DEFAULT));
    assertTrue(e.getMessage().contains("pool-only") && e.getMessage().contains("no Conv or Linear"), e.getMessage());
  }
}
