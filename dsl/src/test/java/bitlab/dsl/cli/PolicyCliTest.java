package bitlab.dsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.Bits;
import bitlab.hardware.ModelCost;
import bitlab.hardware.Target;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.Policy;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCliTest {

  @Test
  void costOfAPolicyFileIsTheTargetsCost(@TempDir Path dir) {
    Model m = Zoo.architecture("mobilenet-v1", 224, 1.0, 0);
    List<Bits> bits = new ArrayList<>();
    for (var w : m.workloads()) bits.add(w.depthwise() ? Bits.of(8, 8) : Bits.of(4, 4));
    Path file = dir.resolve("mixed.policy.json");
    Policy.of(m, bits).write(file);
    MainTest.Run r = MainTest.run(
        "cost", "mobilenet-v1", "--target", "bitfusion", "--policy", file.toString(), "--json");
    assertEquals(0, r.status(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    Target t = Catalogue.builtIn().target("bitfusion");
    ModelCost c = t.cost(m.workloads(), bits);
    assertEquals(
        c.total().millis(), o.getAsJsonObject("total").get("latencyMs").getAsDouble(), 1e-12);
    assertEquals("mixed (W4..8, A4..8)", o.get("bits").getAsString());
    assertEquals(
        8, o.getAsJsonArray("layers").get(1).getAsJsonObject().get("weightBits").getAsInt());
  }

  @Test
  void bitsAndPolicyTogetherAreRefused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("p.json");
    Files.writeString(file, "{}");
    MainTest.Run r = MainTest.run(
        "cost", "lenet5", "--target", "bitfusion", "--bits", "4", "--policy", file.toString());
    assertEquals(2, r.status());
    assertEquals(
        "bitlab cost: Give either --bits (every layer alike) or --policy FILE (per layer), not both.",
        r.err().strip());
  }

  @Test
  void aFileThatIsNotAPolicyIsOneSentence(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("p.json");
    Files.writeString(file, "{\"format\": \"something\"}");
    MainTest.Run r =
        MainTest.run("cost", "lenet5", "--target", "bitfusion", "--policy", file.toString());
    assertEquals(2, r.status());
    assertTrue(r.err().startsWith("bitlab cost: This JSON is not a bitlab policy"), r.err());
  }
}
