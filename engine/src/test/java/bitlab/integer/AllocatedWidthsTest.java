package bitlab.integer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.data.Samples;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.ActivationQuant;
import bitlab.quant.AdaRoundConfig;
import bitlab.quant.BatchNormFolding;
import bitlab.quant.BitAllocation;
import bitlab.quant.Calibration;
import bitlab.quant.LayerQuant;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.Qat;
import bitlab.quant.QatConfig;
import bitlab.quant.QuantException;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import bitlab.quant.WeightQuantizer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-channel bit allocation ({@link BitAllocation}) on lenet5 at W4A4: weight widths run integer-only and spend each
 * layer's budget exactly; activation widths are simulated only, and every way out of the model says so.
 */
class AllocatedWidthsTest {
  private static final Dataset MNIST = Datasets.mnist();
  private static final Samples CALIB = MNIST.train().take(128);
  private static final Samples TEST = MNIST.test().take(64);
  private static final Model NET = Zoo.load("lenet5");
  private static final Policy W4A4 = Policy.uniform(BatchNormFolding.fold(NET), 4, 4);

  @Test
  void weightWidthsSpendTheBudgetAndRunIntegerOnly() {
    QuantizedModel q = Quantizer.ptq(
        NET, W4A4, CALIB, PtqConfig.DEFAULT.withAllocation(BitAllocation.Target.WEIGHTS));
    boolean varied = false;
    for (LayerQuant l : q.layers().values()) {
      int[] bits = WeightQuantizer.channelBits(l.codes());
      int widest = Arrays.stream(bits).max().orElseThrow();
      // Every channel's codes fit its width (a channel may use fewer levels than it was given,
      // never more).
      assertTrue(
          widest <= l.weights().spec().bits() && widest <= 8,
          l.layer() + " " + Arrays.toString(bits));
      assertTrue(Arrays.stream(bits).sum() <= 4 * bits.length, l.layer() + " over budget");
      varied |= Arrays.stream(bits).distinct().count() > 1;
      assertTrue(q.method().contains("per-channel weight widths"), q.method());
    }
    assertTrue(varied, "no layer got channels of different widths");
    IntegerModel iq = Deployment.integer(q);
    INDArray x = TEST.images();
    INDArray sim = Nd4j.argMax(q.predict(x), 1), deployed = Nd4j.argMax(iq.predict(x), 1);
    int differ = 0;
    for (int i = 0; i < TEST.size(); i++) if (sim.getInt(i) != deployed.getInt(i)) differ++;
    assertTrue(differ <= 1, differ + " of 64 images predicted differently");
    assertTrue(Deployment.evaluate(q, TEST).model().contains("integer-only"));
  }

  @Test
  void activationWidthsAreSimulatedOnlyAndSaySo() {
    QuantizedModel q = Quantizer.ptq(
        NET, W4A4, CALIB, PtqConfig.DEFAULT.withAllocation(BitAllocation.Target.ACTIVATIONS));
    assertTrue(q.activationsAllocated());
    for (ActivationQuant a : q.activations().values()) {
      if (!a.allocated()) continue;
      int channels = a.channelBits().length;
      assertEquals(a.spec().bits() * channels, Arrays.stream(a.channelBits()).sum(), a.node());
    }
    assertNull(Deployment.program(q));
    assertEquals(
        "Per-channel activation widths (bit allocation) cannot run in integers only: a layer sums the products of all "
            + "its input channels in one int32 accumulator, which needs one input scale; this model is simulated only "
            + "(allocate the weights only for an integer program).",
        Deployment.refusal(q));
    assertTrue(Deployment.evaluate(q, TEST).model().contains("simulated"));
    assertTrue(q.method().contains("simulated only"), q.method());
    Exception e = assertThrows(Exception.class, () -> bitlab.onnx.QdqExport.toProto(q));
    assertTrue(e.getMessage().contains("per-channel activation widths"), e.getMessage());
  }

