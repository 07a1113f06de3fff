package bitlab.onnx;

import static bitlab.onnx.Graphs.integer;
import static bitlab.onnx.Graphs.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
 * Graphs written as Caffe2's exporter writes them (the onnx package's light_*.onnx): weights computed by
 * ConstantOfShape and also listed as graph inputs, a Scale layer (per-channel Mul and Add of Unsqueezed
 * vectors) after BatchNormalization, residual connections as Sum, a 1x1 convolution as the classifier on
 * a global pooling's N x C x 1 x 1 output and a Softmax over its channels, nodes named by a counter.
 * Each is compared with ONNX Runtime on the same bytes.
 */
class Caffe2GraphsTest {
  private static Model check(byte[] onnx, long... inputShape) throws Exception {
    Model m = OnnxImport.read(onnx, "caffe2");
    INDArray x = Checks.normal(5, inputShape);
    INDArray expected = Checks.ort(onnx, x);
    double diff = Checks.maxAbsDiff(
        expected.reshape(expected.size(0), -1), Checks.bitlab(m, x).reshape(expected.size(0), -1));
    assertTrue(diff <= 1e-5, "bitlab and ONNX Runtime differ by " + diff + " on\n" + m);
    return m;
  }

  private static AttributeProto fill(float v) {
    return AttributeProto.newBuilder()
        .setName("value")
        .setType(AttributeProto.AttributeType.TENSOR)
        .setT(TensorProto.newBuilder()
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .addDims(1)
            .addFloatData(v))
        .build();
  }

  private static byte[] caffe2(boolean weightsAsInputs) {
    Graphs g = new Graphs(9).input("data", 1, 3, 6, 6);
    if (weightsAsInputs) g.input("w1", 4, 3, 3, 3);
    return g.longs("w1_shape", 4, 3, 3, 3)
        .longs("b1_shape", 4)
        .weight("g", 4)
        .weight("beta", 4)
        .weight("mean", 4)
        .floats("var", new long[] {4}, 1f, 2f, 0.5f, 1.5f)
        .weight("scale", 4)
        .weight("shift", 4)
        .weight("w2", 4, 4, 3, 3)
        .weight("fc", 5, 4, 1, 1)
        .weight("fcb", 5)
        .node("ConstantOfShape", "", List.of("w1_shape"), "w1", fill(0.05f))
        .node("ConstantOfShape", "", List.of("b1_shape"), "b1")
        .node("Conv", "n0", List.of("data", "w1", "b1"), "r0", ints("pads", 1, 1, 1, 1))
        .node("BatchNormalization", "n1", List.of("r0", "g", "beta", "mean", "var"), "r1")
        .node("Unsqueeze", "n2", List.of("scale"), "r2", ints("axes", 1, 2))
        .node("Mul", "n3", List.of("r1", "r2"), "r3")
        .node("Unsqueeze", "n4", List.of("shift"), "r4", ints("axes", 1, 2))
        .node("Add", "n5", List.of("r3", "r4"), "r5")
        .node("Relu", "n6", List.of("r5"), "r6")
        .node("Conv", "n7", List.of("r6", "w2"), "r7", ints("pads", 1, 1, 1, 1))
        .node("Sum", "n8", List.of("r7", "r6", "r5"), "r8")
        .node("Sum", "n9", List.of("r8"), "r9")
        .node("GlobalAveragePool", "n10", List.of("r9"), "r10")
        .node("Conv", "n11", List.of("r10", "fc", "fcb"), "r11")
        .node("Softmax", "n12", List.of("r11"), "prob", integer("axis", 1))
        .output("prob")
        .bytes();
  }

  @Test
  void constantOfShapeWeightsScaleAfterBatchNormSumAndAPooledClassifier() throws Exception {
    Model m = check(caffe2(false), 1, 3, 6, 6);
    assertEquals(
        List.of("input", "n0", "n1", "n6", "n7", "n8", "n8_2", "n10", "n11", "n12"),
        m.nodes().stream().map(Node::name).toList());
    assertEquals(new Op.BatchNorm(4, 1e-5, 0.1), m.node("n1").op());
    assertEquals(new Op.Linear(4, 5, true), m.node("n11").op());
    assertEquals(0.05f, m.params().get("n0.weight").getFloat(0), 0f);
    // Caffe2 also lists the weights its ConstantOfShape nodes compute as graph inputs (ONNX Runtime
    // accepts
    // that only at old IR versions): they are not the model's input.
    Checks.assertSameModel(m, OnnxImport.read(caffe2(true), "caffe2"));
  }

