package bitlab.onnx;

import static bitlab.onnx.Graphs.integer;
import static bitlab.onnx.Graphs.ints;
import static bitlab.onnx.Graphs.real;
import static bitlab.onnx.Graphs.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import java.util.List;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Graphs written by hand to reach what PyTorch rarely writes: padding that is asymmetric but
 * equivalent, ceil mode, auto_pad, Gemm with transB=0 and alpha/beta, old-opset attributes, folded
 * Shape/Slice chains, a MatMul whose bias comes from a Constant node. Each is imported and its
 * bitlab forward pass compared with ONNX Runtime on the same bytes.
 */
class HandMadeGraphsTest {
  private static Model check(byte[] onnx, long... inputShape) throws Exception {
    Model m = OnnxImport.read(onnx, "handmade");
    INDArray x = Checks.normal(9, inputShape);
    double diff = Checks.maxAbsDiff(Checks.ort(onnx, x), Checks.bitlab(m, x));
    assertTrue(diff <= 1e-5, "bitlab and ONNX Runtime differ by " + diff + " on\n" + m);
    return m;
  }

  @Test
  void asymmetricButEquivalentPaddingCeilModeAndGemmScaling() throws Exception {
    byte[] b = new Graphs(13)
        .input("x", -1, 2, 7, 7)
        .weight("w", 4, 2, 3, 3)
        .weight("b", 4)
        .weight("B", 16, 5)
        .weight("C", 5)
        .node(
            "Conv",
            "conv",
            List.of("x", "w", "b"),
            "c",
            ints("strides", 2, 2),
            ints("pads", 1, 1, 2, 2))
        .node(
            "MaxPool",
            "pool",
            List.of("c"),
            "p",
            ints("kernel_shape", 2, 2),
            ints("strides", 2, 2),
            integer("ceil_mode", 1))
        .node("Flatten", "flat", List.of("p"), "f")
        .node("Gemm", "fc", List.of("f", "B", "C"), "g", real("alpha", 0.5f), real("beta", 2f))
        .node("Softmax", "prob", List.of("g"), "y")
        .output("y")
        .bytes();
    Model m = check(b, 3, 2, 7, 7);
    assertEquals(new Op.Conv2d(2, 4, 3, 3, 2, 1, 1, 1, true), m.node("conv").op());
    assertEquals(new Op.MaxPool(2, 2, 0), m.node("pool").op());
    assertEquals(new Op.Linear(16, 5, true), m.node("fc").op());
    assertEquals("prob", m.output().name());
  }

  @Test
  void opset9AttributesFoldedShapeChainsAndAMatMulBiasFromAConstantNode() throws Exception {
    AttributeProto biasValue = AttributeProto.newBuilder()
        .setName("value")
        .setType(AttributeProto.AttributeType.TENSOR)
        .setT(TensorProto.newBuilder()
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .addDims(6)
            .addAllFloatData(List.of(0.1f, -0.2f, 0.3f, -0.4f, 0.5f, -0.6f)))
        .build();
    byte[] b = new Graphs(9)
        .input("x", -1, 3, 4, 4)
        .weight("W", 48, 6)
        .longs("minus1", -1)
        .weight("gamma", 6)
        .weight("beta", 6)
        .weight("mean", 6)
        .floats("var", new long[] {6}, 1f, 2f, 0.5f, 1.5f, 1f, 3f)
        .node("Clip", "clip", List.of("x"), "r", real("min", 0f), real("max", 6f))
        .node("Shape", "shape", List.of("r"), "s")
        .node("Slice", "first", List.of("s"), "n", ints("starts", 0), ints("ends", 1))
        .node("Concat", "target", List.of("n", "minus1"), "t", integer("axis", 0))
        .node("Reshape", "flat", List.of("r", "t"), "f")
        .node("Dropout", "drop", List.of("f"), "d")
        .node("MatMul", "fc", List.of("d", "W"), "mm")
        .node("Constant", "bias", List.of(), "bv", biasValue)
        .node("Add", "fc_bias", List.of("mm", "bv"), "a")
        .node("Identity", "same", List.of("a"), "i")
        .node(
            "BatchNormalization",
            "bn",
            List.of("i", "gamma", "beta", "mean", "var"),
            "bn_out",
            real("epsilon", 1e-3f))
        .node("Relu", "relu", List.of("bn_out"), "y")
        .output("y")
        .bytes();
    Model m = check(b, 2, 3, 4, 4);
    assertEquals(
        List.of("input", "clip", "flat", "fc", "bn", "relu"),
        m.nodes().stream().map(Node::name).toList());
    assertEquals(new Op.Relu6(), m.node("clip").op());
    assertEquals(new Op.Linear(48, 6, true), m.node("fc").op());
    assertEquals(new Op.BatchNorm(6, 1e-3, 0.1), m.node("bn").op());
  }

