package bitlab.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.model.Model;
import bitlab.model.Op;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX files exported by PyTorch 2.13 (tools/onnx/make_fixtures.py: the TorchScript exporter at
 * opsets 11, 13 and 17, the dynamo exporter at 18 with external weights): imported, run by bitlab,
 * compared with PyTorch's own outputs, and exported again for ONNX Runtime.
 */
@Tag("slow")
class PyTorchFixturesTest {
  static Path fixture(String file) {
    try {
      return Path.of(
          PyTorchFixturesTest.class.getResource("/bitlab/onnx/" + file).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "tiny_cnn, opset11",
    "tiny_cnn, opset13_static",
    "tiny_cnn, opset17",
    "tiny_cnn, dynamo18",
    "mobilenet_v2_w025, opset13",
    "mobilenet_v2_w025, dynamo18"
  })
  void importedModelsReproducePyTorchAndReexportForOnnxRuntime(String model, String variant)
      throws Exception {
    Model m = OnnxImport.read(fixture(model + "." + variant + ".onnx"));
    assertEquals(model + "." + variant, m.name());
    assertTrue(
        m.metadata().get("onnx.producer").startsWith("pytorch"), m.metadata().toString());
    INDArray x = Checks.npy(fixture(model + ".input.npy"));
    INDArray y = Checks.npy(fixture(model + ".output.npy"));
    double diff = Checks.maxAbsDiff(y, Checks.bitlab(m, x));
    System.out.printf(
        "%s.%s: %d nodes, max |bitlab - PyTorch| = %.3g (outputs up to %.3g)%n",
        model, variant, m.nodes().size(), diff, y.amaxNumber().doubleValue());
    assertTrue(diff <= 1e-4, model + "." + variant + ": bitlab differs from PyTorch by " + diff);
    // The random-weight outputs are small (mobilenet's reach 0.08), so also relative to their size:
    assertTrue(
        diff <= 1e-4 * y.amaxNumber().doubleValue(),
        model + "." + variant + ": relative difference " + diff);

    byte[] again = OnnxExport.toBytes(m);
    double ort = Checks.maxAbsDiff(y, Checks.ort(again, x));
    assertTrue(ort <= 1e-4, "re-exported, ONNX Runtime differs from PyTorch by " + ort);
    Checks.assertSameModel(m, OnnxImport.read(again, null));
  }

  @Test
  void tinyCnnGetsReadableNamesFoldedReshapesBatchNormsAndAMatMulBias() {
    Model m = OnnxImport.read(fixture("tiny_cnn.opset17.onnx"));
    List<String> layout =
        m.nodes().stream().map(n -> n.name() + ":" + n.op().type()).toList();
    assertEquals(
        List.of(
            "input:Input",
            "stem.0:Conv",
            "stem.2:ReLU6",
            "dw.0:DepthwiseConv",
            "dw.2:ReLU",
            "pw:Conv",
            "add:Add",
            "pool:MaxPool",
            "pool_bn:BatchNorm",
            "branch_a:Conv",
            "branch_b.0:Conv",
            "branch_b.1:ReLU",
            "concat:Concat",
            "avg:AvgPool",
            "reshape:Flatten",
            "fc1:Linear",
            "relu:ReLU",
            "fc1_bn:BatchNorm",
            "matmul:Linear"),
        layout);
    assertEquals(new Op.BatchNorm(8, 1e-5, 0.1), m.node("pool_bn").op());
    assertEquals(
        new Op.Conv2d(8, 4, 3, 3, 1, 1, 1, 2, true), m.node("branch_b.0").op());
    assertEquals(new Op.Linear(16, 10, true), m.node("matmul").op());
  }

  @Test
  void aStreamOrBytesGiveTheSameModelAsTheFile() throws Exception {
    Path file = fixture("tiny_cnn.opset13_static.onnx");
    Model fromFile = OnnxImport.read(file);
    try (var in = java.nio.file.Files.newInputStream(file)) {
      Checks.assertSameModel(fromFile, OnnxImport.read(in, "tiny_cnn.opset13_static"));
    }
    Model unnamed = OnnxImport.read(java.nio.file.Files.readAllBytes(file), null);
    assertEquals("main_graph", unnamed.name());
  }

  @Test
  void everyExporterAndOpsetGivesTheSameGraph() {
    List<String> reference = structure(OnnxImport.read(fixture("tiny_cnn.opset11.onnx")));
    for (String v : List.of("opset13_static", "opset17", "dynamo18")) {
      assertEquals(reference, structure(OnnxImport.read(fixture("tiny_cnn." + v + ".onnx"))), v);
    }
    Model script = OnnxImport.read(fixture("mobilenet_v2_w025.opset13.onnx"));
    Model dynamo = OnnxImport.read(fixture("mobilenet_v2_w025.dynamo18.onnx"));
    // The dynamo exporter drops the classifier's bias, which torchvision initialises to zeros.
    assertEquals(types(script), types(dynamo));
    assertEquals(new Op.Linear(1280, 10, false), dynamo.output().op());
    for (String residual : List.of("features.1.add", "features.3.add", "features.16.add")) {
      assertEquals(new Op.Add(), script.node(residual).op());
      assertEquals(new Op.Add(), dynamo.node(residual).op());
    }
    assertEquals(
        17,
        script.nodes().stream()
            .filter(n -> n.op() instanceof Op.Conv2d c && c.depthwise())
            .count());
  }

  private static List<String> types(Model m) {
    return m.nodes().stream().map(n -> n.op().type() + " " + n.shape()).toList();
  }

  /** Operators and shapes in order, without names (the exporters name nodes differently). */
  private static List<String> structure(Model m) {
    return m.nodes().stream().map(n -> n.op() + " " + n.shape()).toList();
  }
}