  @Test
  void aScalarMulFoldsIntoTheConvolutionBeforeIt() throws Exception {
    byte[] b = new Graphs(13)
        .input("x", -1, 2, 5, 5)
        .weight("w", 3, 2, 3, 3)
        .weight("b", 3)
        .floats("half", new long[0], -0.5f)
        .node("Conv", "conv", List.of("x", "w", "b"), "c")
        .node("Mul", "scale", List.of("half", "c"), "s")
        .node("Relu", "relu", List.of("s"), "y")
        .output("y")
        .bytes();
    Model m = check(b, 2, 2, 5, 5);
    assertEquals(
        List.of("input", "conv", "relu"), m.nodes().stream().map(Node::name).toList());
  }

  @Test
  void subtractionAndDivisionByConstantsFoldLikeAddAndMul() throws Exception {
    byte[] b = new Graphs(13)
        .input("x", -1, 2, 5, 5)
        .weight("w", 3, 2, 3, 3)
        .weight("shift", 3, 1, 1)
        .floats("three", new long[0], 3f)
        .weight("g", 3)
        .weight("beta", 3)
        .weight("mean", 3)
        .floats("var", new long[] {3}, 1f, 2f, 0.5f)
        .floats("d", new long[] {1, 3, 1, 1}, 0.5f, -2f, 4f)
        .node("Conv", "conv", List.of("x", "w"), "c")
        .node("Sub", "centre", List.of("c", "shift"), "s")
        .node("Div", "third", List.of("s", "three"), "t")
        .node("BatchNormalization", "bn", List.of("t", "g", "beta", "mean", "var"), "n")
        .node("Div", "unscale", List.of("n", "d"), "u")
        .node("Relu", "relu", List.of("u"), "y")
        .output("y")
        .bytes();
    Model m = check(b, 2, 2, 5, 5);
    assertEquals(
        List.of("input", "conv", "bn", "relu"),
        m.nodes().stream().map(Node::name).toList());
    assertEquals(new Op.Conv2d(2, 3, 3, 3, 1, 0, 0, 1, true), m.node("conv").op());

    byte[] fromConstant = new Graphs(13)
        .input("x", -1, 2, 5, 5)
        .weight("w", 3, 2, 1, 1)
        .weight("k", 3, 1, 1)
        .node("Conv", "conv", List.of("x", "w"), "c")
        .node("Sub", "flip", List.of("k", "c"), "y")
        .output("y")
        .bytes();
    UnsupportedAttributeException e = assertThrows(
        UnsupportedAttributeException.class, () -> OnnxImport.read(fromConstant, "flip"));
    assertEquals(
        "Node 'flip' (Sub) has the subtrahend (input 'c') = an activation computed from the model input, but bitlab "
            + "supports only a constant (an initializer or a Constant node).",
        e.getMessage());
  }

  @Test
  void whatCannotFoldIsOneSentenceNamingTheCounterNamedNodeByItsOutput() {
    byte[] norm = new Graphs(9)
        .input("x", 1, 2, 5, 5)
        .node("InstanceNormalization", "n2", List.of("x"), "r2")
        .output("r2")
        .bytes();
    UnsupportedOperatorException u =
        assertThrows(UnsupportedOperatorException.class, () -> OnnxImport.read(norm, "norm"));
    assertTrue(
        u.getMessage()
            .startsWith(
                "Node 'n2 (output r2)' uses the ONNX operator InstanceNormalization, which bitlab does not import"),
        u.getMessage());

    // A per-channel scale on a tensor something else also reads cannot be folded into its producer.
    byte[] shared = new Graphs(13)
        .input("x", 1, 2, 5, 5)
        .weight("w", 2, 2, 1, 1)
        .weight("k", 2, 1, 1)
        .node("Conv", "conv", List.of("x", "w"), "c")
        .node("Mul", "scale", List.of("c", "k"), "s")
        .node("Add", "sum", List.of("s", "c"), "y")
        .output("y")
        .bytes();
    UnsupportedAttributeException a =
        assertThrows(UnsupportedAttributeException.class, () -> OnnxImport.read(shared, "shared"));
    assertTrue(
        a.getMessage()
            .contains(
                "a per-channel scale right after a Conv or BatchNormalization that nothing else reads"),
        a.getMessage());

    // Softmax over the 1 x 1 of an N x C x 1 x 1 tensor would give ones: refused, naming axis 1 as
    // what works.
    byte[] ones = new Graphs(13)
        .input("x", 1, 2, 5, 5)
        .node("GlobalAveragePool", "gap", List.of("x"), "g")
        .node("Softmax", "prob", List.of("g"), "y", integer("axis", 3))
        .output("y")
        .bytes();
    a = assertThrows(UnsupportedAttributeException.class, () -> OnnxImport.read(ones, "ones"));
    assertEquals(
        "Node 'prob' (Softmax) has axis = 3, but bitlab supports only 1 (the channels of an N x C x 1 x 1 input).",
        a.getMessage());
  }
}
