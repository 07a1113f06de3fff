package bitlab.onnx;

import static bitlab.onnx.Graphs.integer;
import static bitlab.onnx.Graphs.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.model.Model;
import bitlab.model.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Bad input: each failure is one sentence naming the file, node or attribute, as its own exception type. */
class OnnxErrorsTest {
  @TempDir
  Path dir;

  @Test
  void aMissingFileIsNamed() {
    Path p = dir.resolve("nowhere/model.onnx");
    OnnxFileException e = assertThrows(OnnxFileException.class, () -> OnnxImport.read(p));
    assertEquals("There is no ONNX file at '" + p + "'; check the path.", e.getMessage());
    Path rel = Path.of("no-such-model.onnx");
    OnnxFileException r = assertThrows(OnnxFileException.class, () -> OnnxImport.read(rel));
    assertTrue(
        r.getMessage()
            .startsWith("There is no ONNX file at 'no-such-model.onnx' (resolved against "),
        r.getMessage());
  }

  @Test
  void aDirectoryIsNotAFile() {
    OnnxFileException e = assertThrows(OnnxFileException.class, () -> OnnxImport.read(dir));
    assertEquals(
        "'" + dir + "' is a directory, not an ONNX file; give the path of the .onnx file.",
        e.getMessage());
  }

