package bitlab.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.dsl.display.MimeBundle;
import bitlab.kernel.Recording;
import bitlab.kernel.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MagicsTest {
  static Session session;

  @BeforeAll
  static void start() {
    session = new Session();
  }

  @AfterAll
  static void stop() {
    session.close();
  }

  @Test
  void parsingKeepsJavaLineNumbersEqualToTheCells() {
    List<Magics.Part> parts = Magics.parse("int a = 1;\n%vars\nint b = a +;\n");
    assertEquals(3, parts.size());
    assertEquals(new Magics.Call("vars", "", null, false), parts.get(1));
    assertEquals("\n\nint b = a +;\n", ((Magics.Java) parts.get(2)).code());
    Magics.Call cell =
        (Magics.Call) Magics.parse("%%hardware my-edge\nkind: bismo\n").get(0);
    assertTrue(cell.cellMagic());
    assertEquals("my-edge", cell.args());
    assertEquals("kind: bismo\n", cell.body());
  }

  @Test
  void compileErrorsAfterAMagicLineReportTheCellsLine() {
    Session.Result r = session.execute("%time 1 + 1\nint broken = ;", new Recording());
    assertTrue(r.error().plain().contains("cell line 2:"), r.error().plain());
  }

  @Test
  void varsListsVariablesWithTypes() {
    Recording rec = new Recording();
    session.execute("int bitsW = 4; String label = \"w4a8\";", rec);
    Session.Result r = session.execute("%vars", rec);
    String html = r.value().data().get(MimeBundle.HTML);
    assertTrue(
        html.contains(
            "<td style=\"text-align:left\">bitsW</td><td style=\"text-align:left\">int</td>"),
        html);
    assertTrue(html.contains("w4a8"), html);
  }

  @Test
  void timePrintsWallTimeAndKeepsTheValue() {
    Recording rec = new Recording();
    Session.Result r = session.execute("%time 20 + 22", rec);
    assertEquals("42", r.value().data().get(MimeBundle.TEXT));
    assertTrue(rec.stdout().matches("Wall time: [0-9.]+ (µs|ms|s)\n"), rec.stdout());
    Session.Result cell = session.execute("%%time\nint t = 2;\nt * 3", new Recording());
    assertEquals("6", cell.value().data().get(MimeBundle.TEXT));
  }

  @Test
  void classpathListsAndRejectsMissingPaths() {
    Recording rec = new Recording();
    assertNull(session.execute("%classpath", rec).value());
    assertTrue(rec.stdout().contains("classes") || rec.stdout().contains(".jar"), rec.stdout());
    Session.Result r = session.execute("%classpath add /no/such/dir.jar", new Recording());
    assertEquals("MagicException", r.error().ename());
    assertTrue(
        r.error().evalue().contains("/no/such/dir.jar does not exist"),
        r.error().evalue());
  }

  @Test
  void loadEvaluatesAFileAndNamesAMissingOne(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("helpers.jsh");
    Files.writeString(f, "int triple(int x) { return 3 * x; }\ntriple(5)\n");
    Session.Result r = session.execute("%load " + f, new Recording());
    assertTrue(r.ok(), () -> r.error().plain());
    assertEquals("15", r.value().data().get(MimeBundle.TEXT));
    Path broken = dir.resolve("broken.jsh");
    Files.writeString(broken, "int fine = 1;\nint notFine = fine +;\n");
    Session.Result bad = session.execute("// helpers\n%load " + broken, new Recording());
    assertTrue(
        bad.error().plain().contains("cell line 2:  int notFine = fine +;"),
        "lines of the loaded file: " + bad.error().plain());
    Session.Result missing = session.execute("%load " + dir.resolve("nope.jsh"), new Recording());
    assertTrue(
        missing.error().evalue().startsWith("%load: no file "), missing.error().evalue());
  }

  @Test
  void hardwareMagicsUseTheDslOrSayWhatIsMissing() {
    Session.Result list = session.execute("%hardware", new Recording());
    if (HardwareMagic.find("hardware", 0) == null) {
      assertEquals("MagicException", list.error().ename());
      assertTrue(list.error().evalue().contains("hardware()"), list.error().evalue());
    } else {
      assertTrue(list.ok(), () -> list.error().plain());
      assertTrue(list.value().data().containsKey(MimeBundle.TEXT));
    }
    Session.Result noName = session.execute("%%hardware\nkind: bismo\n", new Recording());
    assertTrue(
        noName.error().evalue().startsWith("%%hardware needs one target name"),
        noName.error().evalue());
  }

  @Test
  void targetNamesBecomeJavaIdentifiers() {
    assertEquals("myEdge", HardwareMagic.javaName("my-edge"));
    assertEquals("target2x", HardwareMagic.javaName("2x"));
    assertEquals("targetClass", HardwareMagic.javaName("class"));
    assertEquals("target_", HardwareMagic.javaName("_"));
    assertEquals("\"a\\\"b\\nc\"", HardwareMagic.literal("a\"b\nc"));
    assertFalse(HardwareMagic.literal("tab\there").contains("\t"));
  }
}
