package bitlab.dsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("slow")
class MainTest {

  /** Exit status, stdout and stderr of one command line. */
  record Run(int status, String out, String err) {}

  static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int status = Main.run(args);
      return new Run(
          status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void modelsListsTheZooAsJson() {
    Run r = run("models", "--json");
    assertEquals(0, r.status(), r.err());
    JsonArray rows = JsonParser.parseString(r.out()).getAsJsonArray();
    assertEquals(8, rows.size());
    JsonObject lenet = rows.get(0).getAsJsonObject();
    assertEquals("lenet5", lenet.get("name").getAsString());
    assertEquals(61_706, lenet.get("parameters").getAsLong());
    assertEquals(416_520, lenet.get("macs").getAsLong());
  }

  @Test
  void evalReportsTheShippedAccuracy() {
    Run r = run("eval", "lenet5", "--json");
    assertEquals(0, r.status(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(2000, o.get("total").getAsInt());
    assertTrue(o.get("accuracy").getAsDouble() >= 0.98, r.out());
  }

  @Test
  void anUnknownModelIsOneSentenceAndStatus2() {
    Run r = run("eval", "lenet6");
    assertEquals(2, r.status());
    assertEquals(
        "bitlab eval: There is no zoo model 'lenet6'; the zoo has lenet5, resnet-mini, mobilenet-v1-mini, "
            + "mobilenet-v2-mini, resnet18, resnet50, mobilenet-v1, mobilenet-v2.",
        r.err().strip());
  }

  @Test
  void dataThatDoesNotFitTheModelIsNamed() {
    Run r = run("eval", "lenet5", "--data", "digits");
    assertEquals(2, r.status());
    assertTrue(
        r.err().contains("Model 'lenet5' takes 28x28 images but data set digits has 8x8 ones"),
        r.err());
  }

  @Test
  void onnxFilesThatAreMissingOrNotOnnxAreNamed(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    Run missing = run("eval", dir.resolve("absent.onnx").toString());
    assertEquals(2, missing.status());
    assertTrue(missing.err().contains("absent.onnx"), missing.err());
    java.nio.file.Path junk = dir.resolve("junk.onnx");
    java.nio.file.Files.writeString(junk, "this is not a protobuf");
    Run bad = run("eval", junk.toString());
    assertEquals(2, bad.status());
    assertTrue(bad.err().contains("junk.onnx"), bad.err());
    assertEquals(1, bad.err().strip().lines().count(), bad.err());
  }

  @Test
  void anExportedZooModelEvaluatesLikeTheOriginal(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    java.nio.file.Path file = dir.resolve("lenet5.onnx");
    bitlab.dsl.Bitlab.exportOnnx(bitlab.model.Zoo.load("lenet5"), file.toString());
    Run fromOnnx = run("eval", file.toString(), "--json");
    Run fromZoo = run("eval", "lenet5", "--json");
    assertEquals(0, fromOnnx.status(), fromOnnx.err());
    assertEquals(
        JsonParser.parseString(fromZoo.out()).getAsJsonObject().get("correct"),
        JsonParser.parseString(fromOnnx.out()).getAsJsonObject().get("correct"));
  }

  @Test
  void aWrongPathIsNamed() {
    Run r = run("eval", "lenet5", "--data", "images:no/such/folder");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("no/such/folder"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }
}