  @Test
  void sameAutoPaddingPaddedAveragesAndGlobalPoolingAsReduceMean() throws Exception {
    byte[] b = new Graphs(13)
        .input("x", -1, 3, 6, 6)
        .weight("w", 3, 1, 3, 3)
        .weight("w2", 4, 6, 1, 1)
        .weight("fc", 4, 2)
        .node(
            "Conv",
            "dw",
            List.of("x", "w"),
            "c",
            integer("group", 3),
            text("auto_pad", "SAME_UPPER"))
        .node(
            "AveragePool",
            "avg",
            List.of("c"),
            "a",
            ints("kernel_shape", 3, 3),
            ints("pads", 1, 1, 1, 1),
            integer("count_include_pad", 0))
        .node("Concat", "cat", List.of("c", "a"), "cc", integer("axis", -3))
        .node("Conv", "pw", List.of("cc", "w2"), "p")
        .node("ReduceMean", "gap", List.of("p"), "g", ints("axes", 2, 3), integer("keepdims", 0))
        .node("MatMul", "head", List.of("g", "fc"), "y")
        .output("y")
        .bytes();
    Model m = check(b, 2, 3, 6, 6);
    assertEquals(new Op.Conv2d(3, 3, 3, 3, 1, 1, 1, 3, false), m.node("dw").op());
    assertEquals(new Op.AvgPool(3, 1, 1), m.node("avg").op());
    assertEquals(new Op.GlobalAvgPool(), m.node("gap").op());
  }

  @Test
  void globalAveragePoolThenFlattenIsOneNodeAClipWithoutMaxIsReluAndAOneInputConcatVanishes()
      throws Exception {
    // The weight is also listed as a graph input, as exporters with keep_initializers_as_inputs
    // write it.
    byte[] b = new Graphs(13)
        .input("x", -1, 2, 5, 5)
        .input("w", 4, 2, 1, 1)
        .weight("w", 4, 2, 1, 1)
        .floats("zero", new long[0], 0f)
        .weight("fc", 3, 4)
        .node("Conv", "conv", List.of("x", "w"), "c")
        .node("Clip", "act", List.of("c", "zero"), "r")
        .node("Concat", "just_one", List.of("r"), "r1", integer("axis", 1))
        .node("GlobalAveragePool", "gap", List.of("r1"), "g")
        .node("Flatten", "flat", List.of("g"), "f")
        .node("Gemm", "fc", List.of("f", "fc"), "y", integer("transB", 1))
        .output("y")
        .bytes();
    Model m = check(b, 4, 2, 5, 5);
    assertEquals(
        List.of("input", "conv", "act", "gap", "fc"),
        m.nodes().stream().map(Node::name).toList());
    assertEquals(new Op.Relu(), m.node("act").op());
  }

  @Test
  void arithmeticOnConstantsFoldsWithBroadcasting() throws Exception {
    byte[] b = new Graphs(13)
        .input("x", -1, 2, 4, 4)
        .weight("w", 3, 2, 1, 1)
        .weight("b1", 3, 1, 1)
        .floats("b2", new long[] {1}, 0.25f)
        .longs("k96", 96)
        .longs("k2", 2)
        .longs("zero", 0)
        .longs("axes", 0)
        .node("Conv", "conv", List.of("x", "w"), "c")
        .node("Add", "bias_sum", List.of("b1", "b2"), "bias")
        .node("Add", "conv_bias", List.of("c", "bias"), "cb")
        .node("Shape", "shape", List.of("cb"), "s")
        .node("Gather", "batch", List.of("s", "zero"), "n")
        .node("Div", "half", List.of("k96", "k2"), "rest")
        .node("Concat", "target", List.of("n", "rest"), "t", integer("axis", 0))
        .node("Reshape", "flat", List.of("cb", "t"), "y")
        .output("y")
        .bytes();
    Model m = check(b, 2, 2, 4, 4);
    assertEquals(
        List.of("input", "conv", "flat"), m.nodes().stream().map(Node::name).toList());
    assertEquals(new Op.Conv2d(2, 3, 1, 1, 1, 0, 0, 1, true), m.node("conv").op());
  }
}
