package bitlab.dsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.Bits;
import bitlab.hardware.LayerCost;
import bitlab.hardware.ModelCost;
import bitlab.hardware.Target;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.onnx.OnnxExport;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HardwareCliTest {

  /** One command line through the CLI (the capture is MainTest's). */
  static MainTest.Run run(String... args) {
    return MainTest.run(args);
  }

  @Test
  void hardwareListGivesEveryTargetAsJson() {
    MainTest.Run r = run("hardware", "list", "--json");
    assertEquals(0, r.status(), r.err());
    JsonArray rows = JsonParser.parseString(r.out()).getAsJsonArray();
    List<String> names = Catalogue.builtIn().names();
    assertEquals(names.size(), rows.size());
    for (int i = 0; i < names.size(); i++) {
      JsonObject o = rows.get(i).getAsJsonObject();
      Target t = Catalogue.builtIn().target(names.get(i));
      assertEquals(t.name(), o.get("name").getAsString());
      assertEquals(t.kind(), o.get("kind").getAsString());
      assertEquals(t.batch(), o.get("batch").getAsInt());
    }
  }

  @Test
  void costJsonIsTheTargetsCost() {
    MainTest.Run r =
        run("cost", "mobilenet-v1", "--target", "bismo-edge", "--bits", "4/8", "--json");
    assertEquals(0, r.status(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    Target edge = Catalogue.builtIn().target("bismo-edge");
    var workloads = Zoo.architecture("mobilenet-v1", 224, 1.0, 0).workloads();
    ModelCost c = edge.cost(workloads, Bits.of(4, 8));
    assertEquals("W4A8", o.get("bits").getAsString());
    assertEquals(224, o.get("input").getAsInt());
    assertEquals(
        c.total().millis(), o.getAsJsonObject("total").get("latencyMs").getAsDouble(), 1e-12);
    assertEquals(
        c.total().millijoules(), o.getAsJsonObject("total").get("energyMj").getAsDouble(), 1e-12);
    JsonArray layers = o.getAsJsonArray("layers");
    assertEquals(c.layers().size(), layers.size());
    for (int i = 0; i < layers.size(); i++) {
      JsonObject l = layers.get(i).getAsJsonObject();
      LayerCost lc = c.layers().get(i);
      assertEquals(lc.layer(), l.get("name").getAsString());
      assertEquals(4, l.get("weightBits").getAsInt());
      assertEquals(8, l.get("activationBits").getAsInt());
      assertEquals(lc.cost().millis(), l.get("latencyMs").getAsDouble(), 1e-12);
      assertEquals(lc.bound().name().toLowerCase(), l.get("bound").getAsString());
    }
    long bops = 0;
    for (var w : workloads) bops += 32 * w.macs();
    assertEquals(bops, o.get("bopsPerImage").getAsLong());
  }

  @Test
  void costReadsAnOnnxFile(@TempDir Path dir) {
    Model lenet = Zoo.architecture("lenet5", 28, 1.0, 3);
    Path file = dir.resolve("lenet5.onnx");
    OnnxExport.write(lenet, file);
    MainTest.Run r =
        run("cost", file.toString(), "--target", "bitfusion", "--bits", "W4A4", "--json");
    assertEquals(0, r.status(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    ModelCost c = Catalogue.builtIn().target("bitfusion").cost(lenet.workloads(), Bits.W4A4);
    assertEquals(28, o.get("input").getAsInt());
    assertEquals(c.layers().size(), o.getAsJsonArray("layers").size());
    assertEquals(
        c.total().millis(), o.getAsJsonObject("total").get("latencyMs").getAsDouble(), 1e-12);
    MainTest.Run sized = run("cost", file.toString(), "--target", "bitfusion", "--input", "32");
    assertEquals(2, sized.status());
    assertEquals(
        "bitlab cost: --input and --width size a zoo architecture; an .onnx file keeps its own shapes.",
        sized.err().strip());
  }

  @Test
  void anUnknownTargetIsOneSentenceListingTheNamesAndStatus2() {
    MainTest.Run r = run("cost", "lenet5", "--target", "tpu");
    assertEquals(2, r.status());
    assertEquals(
        "bitlab cost: No target named 'tpu' in the built-in catalogue; known targets are "
            + String.join(", ", Catalogue.builtIn().names())
            + ". Add a target by writing NAME.yaml into a folder and passing --targets FOLDER.",
        r.err().strip());
  }

  @Test
  void aTargetsFolderAddsItsFilesToListAndCost(@TempDir Path dir) throws Exception {
    String yaml = bitlab.hardware.catalogue.Targets.toYaml(bitlab.hardware.catalogue.Targets.vary(
            Catalogue.builtIn().target("bismo-edge"), "dramBytesPerSecond", "1e9"))
        .replaceFirst("(?m)^name: .*\\n", "");
    java.nio.file.Files.writeString(dir.resolve("slow-edge.yaml"), yaml);
    java.nio.file.Files.writeString(dir.resolve("broken.yaml"), "kind: [");
    MainTest.Run list = run("hardware", "list", "--targets", dir.toString(), "--json");
    assertEquals(0, list.status(), list.err());
    JsonArray rows = JsonParser.parseString(list.out()).getAsJsonArray();
    assertEquals(Catalogue.builtIn().names().size() + 2, rows.size());
    JsonObject broken = rows.get(rows.size() - 2).getAsJsonObject();
    assertEquals("broken", broken.get("name").getAsString());
    assertEquals("error", broken.get("kind").getAsString());
    assertTrue(broken.get("description").getAsString().contains("broken.yaml"), broken.toString());
    MainTest.Run cost = run(
        "cost",
        "lenet5",
        "--target",
        "slow-edge",
        "--targets",
        dir.toString(),
        "--bits",
        "2",
        "--json");
    assertEquals(0, cost.status(), cost.err());
    Target slow = bitlab.hardware.catalogue.TargetLoader.fromFile(dir.resolve("slow-edge.yaml"));
    ModelCost c = slow.cost(Zoo.architecture("lenet5", 28, 1.0, 0).workloads(), Bits.W2A2);
    assertEquals(
        c.total().millis(),
        JsonParser.parseString(cost.out())
            .getAsJsonObject()
            .getAsJsonObject("total")
            .get("latencyMs")
            .getAsDouble(),
        1e-12);
  }

  @Test
  void badBitsAreOneSentenceAndStatus2() {
    MainTest.Run r = run("cost", "lenet5", "--target", "bitfusion", "--bits", "12/8");
    assertEquals(2, r.status());
    assertTrue(
        r.err().strip().startsWith("bitlab cost: The weight width of 12 bits is not supported"),
        r.err());
  }

  @Test
  void showPrintsTheYamlTheLoaderReadsBack() {
    MainTest.Run r = run("hardware", "show", "bitfusion", "--yaml");
    assertEquals(0, r.status(), r.err());
    Target back = bitlab.hardware.catalogue.TargetLoader.fromYaml(r.out());
    assertEquals("bitfusion", back.name());
    assertEquals(
        Catalogue.builtIn().target("bitfusion").parameters().size(),
        back.parameters().size());
  }
}
