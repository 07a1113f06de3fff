package bitlab.kernel;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The README's "first session" works as the README says: pasted whole into one cell, and one line per cell. */
@Tag("slow")
class FirstSessionTest {

  /** The java block under the README's "## A first session". */
  static String block() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    int at = readme.indexOf("## A first session");
    assertTrue(at >= 0, "the README has a first session");
    int start = readme.indexOf("```java\n", at) + "```java\n".length();
    return readme.substring(start, readme.indexOf("```", start));
  }

  @Test
  void asOneCell() throws IOException {
    try (Session s = new Session()) {
      Recording rec = new Recording();
      Session.Result r = s.execute(block(), rec);
      assertTrue(r.ok(), () -> r.error().plain());
      assertNotNull(r.value(), "the last line's value is shown");
      List<String> shown = rec.of("display").stream()
          .map(d -> String.valueOf(d.bundle().data().get("text/plain")))
          .toList();
      assertTrue(
          shown.stream().anyMatch(t -> t.startsWith("Model lenet5")),
          "the model is displayed: " + shown);
      assertTrue(
          shown.stream().anyMatch(t -> t.contains("lenet5") && t.contains("%")),
          "its accuracy is displayed: " + shown);
    }
  }

  @Test
  void oneLinePerCell() throws IOException {
    List<String> lines = block().lines().filter(l -> !l.isBlank()).toList();
    try (Session s = new Session()) {
      for (String line : lines) {
        Session.Result r = s.execute(line, new Recording());
        assertTrue(r.ok(), () -> line + "\n" + r.error().plain());
      }
    }
  }
}
