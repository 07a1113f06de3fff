package bitlab.dsl.hawq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.dsl.Bitlab;
import bitlab.dsl.display.MimeBundle;
import bitlab.search.hawq.IlpInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ilp(...)}: a problem file or its text, solved and rendered; bad input named. */
class IlpResultTest {
  static final String TWO_LAYERS = """
      {"format": "bitlab-ilp/1",
       "layers": [{"name": "a", "candidates": ["W4A4", "W8A8"], "omega": [1.0, 0.1], "costs": {"size": [6, 12]}},
                  {"name": "b", "candidates": ["W4A4", "W8A8"], "omega": [3.0, 0.2], "costs": {"size": [6, 12]}}],
       "budgets": [{"name": "size", "unit": "bytes", "limit": 18}],
       "fixed": {}, "ties": []}
      """;

  @Test
  void textAndFileGiveTheSameOptimum(@TempDir Path dir) throws Exception {
    IlpResult r = Bitlab.ilp(TWO_LAYERS);
    // 18 bytes allow one layer at 8 bits: b, whose 4-bit Omega is the larger.
    assertEquals("W4A4", r.solution().bits("a").toString());
    assertEquals("W8A8", r.solution().bits("b").toString());
    assertEquals(1.2, r.omega(), 1e-12);
    Path f = dir.resolve("two.json");
    Files.writeString(f, TWO_LAYERS);
    IlpResult fromFile = Bitlab.ilp(f.toString());
    assertEquals(r.omega(), fromFile.omega(), 0);
    String html = fromFile.render().data().get(MimeBundle.HTML);
    assertTrue(
        html.contains("&#39;two.json&#39;")
            && html.contains("proven optimal")
            && html.contains("W4A4: 1.000e+00"),
        html);
    assertTrue(
        !html.contains(dir.toString()), "the rendering names the file, not the machine's path");
    assertTrue(r.toString().contains("budget size: uses 18 of 18 bytes"), r.toString());
    assertEquals("47,990.5", IlpResult.num(47990.5));
    assertEquals("5.432e-05", IlpResult.num(5.4321e-5));
  }

  @Test
  void badInputIsNamed() {
    IlpInputException none =
        assertThrows(IlpInputException.class, () -> Bitlab.ilp("no-such-problem.json"));
    assertTrue(
        none.getMessage().contains("There is no ILP file 'no-such-problem.json'"),
        none.getMessage());
    IlpInputException blank = assertThrows(IlpInputException.class, () -> Bitlab.ilp(" "));
    assertTrue(blank.getMessage().contains("plan.ilpJson()"), blank.getMessage());
    IlpInputException broken = assertThrows(
        IlpInputException.class,
        () -> Bitlab.ilp(TWO_LAYERS.replace("\"omega\": [1.0, 0.1]", "\"omega\": [1.0]")));
    assertTrue(
        broken.getMessage().contains("Layer 'a' has 2 candidates but 1 perturbation"),
        broken.getMessage());
  }
}