  @Test
  void adaRoundKeepsEveryChannelWithinItsAllocatedWidth() {
    PtqConfig allocated = PtqConfig.DEFAULT.withAllocation(BitAllocation.Target.WEIGHTS);
    QuantizedModel nearest = Quantizer.ptq(NET, W4A4, CALIB, allocated);
    QuantizedModel learned = Quantizer.ptq(
        NET,
        W4A4,
        CALIB,
        allocated.withAdaRound(AdaRoundConfig.DEFAULT.withIterations(200).withImages(64)));
    int flipped = 0;
    for (LayerQuant l : learned.layers().values()) {
      LayerQuant n = nearest.layer(l.layer());
      int[] given = WeightQuantizer.channelBits(n.codes());
      int[] used = WeightQuantizer.channelBits(l.codes());
      for (int c = 0; c < given.length; c++)
        assertTrue(
            used[c] <= given[c],
            l.layer() + " channel " + c + ": AdaRound needs " + used[c]
                + " bits, the allocation gave " + given[c]);
      assertEquals(n.weights(), l.weights(), "AdaRound keeps the allocated scales");
      int[] a = l.codes()
          .castTo(org.nd4j.linalg.api.buffer.DataType.INT32)
          .dup()
          .data()
          .asInt();
      int[] b = n.codes()
          .castTo(org.nd4j.linalg.api.buffer.DataType.INT32)
          .dup()
          .data()
          .asInt();
      for (int i = 0; i < a.length; i++) if (a[i] != b[i]) flipped++;
    }
    assertTrue(flipped > 0, "AdaRound rounded no weight the other way");
    IntegerModel iq = Deployment.integer(learned);
    INDArray x = TEST.images();
    INDArray sim = Nd4j.argMax(learned.predict(x), 1), deployed = Nd4j.argMax(iq.predict(x), 1);
    int differ = 0;
    for (int i = 0; i < TEST.size(); i++) if (sim.getInt(i) != deployed.getInt(i)) differ++;
    assertTrue(differ <= 1, differ + " of 64 images predicted differently");
  }

  @Test
  void qatRefusesAllocationInOneSentence() {
    for (BitAllocation.Target t : new BitAllocation.Target[] {
      BitAllocation.Target.WEIGHTS, BitAllocation.Target.ACTIVATIONS, BitAllocation.Target.BOTH
    }) {
      QuantException e = assertThrows(
          QuantException.class,
          () -> Qat.train(NET, W4A4, MNIST, PtqConfig.DEFAULT.withAllocation(t), QatConfig.of(1)));
      assertEquals(
          "QAT trains every layer's weights at one width and every activation at one scale, so it cannot keep "
              + "per-channel bit allocation; drop the allocation for QAT, or allocate with static PTQ (no QAT).",
          e.getMessage());
    }
  }

  @Test
  void whatAllocationCannotTakeIsOneSentence() {
    QuantException mse = assertThrows(
        QuantException.class,
        () -> PtqConfig.DEFAULT
            .withWeights(Calibration.MSE)
            .withAllocation(BitAllocation.Target.WEIGHTS));
    assertTrue(mse.getMessage().contains("use minmax weight calibration"), mse.getMessage());
    QuantException perTensor = assertThrows(
        QuantException.class,
        () -> PtqConfig.DEFAULT.withPerChannel(false).withAllocation(BitAllocation.Target.BOTH));
    assertTrue(perTensor.getMessage().contains("use per-channel weights"), perTensor.getMessage());
    QuantException dynamic = assertThrows(
        QuantException.class,
        () -> Quantizer.dynamic(
            NET, W4A4, PtqConfig.DEFAULT.withAllocation(BitAllocation.Target.ACTIVATIONS)));
    assertTrue(
        dynamic.getMessage().contains("dynamic quantization has none"), dynamic.getMessage());
    QuantException oneBit = assertThrows(
        QuantException.class,
        () -> Quantizer.ptq(
            NET,
            Policy.uniform(BatchNormFolding.fold(NET), 1, 8),
            CALIB,
            PtqConfig.DEFAULT.withAllocation(BitAllocation.Target.WEIGHTS)));
    assertTrue(
        oneBit.getMessage().contains("give the layer 2..8 weight bits"), oneBit.getMessage());
    assertNotNull(PtqConfig.DEFAULT.withAllocation(BitAllocation.Target.NONE));
  }
}
