package bitlab.integer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Datasets;
import bitlab.data.Samples;
import bitlab.hardware.TensorWidths;
import bitlab.model.Model;
import bitlab.model.Op;
import bitlab.model.Zoo;
import bitlab.quant.ActivationQuant;
import bitlab.quant.BatchNormFolding;
import bitlab.quant.Observations;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import bitlab.quant.StoredWidths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The default stream width ({@link PtqConfig#AUTO_STREAM_BITS}): 16 bits for a policy with any layer below 8 weight or
 * activation bits, 8 at W8A8, and 8 on a model whose products read bytes; a width set by hand is kept. What the default
 * chooses is exactly what that width set by hand quantizes, and the cost models move what it stores.
 */
class DefaultStreamWidthTest {
  private static final Samples CALIB = Datasets.mnist().train().take(64);

  @ParameterizedTest
  @ValueSource(strings = {"resnet-mini", "mobilenet-v1-mini", "mobilenet-v2-mini"})
  void belowW8A8TheStreamAndThePoolInputAreSixteenBitsAndAtW8A8Eight(String name) {
    Model net = Zoo.load(name);
    Model folded = BatchNormFolding.fold(net);
    Observations observed = Observations.of(net, CALIB, PtqConfig.DEFAULT.bins());
    String first = folded.layers().get(0).name();
    String last = folded.layers().get(folded.layers().size() - 1).name();
    List<Policy> low = List.of(
        Policy.uniform(folded, 4, 4),
        Policy.uniform(folded, 8, 4),
        Policy.uniform(folded, 4, 8),
        Policy.uniform(folded, 8, 8).with(last, 6, 8),
        Policy.uniform(folded, 8, 8).with(first, 8, 5));
    StoredWidths stored = new StoredWidths(net, PtqConfig.DEFAULT);
    for (Policy p : low) {
      assertEquals(16, PtqConfig.DEFAULT.streamBits(folded, p), name + " " + p.summary());
      QuantizedModel q = Quantizer.ptq(observed, p, PtqConfig.DEFAULT);
      assertEquals(16, q.streamBits(), name + " " + p.summary());
      sameWidths(q, Quantizer.ptq(observed, p, PtqConfig.DEFAULT.withStreamBits(16)));
      // The global pool's input is among the wide tensors.
      String pooled = folded.nodes().stream()
          .filter(n -> n.op() instanceof Op.GlobalAvgPool)
          .map(n -> n.inputs().get(0))
          .findFirst()
          .orElseThrow();
      assertEquals(16, q.activations().get(pooled).spec().bits(), name + " " + pooled);
      // Searches price what quantization stores: 16-bit traffic somewhere, and equal widths.
      List<TensorWidths> w = q.tensorWidths();
      assertEquals(stored.of(p), w, name + " " + p.summary());
      assertTrue(
          w.stream().anyMatch(t -> t.input() == 16 || t.output() == 16 || t.addend() == 16),
          name + " " + p.summary() + ": no layer moves a 16-bit tensor");
    }
    Policy w8a8 = Policy.uniform(folded, 8, 8);
    QuantizedModel q8 = Quantizer.ptq(observed, w8a8, PtqConfig.DEFAULT);
    assertEquals(8, q8.streamBits(), name);
    sameWidths(q8, Quantizer.ptq(observed, w8a8, PtqConfig.DEFAULT.withStreamBits(8)));
    // A width set by hand is kept whatever the policy.
    Policy w4a4 = Policy.uniform(folded, 4, 4);
    assertEquals(8, PtqConfig.DEFAULT.withStreamBits(8).streamBits(folded, w4a4), name);
    assertEquals(12, PtqConfig.DEFAULT.withStreamBits(12).streamBits(folded, w8a8), name);
  }

  /** LeNet-5 has no stream (no Add, Concat or average pooling): its width is given as 8 at any policy. */
  @Test
  void aModelWithoutAStreamSaysEightBits() {
    Model net = Zoo.load("lenet5");
    Model folded = BatchNormFolding.fold(net);
    assertEquals(8, PtqConfig.DEFAULT.streamBits(folded, Policy.uniform(folded, 4, 4)));
    QuantizedModel q4 = Quantizer.ptq(net, Policy.uniform(folded, 4, 4), CALIB, PtqConfig.DEFAULT);
    QuantizedModel q8 = Quantizer.ptq(
        net, Policy.uniform(folded, 4, 4), CALIB, PtqConfig.DEFAULT.withStreamBits(8));
    sameWidths(q4, q8);
  }

  /** The default W4A4 program of a mini with residual Adds runs bit-exact with its simulation. */
  @Test
  void theDefaultLowBitProgramIsBitExact() {
    Model net = Zoo.load("mobilenet-v2-mini");
    QuantizedModel q = Quantizer.ptq(
        net, Policy.uniform(BatchNormFolding.fold(net), 4, 4), CALIB, PtqConfig.DEFAULT);
    Trace t = Deployment.integer(q).trace(Datasets.mnist(), 4);
    assertTrue(t.exact(), t.toString());
    assertTrue(t.rows().stream().anyMatch(r -> r.bits() == 16), t.toString());
  }

  /** A product reads bytes (two codes must multiply within 32 bits), so a model with one keeps the 8-bit stream. */
  @Test
  void aModelWithAProductKeepsTheEightBitStreamAndCompiles() {
    Model m = StreamBitsTest.seGate();
    Samples calib = StreamBitsTest.seGateImages();
    Policy p = Policy.uniform(BatchNormFolding.fold(m), 4, 4);
    QuantizedModel q = Quantizer.ptq(m, p, calib, PtqConfig.DEFAULT);
    assertEquals(8, q.streamBits());
    assertEquals(8, q.activations().get("r").spec().bits(), "the pooled tensor the Mul reads");
    assertEquals(16, Deployment.integer(q).predict(calib.images()).size(0));
  }

  private static void sameWidths(QuantizedModel a, QuantizedModel b) {
    assertEquals(a.activations().keySet(), b.activations().keySet());
    for (ActivationQuant x : a.activations().values())
      assertEquals(
          b.activations().get(x.node()).spec(), x.spec(), x.node() + " stored as set by hand");
    assertEquals(a.views().keySet(), b.views().keySet());
    assertEquals(a.tensorWidths(), b.tensorWidths());
  }
}
