package bitlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import bitlab.data.Samples;
import bitlab.integer.Deployment;
import bitlab.integer.IntegerModel;
import bitlab.onnx.OnnxExport;
import bitlab.onnx.OnnxImport;
import bitlab.quant.BatchNormFolding;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every operator of the IR is handled everywhere a model goes: the float engine runs it, the integer compiler compiles
 * it or refuses it in a sentence that names the node, ONNX export writes it and import reads it back to the same
 * function. Java 17 cannot check that each {@code instanceof} chain over the sealed {@link Op} covers every permitted
 * record; this test does, from {@code Op.class.getPermittedSubclasses()}: a new operator fails here until it has a
 * sample graph below, and then until every path handles it.
 */
class EveryOpTest {

  /** Per operator, a small graph that uses it (between layers with weights, so that it can be quantized). */
  static Map<Class<?>, Model> samples() {
    Map<Class<?>, Model> s = new LinkedHashMap<>();
    s.put(Op.Input.class, image("input", 1, 4).flatten("f").linear("fc", 3).build(1));
    s.put(
        Op.Conv2d.class,
        image("conv", 2, 6)
            .conv("c", 4, 3, 1, 1, 1, true)
            .flatten("f")
            .linear("fc", 5)
            .build(2));
    s.put(
        Op.Linear.class,
        image("linear", 1, 3)
            .flatten("f")
            .linear("a", 8)
            .relu("r")
            .linear("fc", 4)
            .build(3));
    s.put(
        Op.BatchNorm.class,
        image("batchnorm", 2, 5)
            .conv("c", 4, 3, 1, 1, 1, false)
            .batchNorm("b")
            .relu("r")
            .flatten("f")
            .linear("fc", 5)
            .build(4));
    s.put(
        Op.Relu.class,
        image("relu", 2, 5)
            .conv("c", 4, 3, 1, 1, 1, true)
            .relu("r")
            .flatten("f")
            .linear("fc", 5)
            .build(5));
    s.put(
        Op.Relu6.class,
        image("relu6", 2, 5)
            .conv("c", 4, 3, 1, 1, 1, true)
            .relu6("r")
            .flatten("f")
            .linear("fc", 5)
            .build(6));
    s.put(
        Op.Add.class,
        image("add", 2, 5)
            .conv("a", 4, 3, 1, 1, 1, true)
            .relu("r")
            .conv("b", 4, 3, 1, 1, 1, true)
            .add("s", "r", "b")
            .relu("sr")
            .flatten("f")
            .linear("fc", 5)
            .build(7));
    s.put(
        Op.Concat.class,
        image("concat", 2, 5)
            .conv("a", 3, 3, 1, 1, 1, true)
            .relu("ra")
            .from("input")
            .conv("b", 2, 1, 1, 0, 1, true)
            .relu("rb")
            .concat("cat", "ra", "rb")
            .flatten("f")
            .linear("fc", 5)
            .build(8));
    s.put(
        Op.MaxPool.class,
        image("maxpool", 2, 8)
            .conv("c", 3, 3, 1, 1, 1, true)
            .relu("r")
            .maxPool("p", 2, 2)
            .flatten("f")
            .linear("fc", 5)
            .build(9));
    s.put(
        Op.AvgPool.class,
        image("avgpool", 2, 7)
            .conv("c", 3, 3, 1, 1, 1, true)
            .relu("r")
            .node("p", new Op.AvgPool(3, 2, 1), List.of("r"))
            .flatten("f")
            .linear("fc", 5)
            .build(10));
    s.put(
        Op.GlobalAvgPool.class,
        image("gap", 2, 6)
            .conv("c", 5, 3, 1, 1, 1, true)
            .relu("r")
            .globalAvgPool("g")
            .linear("fc", 5)
            .build(11));
    s.put(
        Op.Flatten.class,
        image("flatten", 2, 4)
            .conv("c", 3, 1, 1, 0, 1, true)
            .relu("r")
            .flatten("f")
            .linear("fc", 4)
            .build(12));
    s.put(
        Op.Softmax.class,
        image("softmax", 1, 5)
            .conv("c", 3, 3, 1, 1, 1, true)
            .relu("r")
            .flatten("f")
            .linear("fc", 4)
            .softmax("p")
            .build(13));
    int seed = 14;
    for (Op f : new Op[] {
      new Op.Sigmoid(),
      new Op.HardSigmoid(1 / 6.0, 0.5),
      new Op.HardSwish(),
      new Op.Silu(),
      new Op.Clip(-1, 2)
    }) {
      s.put(
          f.getClass(),
          image(f.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT), 2, 5)
              .conv("c", 4, 3, 1, 1, 1, true)
              .node("a", f, List.of("c"))
              .flatten("f")
              .linear("fc", 5)
              .build(seed++));
    }
    s.put(
        Op.Mul.class,
        image("mul", 2, 5)
            .conv("a", 3, 3, 1, 1, 1, true)
            .relu("ra")
            .from("input")
            .conv("b", 3, 1, 1, 0, 1, true)
            .relu("rb")
            .node("m", new Op.Mul(), List.of("ra", "rb"))
            .flatten("f")
            .linear("fc", 5)
            .build(seed++));
    s.put(
        Op.Lrn.class,
        image("lrn", 2, 5)
            .conv("c", 4, 3, 1, 1, 1, true)
            .relu("r")
            .node("n", new Op.Lrn(3, 1e-4, 0.75, 1), List.of("r"))
            .flatten("f")
            .linear("fc", 5)
            .build(seed++));
    s.put(
        Op.ChannelShuffle.class,
        image("shuffle", 2, 5)
            .conv("c", 4, 3, 1, 1, 1, true)
            .relu("r")
            .node("s", new Op.ChannelShuffle(2), List.of("r"))
            .flatten("f")
            .linear("fc", 5)
            .build(seed++));
    s.put(
        Op.ChannelSlice.class,
        image("slice", 2, 5)
            .conv("c", 4, 3, 1, 1, 1, true)
            .relu("r")
            .node("s", new Op.ChannelSlice(1, 2), List.of("r"))
            .flatten("f")
            .linear("fc", 5)
            .build(seed++));
    return s;
  }

  private static ModelBuilder image(String name, int c, int size) {
    return Model.builder(name, Shape.image(c, size, size));
  }

  static Stream<Class<?>> ops() {
    return leaves(Op.class);
  }

  /** The records a sealed type permits, through its sealed sub-interfaces (Op.Pointwise, Op.ChannelMap). */
  private static Stream<Class<?>> leaves(Class<?> type) {
    return Arrays.stream(type.getPermittedSubclasses())
        .flatMap(c -> c.isSealed() ? leaves(c) : Stream.of(c));
  }

  @Test
  void everyOperatorHasASampleGraph() {
    Map<Class<?>, Model> s = samples();
    List<String> missing = new ArrayList<>();
    for (Class<?> op : ops().toList()) {
      if (!s.containsKey(op)) missing.add(op.getSimpleName());
      else
        assertTrue(
            uses(s.get(op), op),
            "The sample graph for " + op.getSimpleName() + " does not use it.");
    }
    if (!missing.isEmpty()) {
      fail(
          "Operators without a sample graph in EveryOpTest.samples(): " + missing
              + "; add one (the operator between layers"
              + " with weights) so that the float engine, the integer compiler and ONNX export and import are checked on it.");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ops")
  void theFloatEngineRunsIt(Class<?> op) {
    Model m = sample(op);
    INDArray y = m.predict(input(m, 4, 1));
    assertArrayEquals(new long[] {4, m.outputShape().channels()}, y.shape(), op.getSimpleName());
    for (double v : y.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).data().asDouble()) {
      assertTrue(Double.isFinite(v), op.getSimpleName() + " gave " + v);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ops")
  void theIntegerCompilerCompilesItOrSaysWhyNot(Class<?> op) {
    Model m = sample(op);
    QuantizedModel q = Quantizer.ptq(
        m, Policy.uniform(BatchNormFolding.fold(m), 8, 8), samples(m, 64, 2), PtqConfig.DEFAULT);
    IntegerModel iq = Deployment.program(q);
    if (iq == null) {
      String why = Deployment.refusal(q);
      assertTrue(
          why != null && why.endsWith(".") && why.contains("'"),
          op.getSimpleName() + " refused without a sentence naming the node: " + why);
      return;
    }
    // A compiled program computes what the simulation computes: the same class for (nearly) every
    // input.
    INDArray x = input(m, 64, 3);
    INDArray sim = Nd4j.argMax(q.predict(x), 1), integer = Nd4j.argMax(iq.predict(x), 1);
    int same = 0;
    for (int i = 0; i < 64; i++) if (sim.getInt(i) == integer.getInt(i)) same++;
    assertTrue(
        same >= 60,
        op.getSimpleName() + ": the integer program agrees with the simulation on " + same
            + " of 64 inputs");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ops")
  void onnxExportAndImportKeepIt(Class<?> op) {
    Model m = sample(op);
    Model back = OnnxImport.read(OnnxExport.toBytes(m), m.name());
    INDArray x = input(m, 4, 4);
    INDArray a = m.predict(x), b = back.predict(x);
    assertArrayEquals(a.shape(), b.shape(), op.getSimpleName());
    double[] av = a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).data().asDouble();
    double[] bv = b.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).data().asDouble();
    for (int i = 0; i < av.length; i++)
      assertEquals(av[i], bv[i], 1e-4 * (1 + Math.abs(av[i])), op.getSimpleName() + " output " + i);
  }

  private static Model sample(Class<?> op) {
    Model m = samples().get(op);
    if (m == null)
      fail("No sample graph for " + op.getSimpleName() + " (see everyOperatorHasASampleGraph).");
    return m;
  }

  private static boolean uses(Model m, Class<?> op) {
    return m.nodes().stream().anyMatch(n -> op.isInstance(n.op()));
  }

  /** A seeded normal batch of the model's input shape. */
  private static INDArray input(Model m, int batch, long seed) {
    Random r = new Random(seed);
    long[] shape = m.inputShape().withBatch(batch);
    double[] v = new double[(int) Arrays.stream(shape).reduce(1, (p, d) -> p * d)];
    for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
    return Nd4j.create(v, shape, 'c').castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
  }

  private static Samples samples(Model m, int n, long seed) {
    return new Samples("random", input(m, n, seed), new int[n], m.outputShape().channels());
  }
}