  @Test
  void aFileThatIsNotOnnxIsSaidToBeSo() throws Exception {
    Path text = PyTorchFixturesTest.fixture("not_onnx.onnx");
    OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxImport.read(text));
    assertEquals(
        "The file '" + text + "' (" + Files.size(text)
            + " bytes) is not an ONNX model (no ONNX graph could be "
            + "decoded from it); give a .onnx file exported by PyTorch, ONNX tools or bitlab.",
        e.getMessage());
    Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
    assertThrows(OnnxFormatException.class, () -> OnnxImport.read(empty));
    byte[] noise = new byte[4096];
    new java.util.Random(5).nextBytes(noise);
    OnnxFormatException n =
        assertThrows(OnnxFormatException.class, () -> OnnxImport.read(noise, "noise"));
    assertTrue(
        n.getMessage().startsWith("The data 'noise' (4096 bytes) is not an ONNX model"),
        n.getMessage());
  }

  @Test
  void anUnsupportedOperatorNamesTheNodeAndListsWhatIsSupported() {
    byte[] erf = new Graphs(13)
        .input("x", -1, 4)
        .node("Erf", "/Erf", List.of("x"), "y")
        .output("y")
        .bytes();
    UnsupportedOperatorException e =
        assertThrows(UnsupportedOperatorException.class, () -> OnnxImport.read(erf, "erf"));
    assertEquals("/Erf", e.node());
    assertEquals("Erf", e.opType());
    assertEquals(
        "Node '/Erf' uses the ONNX operator Erf, which bitlab does not import; the nearest form it imports is "
            + "Sigmoid, HardSigmoid, HardSwish or x * Sigmoid(x) (SiLU) (export the activation as one of them); "
            + "it imports " + String.join(", ", OnnxImport.SUPPORTED_OPERATORS) + ".",
        e.getMessage());
    assertTrue(UnsupportedOperatorException.supported().contains("Conv"));

    byte[] leaky = new Graphs(13)
        .input("x", -1, 4)
        .node("LeakyRelu", "act", List.of("x"), "y")
        .output("y")
        .bytes();
    assertTrue(
        assertThrows(UnsupportedOperatorException.class, () -> OnnxImport.read(leaky, "leaky"))
            .getMessage()
            .startsWith(
                "Node 'act' uses the ONNX operator LeakyRelu, which bitlab does not import; the "
                    + "nearest form it imports is Relu (export the model with ReLU activations); it imports Conv, "));

    byte[] custom = new Graphs(13)
        .input("x", -1, 4)
        .node("Gelu", "", List.of("x"), "y")
        .output("y")
        .bytes();
    UnsupportedOperatorException u =
        assertThrows(UnsupportedOperatorException.class, () -> OnnxImport.read(custom, "gelu"));
    assertTrue(
        u.getMessage().startsWith("Node '#0 (Gelu, output y)' uses the ONNX operator Gelu, which"),
        u.getMessage());
  }

  @Test
  void aPyTorchSigmoidImports() throws Exception {
    Model m = OnnxImport.read(PyTorchFixturesTest.fixture("unsupported_sigmoid.onnx"));
    assertTrue(
        m.nodes().stream().anyMatch(n -> n.op() instanceof bitlab.model.Op.Sigmoid), m.toString());
    INDArray x = Checks.normal(4, 2, 1, 8, 8);
    byte[] bytes = Files.readAllBytes(PyTorchFixturesTest.fixture("unsupported_sigmoid.onnx"));
    INDArray expected = Checks.ort(bytes, x);
    assertTrue(Checks.maxAbsDiff(expected, Checks.bitlab(m, x).reshape(expected.shape())) <= 1e-5);
  }

  @Test
  void aClipWithEmptyRangeIsAnUnsupportedAttribute() {
    byte[] b = new Graphs(13)
        .input("x", -1, 4)
        .floats("lo", new long[0], 1f)
        .floats("hi", new long[0], -1f)
        .node("Clip", "hardtanh", List.of("x", "lo", "hi"), "y")
        .output("y")
        .bytes();
    UnsupportedAttributeException e =
        assertThrows(UnsupportedAttributeException.class, () -> OnnxImport.read(b, "clip"));
    assertEquals(
        "Node 'hardtanh' (Clip) has [min, max] = [1.0, -1.0], but bitlab supports only min < max.",
        e.getMessage());
  }

  @Test
  void aClipWhoseMinIsNotOneValueIsRefusedNotIndexed() {
    // found by the fuzz stage: an empty min tensor was read at index 0
    byte[] b = new Graphs(13)
        .input("x", -1, 4)
        .floats("lo", new long[] {0})
        .node("Clip", "hardtanh", List.of("x", "lo"), "y")
        .output("y")
        .bytes();
    UnsupportedAttributeException e =
        assertThrows(UnsupportedAttributeException.class, () -> OnnxImport.read(b, "clip"));
    assertEquals(
        "Node 'hardtanh' (Clip) has min (input 'lo') = a tensor of 0 values, but bitlab supports only a single value.",
        e.getMessage());
  }

  @Test
  void foldedShapeArithmeticWithMalformedListsIsRefusedNotIndexed() {
    // found by ConstantInputsTest: each was an ArrayIndexOutOfBoundsException or a sentence calling
    // the file corrupt without naming the node
    assertEquals(
        "Node 'sl' (Slice) has starts (input 'bad') = a tensor of 0 values, but bitlab supports only a single value.",
        foldedError(
            g -> g.longs("bad").longs("e", 2).node("Slice", "sl", List.of("s", "bad", "e"), "u")));
    assertEquals(
        "Node 'us' (Unsqueeze) has axes = [3], but bitlab supports only distinct axes within the output's rank 2.",
        foldedError(g -> g.longs("i", 1)
            .node("Gather", "ga", List.of("s", "i"), "k")
            .longs("bad", 3)
            .node("Unsqueeze", "us", List.of("k", "bad"), "u")));
    assertEquals(
        "Node 'sq' (Squeeze) has axes = [0], but bitlab supports only axes of size-1 dimensions of its input of "
            + "shape [4].",
        foldedError(g -> g.longs("bad", 0).node("Squeeze", "sq", List.of("s", "bad"), "u")));
    assertEquals(
        "Node 'rs' (Reshape) has shape = [0, 0], but bitlab supports only a shape of its input's 4 values (shape "
            + "[4]), with at most one -1.",
        foldedError(g -> g.longs("bad", 0, 0).node("Reshape", "rs", List.of("s", "bad"), "u")));
  }

  /** The refusal of a graph whose shape {@code s = Shape(x)} goes through {@code arithmetic} to {@code u}, which reshapes x. */
  private static String foldedError(java.util.function.UnaryOperator<Graphs> arithmetic) {
    Graphs g = new Graphs(13).input("x", -1, 4, 6, 6).node("Shape", "sh", List.of("x"), "s");
    byte[] b = arithmetic.apply(g).then("u").output("y").bytes();
    return assertThrows(UnsupportedAttributeException.class, () -> OnnxImport.read(b, "folded"))
        .getMessage();
  }

  @Test
  void convAttributesBitlabCannotRepresentAreNamedWithTheirValues() {
    assertEquals(
        "Node 'c' (Conv) has dilations = [0, 2], but bitlab supports only two positive dilations (height, width).",
        convError(ints("dilations", 0, 2)));
    assertEquals(
        "Node 'c' (Conv) has strides = [1, 0], but bitlab supports only two positive strides (height, width).",
        convError(ints("strides", 1, 0)));
    assertEquals(
        "Node 'c' (Conv) has strides = [2], but bitlab supports only two positive strides (height, width).",
        convError(ints("strides", 2)));
    assertEquals(
        "Node 'c' (Conv) has pads = [0, 0, 1, 1], but bitlab supports only symmetric padding, or extra padding at "
            + "the end that no window reaches.",
        convError(ints("pads", 0, 0, 1, 1)));
    assertEquals(
        "Node 'c' (Conv) has pads = [0, 0, 1, 1], but bitlab supports only symmetric padding, or extra padding at "
            + "the end that no window reaches.",
        convError(Graphs.text("auto_pad", "SAME_UPPER"), ints("strides", 2, 2)));
  }

  private String convError(onnx.Onnx.AttributeProto... attrs) {
    byte[] b = new Graphs(13)
        .input("x", -1, 2, 8, 8)
        .weight("w", 4, 2, 3, 3)
        .node("Conv", "c", List.of("x", "w"), "y", attrs)
        .output("y")
        .bytes();
    return assertThrows(UnsupportedAttributeException.class, () -> OnnxImport.read(b, "conv"))
        .getMessage();
  }

  @Test
  void paddedAveragePoolingThatCountsThePaddingIsRefused() {
    byte[] b = new Graphs(13)
        .input("x", -1, 2, 8, 8)
        .node(
            "AveragePool",
            "avg",
            List.of("x"),
            "y",
            ints("kernel_shape", 3, 3),
            ints("pads", 1, 1, 1, 1),
            integer("count_include_pad", 1))
        .output("y")
        .bytes();
    UnsupportedAttributeException e =
        assertThrows(UnsupportedAttributeException.class, () -> OnnxImport.read(b, "avg"));
    assertTrue(
        e.getMessage()
            .startsWith(
                "Node 'avg' (AveragePool) has count_include_pad = 1, but bitlab supports only 0 when"),
        e.getMessage());
  }

  @Test
  void graphsWithSeveralInputsOrOutputsAreRefused() {
    byte[] two = new Graphs(13)
        .input("a", -1, 4)
        .input("b", -1, 4)
        .node("Add", "sum", List.of("a", "b"), "y")
        .output("y")
        .bytes();
    OnnxFormatException e =
        assertThrows(OnnxFormatException.class, () -> OnnxImport.read(two, "two"));
    assertEquals(
        "The ONNX graph has 2 inputs (a, b); bitlab imports models with exactly one input, a batch of images "
            + "or feature vectors.",
        e.getMessage());
    byte[] twoOut = new Graphs(13)
        .input("x", -1, 4)
        .node("Relu", "r", List.of("x"), "y")
        .node("Relu", "s", List.of("x"), "z")
        .output("y")
        .output("z")
        .bytes();
    OnnxFormatException o =
        assertThrows(OnnxFormatException.class, () -> OnnxImport.read(twoOut, "two-out"));
    assertEquals(
        "The ONNX graph has 2 outputs (y, z); bitlab imports models with exactly one output, the logits or "
            + "probabilities.",
        o.getMessage());
  }

  @Test
  void otherOpsetsAndDataTypesAreRefused() {
    byte[] old = new Graphs(5)
        .input("x", -1, 4)
        .node("Relu", "r", List.of("x"), "y")
        .output("y")
        .bytes();
    OnnxFormatException e =
        assertThrows(OnnxFormatException.class, () -> OnnxImport.read(old, "old"));
    assertEquals(
        "The ONNX model uses opset 5 of the default domain; bitlab imports opsets 7 to 21 (re-export it with, "
            + "for example, opset_version=17).",
        e.getMessage());
    byte[] int8 = new Graphs(13)
        .typedInput("x", TensorProto.DataType.INT8_VALUE, -1, 4)
        .node("Relu", "r", List.of("x"), "y")
        .output("y")
        .bytes();
    OnnxFormatException t =
        assertThrows(OnnxFormatException.class, () -> OnnxImport.read(int8, "int8"));
    assertEquals(
        "The ONNX graph's input 'x' has element type INT8; bitlab imports FP32 models.",
        t.getMessage());
    byte[] dynamic = new Graphs(13)
        .input("x", -1, 3, -1, -1)
        .node("Relu", "r", List.of("x"), "y")
        .output("y")
        .bytes();
    OnnxFormatException d =
        assertThrows(OnnxFormatException.class, () -> OnnxImport.read(dynamic, "dyn"));
    assertTrue(d.getMessage().contains("variable dimension 2 ('N')"), d.getMessage());
  }

  @Test
  void externalWeightsNeedTheModelsFolder() throws Exception {
    Path onnx = PyTorchFixturesTest.fixture("tiny_cnn.dynamo18.onnx");
    try (var in = Files.newInputStream(onnx)) {
      OnnxFormatException e =
          assertThrows(OnnxFormatException.class, () -> OnnxImport.read(in, "tiny"));
      assertTrue(
          e.getMessage()
              .matches(
                  "Tensor '.+' is stored in an external data file 'tiny_cnn.dynamo18.onnx.data'; "
                      + "read the model with OnnxImport.read\\(Path\\) from its folder."),
          e.getMessage());
    }
    Path alone = Files.copy(onnx, dir.resolve("alone.onnx"));
    OnnxFileException f = assertThrows(OnnxFileException.class, () -> OnnxImport.read(alone));
    assertTrue(
        f.getMessage()
            .contains(
                "is stored in the external data file 'tiny_cnn.dynamo18.onnx.data', which is not next "
                    + "to the model in " + dir),
        f.getMessage());
  }

  @Test
  void exportIntoAMissingFolderFailsAndWritesNothing() {
    Path target = dir.resolve("missing/lenet5.onnx");
    OnnxFileException e = assertThrows(
        OnnxFileException.class,
        () -> OnnxExport.write(Zoo.architecture("lenet5", 28, 1, 0), target));
    assertEquals(
        "Cannot write '" + target + "': the folder '" + target.getParent()
            + "' does not exist; create it first.",
        e.getMessage());
    assertFalse(Files.exists(target.getParent()));
  }
}
