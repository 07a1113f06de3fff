package bitlab.dsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bitlab quantize ... --onnx FILE}: the quantized model as a QDQ graph that ONNX Runtime opens. */
@Tag("slow")
class QuantizeOnnxCliTest {

  @Test
  void quantizeWritesTheQdqModel(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("lenet5-w8a8.onnx");
    MainTest.Run r = MainTest.run(
        "quantize",
        "lenet5",
        "--bits",
        "8/8",
        "--calib-images",
        "64",
        "--onnx",
        file.toString(),
        "--json");
    assertEquals(0, r.status(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(file.toString(), o.get("onnx").getAsString());
    try (OrtSession s = OrtEnvironment.getEnvironment()
        .createSession(file.toString(), new OrtSession.SessionOptions())) {
      Map<String, String> meta = s.getMetadata().getCustomMetadata();
      assertEquals("QDQ W8A8", meta.get("bitlab.precision"));
      assertEquals(
          o.getAsJsonArray("quantized").get(0).getAsJsonObject().get("method").getAsString(),
          meta.get("bitlab.quantization"));
    }
  }

  @Test
  void oneModelWithFixedScalesAndAFolderThatExists(@TempDir Path dir) {
    MainTest.Run r = MainTest.run(
        "quantize", "lenet5", "--compare", "--onnx", dir.resolve("q.onnx").toString());
    assertEquals(2, r.status());
    assertEquals(
        "bitlab quantize: --onnx writes one quantized model and --compare makes one per method; drop --compare, or pick the method with --calib.",
        r.err().strip());
    r = MainTest.run(
        "quantize", "lenet5", "--dynamic", "--onnx", dir.resolve("q.onnx").toString());
    assertEquals(2, r.status());
    assertTrue(r.err().contains("drop --dynamic to export a QDQ graph"), r.err());
    Path missing = dir.resolve("missing").resolve("q.onnx");
    r = MainTest.run("quantize", "lenet5", "--onnx", missing.toString());
    assertEquals(2, r.status());
    assertTrue(r.err().contains("does not exist; create it first"), r.err());
    assertTrue(!Files.exists(missing.getParent()));
  }
}
