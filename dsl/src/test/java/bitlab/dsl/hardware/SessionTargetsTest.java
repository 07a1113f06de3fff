package bitlab.dsl.hardware;

import static bitlab.dsl.Bitlab.declareHardware;
import static bitlab.dsl.Bitlab.hardware;
import static bitlab.dsl.Bitlab.hardwareFolder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderers;
import bitlab.hardware.HardwareException;
import bitlab.hardware.Parameter;
import bitlab.hardware.Target;
import bitlab.hardware.TargetParameterException;
import bitlab.hardware.TargetSyntaxException;
import bitlab.hardware.UnknownKindException;
import bitlab.hardware.UnknownTargetException;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.hardware.catalogue.TargetLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class SessionTargetsTest {

  static final String SMALL_BISMO = """
      description: a half-size edge overlay
      kind: bismo
      parameters:
        dm: 4
        dk: 256
        dn: 8
        clockHz: {value: 100e6, unit: Hz, source: "what-if"}
        dramBytesPerSecond: 1e9
        lhsBufferKiB: 64
        rhsBufferKiB: 64
        powerWatts: 2
        dramPjPerBit: 20
      calibration: none, a what-if
      """;

  @AfterEach
  void forget() {
    SessionTargets.reset();
  }

  @Test
  void theCatalogueTableHasOneRowPerBuiltInTarget() {
    Table t = hardware();
    assertEquals(Catalogue.builtIn().names(), t.stringColumn("name").asList());
    assertEquals("bismo", t.stringColumn("kind").get(t.stringColumn("name").indexOf("bismo-edge")));
    assertEquals(16, t.intColumn("batch").get(t.stringColumn("name").indexOf("bismo-cloud")));
    String key = t.stringColumn("key parameters").get(0);
    assertEquals("8x256x8 array, 200 MHz, 2.10 GB/s", key);
    String html = Renderers.standard().render(t).data().get(MimeBundle.HTML);
    for (String name : Catalogue.builtIn().names())
      assertTrue(html.contains("<td style=\"text-align:left\">" + name + "</td>"), name);
  }

  @Test
  void aTargetRendersItsParametersSourcesAndCalibration() {
    Target edge = hardware("bismo-edge");
    assertEquals("bismo", edge.kind());
    MimeBundle b = Renderers.standard().render(edge);
    String html = b.data().get(MimeBundle.HTML);
    assertTrue(html != null, "a target renders as HTML through the registered provider");
    for (Parameter p : edge.parameters()) {
      assertTrue(html.contains(">" + p.key() + "<"), p.key());
      assertTrue(html.contains(TableHtml(p.source())), p.key() + " source");
    }
    assertTrue(html.contains("Calibration.") && html.contains("96.2 ms"), "calibration note");
    assertTrue(b.data().get(MimeBundle.TEXT).startsWith("bismo-edge (bismo, batch 1)"));
  }

  private static String TableHtml(String s) {
    return bitlab.dsl.display.TableHtml.escape(s);
  }

  @Test
  void anUnknownTargetListsTheKnownNames() {
    UnknownTargetException e =
        assertThrows(UnknownTargetException.class, () -> hardware("bismo-egde"));
    assertEquals(
        "No target named 'bismo-egde' in the built-in catalogue; known targets are "
            + String.join(", ", Catalogue.builtIn().names())
            + ". Declare a new one with declareHardware(name, yaml) or a "
            + "%%hardware cell, or add a folder of target files with hardwareFolder(dir).",
        e.getMessage());
  }

  @Test
  void aDeclaredTargetIsFoundByNameAndListed() {
    Target t = declareHardware("half-edge", SMALL_BISMO);
    assertEquals("half-edge", t.name());
    assertSame(t, hardware("half-edge"));
    assertEquals("declared in this session", t.origin());
    assertTrue(hardware().stringColumn("name").asList().contains("half-edge"));
    assertTrue(bitlab.dsl.Bitlab.hardwareFromYaml("other", SMALL_BISMO).name().equals("other"));
    UnknownTargetException e = assertThrows(UnknownTargetException.class, () -> hardware("nope"));
    assertTrue(
        e.getMessage().contains("in the built-in catalogue or the targets declared in this session")
            && e.getMessage().contains("half-edge, other."),
        e.getMessage());
  }

  @Test
  void multiLineTextIsReadAsYamlAndKeptUnderItsName() {
    Target t = hardware("name: tiny\n" + SMALL_BISMO);
    assertEquals("tiny", t.name());
    assertSame(t, hardware("tiny"));
    assertEquals("inline", hardware(SMALL_BISMO).name());
  }

  @Test
  void aFolderOfTargetFilesJoinsTheCatalogueAndABrokenFileShowsItsError(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("half-edge.yaml"), SMALL_BISMO);
    Files.writeString(dir.resolve("broken.yaml"), SMALL_BISMO.replace("kind: bismo", "kind: tpu"));
    Table t = hardwareFolder(dir.toString());
    List<String> names = t.stringColumn("name").asList();
    assertEquals(Catalogue.builtIn().names().size() + 2, names.size());
    int half = names.indexOf("half-edge");
    int broken = names.indexOf("broken");
    assertEquals("bismo", t.stringColumn("kind").get(half));
    assertEquals(
        "4x256x8 array, 100 MHz, 1 GB/s", t.stringColumn("key parameters").get(half));
    String loaderSays = assertThrows(
            UnknownKindException.class, () -> TargetLoader.fromFile(dir.resolve("broken.yaml")))
        .getMessage();
    assertEquals("error", t.stringColumn("kind").get(broken));
    assertEquals(loaderSays, t.stringColumn("description").get(broken));
    assertEquals(
        TargetLoader.fromFile(dir.resolve("half-edge.yaml")).parameters(),
        hardware("half-edge").parameters());
    assertEquals(
        loaderSays,
        assertThrows(UnknownKindException.class, () -> hardware("broken")).getMessage());
    UnknownTargetException e = assertThrows(UnknownTargetException.class, () -> hardware("nope"));
    assertTrue(
        e.getMessage()
            .startsWith("No target named 'nope' in the built-in catalogue or folder " + dir + "; "),
        e.getMessage());
  }

  @Test
  void malformedYamlGivesTheLoadersSentence() {
    String broken = SMALL_BISMO.replace("dk: 256", "dk: [256");
    String expected = assertThrows(HardwareException.class, () -> TargetLoader.fromYaml(broken))
        .getMessage();
    HardwareException e =
        assertThrows(HardwareException.class, () -> declareHardware("broken", broken));
    assertEquals(expected, e.getMessage());
    assertTrue(e instanceof TargetSyntaxException, e.getClass().getName());
    assertThrows(
        UnknownTargetException.class, () -> hardware("broken"), "a failed declaration is not kept");

    String negative = SMALL_BISMO.replace("dm: 4", "dm: -4");
    TargetParameterException p =
        assertThrows(TargetParameterException.class, () -> declareHardware("neg", negative));
    assertEquals(
        assertThrows(TargetParameterException.class, () -> TargetLoader.fromYaml(negative))
            .getMessage(),
        p.getMessage());
    assertTrue(p.getMessage().contains("dm"), p.getMessage());
  }

  @Test
  void aDeclarationWhoseYamlNamesAnotherTargetIsRefused() {
    TargetSyntaxException e = assertThrows(
        TargetSyntaxException.class, () -> declareHardware("a", "name: b\n" + SMALL_BISMO));
    assertEquals(
        "Target 'a' was declared with YAML that names it 'b'; drop the name: line or make the two agree.",
        e.getMessage());
  }
}
