package bitlab.dsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("slow")
class IntegerCommandTest {

  @Test
  void profileNamesTheInstructionSetAndEveryStepsKernel() {
    MainTest.Run r = MainTest.run(
        "integer", "lenet5", "--bits", "8/8", "--calib-images", "64", "--profile", "--json");
    assertEquals(0, r.status(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertFalse(o.get("instructionSet").getAsString().isBlank());
    JsonArray steps = o.getAsJsonArray("profile");
    assertTrue(
        steps.size() >= 5, "lenet5 has at least its five weighted layers as steps: " + steps);
    double shares = 0;
    int weighted = 0;
    for (JsonElement e : steps) {
      JsonObject s = e.getAsJsonObject();
      assertTrue(s.get("ms").getAsDouble() > 0, s.toString());
      shares += s.get("share").getAsDouble();
      if (s.has("gmacs") && !s.get("gmacs").isJsonNull()) {
        weighted++;
        assertTrue(s.get("gmacs").getAsDouble() > 0, s.toString());
        assertFalse(
            s.get("kernel").getAsString().isBlank(), "a layer names the kernel that ran it: " + s);
      }
    }
    assertEquals(1.0, shares, 1e-6);
    assertEquals(
        5, weighted, "lenet5's two convolutions and three dense layers carry GMAC/s: " + steps);
  }

  @Test
  void withoutProfileTheJsonHasNone() {
    MainTest.Run r =
        MainTest.run("integer", "lenet5", "--bits", "8/8", "--calib-images", "64", "--json");
    assertEquals(0, r.status(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertTrue(!o.has("profile") || o.get("profile").isJsonNull());
  }
}
