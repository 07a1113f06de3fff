package bitlab.integer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import bitlab.data.Datasets;
import bitlab.integer.kernel.ConvKernels;
import bitlab.model.Model;
import bitlab.model.Shape;
import bitlab.model.Zoo;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantParams;
import bitlab.quant.QuantSpec;
import bitlab.quant.Quantizer;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * oneDNN layers hand channels-last codes to each other: the executor then holds those tensors NHWC, and every
 * tensor is the code for code the same as with every tensor NCHW.
 */
class ChannelsLastTest {

  @Test
  void aTensorTurnedChannelsLastAndBackIsTheSame() {
    Random r = new Random(2);
    Shape shape = Shape.image(5, 3, 4);
    byte[] codes = new byte[2 * 60];
    r.nextBytes(codes);
    QuantParams p =
        new QuantParams(QuantSpec.UINT8_ACT_PER_TENSOR, new float[] {0.1f}, new int[] {3});
    IntTensor x = new IntTensor(shape, 2, codes, p);
    IntTensor last = x.toNhwc();
    assertTrue(last.nhwc());
    // image 1, channel 4, row 2, column 3
    assertEquals(codes[60 + 4 * 12 + 2 * 4 + 3], last.codes()[60 + (2 * 4 + 3) * 5 + 4]);
    assertArrayEquals(codes, last.nchw().codes());
    assertEquals(x.codesArray(), last.codesArray());
    assertEquals(x.dequantize(), last.dequantize());
    // one position, or one channel: the two layouts are the same bytes, and the tensor says NCHW
    assertFalse(new IntTensor(Shape.image(5, 1, 1), 1, new byte[5], p, true).nhwc());
    assertFalse(new IntTensor(Shape.image(1, 3, 4), 1, new byte[12], p).toNhwc().nhwc());
  }

  @Tag("slow")
  @ParameterizedTest
  @ValueSource(strings = {"resnet-mini", "mobilenet-v2-mini"})
  void oneDnnLayersHandChannelsLastCodesThatEqualTheNchwOnes(String name) {
    Model net = Zoo.load(name);
    var mnist = Datasets.mnist();
    INDArray x = mnist.test().images().get(NDArrayIndex.interval(0, 3)).dup();
    for (Policy policy : new Policy[] {Policy.uniform(net, 8, 8), IntegerModelTest.mixed(net, 7)}) {
      // The 8-bit stream set by hand: a 16-bit one (the default below W8A8) is written by the
      // plain-Java wide path, which hands NCHW codes on; this test is about the byte kernels'
      // layouts.
      IntegerModel iq = IntegerModel.of(
          Quantizer.ptq(net, policy, mnist.train().take(64), PtqConfig.DEFAULT.withStreamBits(8)));
      boolean saved = ConvKernels.channelsLast();
      Map<String, IntTensor> nchw, nhwc, held;
      try {
        ConvKernels.channelsLast(false);
        nchw = iq.tensors(x);
        ConvKernels.channelsLast(true);
        nhwc = iq.tensors(x);
        held = iq.held(x);
      } finally {
        ConvKernels.channelsLast(saved);
      }
      int channelsLast = 0;
      for (Step s : iq.steps()) {
        IntTensor t = held.get(s.node());
        if (t == null) continue; // the logits
        boolean oneDnn = s.layer() != null && s.layer().kernel().channelsLast();
        if (oneDnn && IntTensor.channelsLast(t.shape())) {
          assertTrue(t.nhwc(), s.node() + " (" + s.kernelName() + ") was written NCHW");
          channelsLast++;
        }
        assertArrayEquals(
            nchw.get(s.node()).codes(),
            nhwc.get(s.node()).codes(),
            name + " " + policy.summary() + ": " + s.node() + " differs between the layouts");
      }
      assumeTrue(
          channelsLast > 0,
          "no layer runs on oneDNN's channels-last kernels here: " + ConvKernels.dnnlIsa());
    }
  }
}
