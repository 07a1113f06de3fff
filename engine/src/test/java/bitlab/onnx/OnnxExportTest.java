package bitlab.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import bitlab.model.Model;
import bitlab.model.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxExportTest {
  @TempDir
  Path dir;

  @Test
  void theFileIsOpset13WithBitlabProvenanceThatOnnxRuntimeReads() throws Exception {
    Model m = Zoo.architecture("mobilenet-v2-mini", 28, 1, 3).withMetadata("weights", "seed 3");
    Path file = dir.resolve("m.onnx");
    OnnxExport.write(m, file);
    ModelProto p = ModelProto.parseFrom(Files.readAllBytes(file));
    assertEquals(7, p.getIrVersion());
    assertEquals(13, p.getOpsetImport(0).getVersion());
    assertEquals("bitlab", p.getProducerName());
    try (OrtSession s = OrtEnvironment.getEnvironment()
        .createSession(file.toString(), new OrtSession.SessionOptions())) {
      OnnxModelMetadata meta = s.getMetadata();
      assertEquals("bitlab", meta.getProducerName());
      Map<String, String> custom = meta.getCustomMetadata();
      assertEquals("mobilenet-v2-mini", custom.get("bitlab.model"));
      assertEquals("seed 3", custom.get("weights"));
      assertEquals("mobilenet-v2-mini", custom.get("architecture"));
      assertEquals(System.getProperty("java.version"), custom.get("bitlab.java"));
      assertEquals("FP32", custom.get("bitlab.precision"));
    }
    List<String> ops = p.getGraph().getNodeList().stream()
        .map(NodeProto::getOpType)
        .distinct()
        .sorted()
        .toList();
    assertEquals(
        List.of(
            "Add", "BatchNormalization", "Clip", "Conv", "Flatten", "Gemm", "GlobalAveragePool"),
        ops);
  }

  @Test
  void bytesAreDeterministic() {
    Model m = Zoo.architecture("lenet5", 28, 1, 1);
    assertArrayEquals(OnnxExport.toBytes(m), OnnxExport.toBytes(m));
  }

  @Test
  void writingReplacesAFileWholeAndLeavesNoTemporaryFiles() throws Exception {
    Path file = dir.resolve("net.onnx");
    Files.writeString(file, "an older file");
    Model m = Zoo.architecture("resnet-mini", 28, 1, 2);
    OnnxExport.write(m, file);
    assertArrayEquals(OnnxExport.toBytes(m), Files.readAllBytes(file));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(file), s.toList());
    }
    OnnxFileException e = assertThrows(OnnxFileException.class, () -> OnnxExport.write(m, dir));
    assertTrue(e.getMessage().contains("it is a directory"), e.getMessage());
  }

  @Test
  void aSoftmaxOutputIsExportedAndRunsInOnnxRuntime() throws Exception {
    Model m = bitlab.model.Model.builder("probs", bitlab.model.Shape.image(1, 8, 8))
        .conv("c", 4, 3, 1, 1)
        .relu6("r")
        .avgPool("a", 2, 2)
        .flatten("f")
        .linear("fc", 5)
        .softmax("p")
        .build(4);
    var x = Checks.normal(1, 6, 1, 8, 8);
    byte[] b = OnnxExport.toBytes(m);
    double diff = Checks.maxAbsDiff(Checks.bitlab(m, x), Checks.ort(b, x));
    assertTrue(diff < 1e-6, "" + diff);
    assertEquals(6.0, Checks.ort(b, x).sumNumber().doubleValue(), 1e-5);
    Checks.assertSameModel(m, OnnxImport.read(b, "probs"));
  }
}
