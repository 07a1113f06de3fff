package bitlab.integer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.Quantizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

class CallBuffersTest {

  @Test
  void aCallGetsThePreviousCallsArraysInOrderAndOtherCallsFreshOnes() {
    CallBuffers b = new CallBuffers();
    CallBuffers outer = b.begin();
    byte[] first = CallBuffers.bytes(4);
    short[] second = CallBuffers.shorts(8);
    CallBuffers.end(outer);
    assertNotSame(first, CallBuffers.bytes(4), "outside a call every array is new");

    outer = b.begin();
    assertSame(first, CallBuffers.bytes(4));
    assertSame(second, CallBuffers.shorts(8));
    byte[] third = CallBuffers.bytes(5);
    CallBuffers.end(outer);

    outer = b.begin();
    assertSame(first, CallBuffers.bytes(4));
    assertNotSame(second, CallBuffers.shorts(9), "a slot whose length changed gets a new array");
    assertNotSame(third, CallBuffers.bytes(6));
    CallBuffers.end(outer);

    CallBuffers.Pool pool = new CallBuffers.Pool();
    CallBuffers a = pool.take(), c = pool.take();
    assertNotSame(a, c, "two calls at once never share a set");
    pool.give(a);
    assertSame(a, pool.take());
  }

  /**
   * Calls of one program with its arrays reused, every reused array first filled with a pattern, at two batch sizes
   * in turn, give the logits of calls that reuse nothing, to the last bit: each step writes all of its output.
   */
  @ParameterizedTest
  @ValueSource(strings = {"mobilenet-v1-mini", "mobilenet-v2-mini"})
  void reusedArraysGiveTheLogitsOfFreshOnes(String name) {
    Dataset mnist = Datasets.mnist();
    Model net = Zoo.load(name);
    INDArray three = mnist.test().images().get(NDArrayIndex.interval(0, 3)).dup();
    INDArray five = mnist.test().images().get(NDArrayIndex.interval(3, 8)).dup();
    PtqConfig zeroPoints = PtqConfig.DEFAULT.withAsymmetricActivations(true);
    for (Object[] c : new Object[][] {
      {Policy.uniform(net, 8, 8), PtqConfig.DEFAULT},
      {IntegerModelTest.mixed(net, 11), zeroPoints},
      {Policy.uniform(net, 8, 8), zeroPoints}
    }) {
      IntegerModel iq = IntegerModel.of(
          Quantizer.ptq(net, (Policy) c[0], mnist.train().take(64), (PtqConfig) c[1]));
      String what = name + " " + ((Policy) c[0]).summary() + " " + c[1];
      boolean saved = CallBuffers.reuse();
      try {
        CallBuffers.reuse(false);
        float[] fresh3 = iq.predict(three).dup().data().asFloat(),
            fresh5 = iq.predict(five).dup().data().asFloat();
        CallBuffers.reuse(true);
        CallBuffers.poison(true);
        long before = CallBuffers.reused();
        for (int round = 0; round < 3; round++) {
          assertArrayEquals(fresh3, iq.predict(three).dup().data().asFloat(), what + " batch 3");
          assertArrayEquals(
              fresh3, iq.predict(three).dup().data().asFloat(), what + " batch 3 again");
          assertArrayEquals(fresh5, iq.predict(five).dup().data().asFloat(), what + " batch 5");
        }
        // each round's second call at batch 3 follows one at the same batch: every layer but the
        // logits writes into the arrays of the call before
        long layers = iq.steps().stream().filter(s -> s.layer() != null).count() - 1;
        assertTrue(
            CallBuffers.reused() - before >= 3 * layers,
            what + ": the calls reused " + (CallBuffers.reused() - before) + " arrays");
        assertTrue(iq.trace(three).exact(), what);
      } finally {
        CallBuffers.poison(false);
        CallBuffers.reuse(saved);
      }
    }
  }
}
