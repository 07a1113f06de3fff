package bitlab.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import javax.lang.model.SourceVersion;

/**
 * Notebook cells mutated by Jazzer through the magic parser: it never throws; Java parts keep the
 * cell's line numbers; the variable a {@code %%hardware NAME} cell declares is a legal Java name
 * (not a keyword) whatever NAME is; and the string literal it writes for NAME and the YAML reads
 * back as the same text, so nothing in a cell can break out of it. Seeds and past findings:
 * {@code src/test/resources/bitlab/kernel/magic/MagicsFuzzTestInputs/cell/}.
 */
class MagicsFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void cell(byte[] input) {
    String code = new String(input, java.nio.charset.StandardCharsets.UTF_8);
    List<Magics.Part> parts = Magics.parse(code);
    int lines = code.split("\n", -1).length;
    for (Magics.Part p : parts) {
      if (p instanceof Magics.Java j) {
        assertTrue(
            j.code().split("\n", -1).length <= lines, "a Java part is no longer than the cell");
      } else if (p instanceof Magics.Call c) {
        assertTrue(c.name().matches("[A-Za-z_][\\w-]*"), c.name());
        String var = HardwareMagic.javaName(c.args());
        assertTrue(
            SourceVersion.isName(var),
            "'" + var + "' is a legal Java name for target '" + c.args() + "'");
        assertEquals(c.args(), unquote(HardwareMagic.literal(c.args())));
        if (c.body() != null) assertEquals(c.body(), unquote(HardwareMagic.literal(c.body())));
      }
    }
  }

  /** Reads back a Java string literal as HardwareMagic writes them (the escapes it uses). */
  static String unquote(String literal) {
    assertTrue(
        literal.startsWith("\"") && literal.endsWith("\"") && literal.length() >= 2, literal);
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < literal.length() - 1; i++) {
      char ch = literal.charAt(i);
      assertTrue(
          ch != '"' && ch != '\n' && ch != '\r', "no raw quote or line break inside: " + literal);
      if (ch != '\\') {
        out.append(ch);
        continue;
      }
      char e = literal.charAt(++i);
      switch (e) {
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case '"' -> out.append('"');
        case '\\' -> out.append('\\');
        case 'u' -> {
          out.append((char) Integer.parseInt(literal.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> throw new AssertionError("unknown escape \\" + e + " in " + literal);
      }
    }
    return out.toString();
  }
}
