package bitlab.hardware;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.catalogue.Catalogue;
import bitlab.hardware.catalogue.TargetLoader;
import bitlab.hardware.fixtures.Zoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of bad input gets its own exception type and one sentence naming file, line or key, and what is expected. */
class TargetErrorsTest {

  static final String ROOF = """
      description: test
      kind: roofline
      parameters:
        peakMacs32: 1e9
        bytesPerSecond: 1e9
        powerWatts: 1
        dramPjPerBit: 10
      """;

  static void says(Exception e, String... parts) {
    for (String p : parts)
      assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' lacks '" + p + "'");
    assertTrue(e.getMessage().endsWith("."), "one sentence: " + e.getMessage());
  }

  @Test
  void yamlSyntaxErrorNamesFileAndLine(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("broken.yaml");
    Files.writeString(
        f,
        "description: x\nkind: roofline\nparameters:\n  peakMacs32: [1e9\n  bytesPerSecond: 3\n");
    TargetSyntaxException e =
        assertThrows(TargetSyntaxException.class, () -> TargetLoader.fromFile(f));
    says(e, "broken.yaml", "line ", "not valid YAML");
  }

  @Test
  void aTagSnakeYamlRefusesOutsideItsExceptionsIsASentenceToo() {
    // '!0%0' decodes to a tag with a trailing space; SnakeYAML refuses it with an
    // IllegalArgumentException.
    TargetSyntaxException e =
        assertThrows(TargetSyntaxException.class, () -> TargetLoader.fromYaml("!0%0"));
    says(e, "not valid YAML", "tags");
  }

  @Test
  void anEmptyNameIsASentenceNotACrash() {
    // found by the fuzz stage: a folded scalar with nothing under it reads as an empty name
    TargetSyntaxException e =
        assertThrows(TargetSyntaxException.class, () -> TargetLoader.fromYaml("name: >-\n" + ROOF));
    says(e, "inline YAML", "empty 'name'", "name: my-accelerator");
  }

  @Test
  void unknownKindListsTheKnownKinds() {
    UnknownKindException e = assertThrows(
        UnknownKindException.class,
        () -> TargetLoader.fromYaml(ROOF.replace("kind: roofline", "kind: tpu")));
    says(e, "inline YAML", "line 2", "'tpu'", "bismo, bitfusion, lut, roofline");
  }

  @Test
  void missingParameterNamesTheKeyAndWhatItMeans() {
    TargetParameterException e = assertThrows(
        TargetParameterException.class,
        () -> TargetLoader.fromYaml(ROOF.replace("  bytesPerSecond: 1e9\n", "")));
    says(e, "parameters.bytesPerSecond", "positive number", "bandwidth");
  }

  @Test
  void negativeParameterNamesTheLine() {
    TargetParameterException e = assertThrows(
        TargetParameterException.class,
        () -> TargetLoader.fromYaml(ROOF.replace("powerWatts: 1", "powerWatts: -3")));
    says(e, "line 6", "parameters.powerWatts", "'-3'", "zero or more");
  }

  @Test
  void nonNumberAndFractionalCountsAreRejected() {
    says(
        assertThrows(
            TargetParameterException.class,
            () -> TargetLoader.fromYaml(ROOF.replace("peakMacs32: 1e9", "peakMacs32: fast"))),
        "'fast'",
        "positive number");
    says(
        assertThrows(
            TargetParameterException.class, () -> TargetLoader.fromYaml(ROOF + "  batch: 2.5\n")),
        "parameters.batch",
        "whole number");
  }

  @Test
  void misspelledParameterListsTheKindsParameters() {
    TargetParameterException e = assertThrows(
        TargetParameterException.class, () -> TargetLoader.fromYaml(ROOF + "  bandwidth: 3\n"));
    says(e, "'bandwidth'", "roofline", "bytesPerSecond");
  }

  @Test
  void missingKindAndStrayTopLevelKeys() {
    says(
        assertThrows(
            TargetSyntaxException.class,
            () -> TargetLoader.fromYaml(ROOF.replace("kind: roofline\n", ""))),
        "no 'kind' key",
        "bismo, bitfusion, lut, roofline");
    says(
        assertThrows(
            TargetSyntaxException.class, () -> TargetLoader.fromYaml(ROOF + "colour: red\n")),
        "'colour'",
        "description, kind, parameters");
  }

  static String lutYaml(String table) {
    return "description: t\nkind: lut\nparameters:\n  table: " + table
        + "\n  secondsPerUnit: 1e-9\n";
  }

  static void writeTable(Path csv, int layers, int skipLayer, int skipW, int skipA)
      throws IOException {
    StringBuilder sb = new StringBuilder("layer,name,w_bits,a_bits,latency\n");
    for (int l = 0; l < layers; l++) {
      if (l == skipLayer) continue;
      for (int w = 1; w <= 8; w++) {
        for (int a = 1; a <= 8; a++) {
          if (l == 1 && w == skipW && a == skipA) continue;
          sb.append(l)
              .append(",L")
              .append(l)
              .append(',')
              .append(w)
              .append(',')
              .append(a)
              .append(',')
              .append(w * a)
              .append('\n');
        }
      }
    }
    Files.writeString(csv, sb.toString());
  }

  @Test
  void lutLackingALayerNamesFileAndLayer(@TempDir Path dir) throws IOException {
    writeTable(dir.resolve("t.csv"), 4, 2, 0, 0);
    Files.writeString(dir.resolve("m.yaml"), lutYaml("t.csv"));
    LutTableException e =
        assertThrows(LutTableException.class, () -> TargetLoader.fromFile(dir.resolve("m.yaml")));
    says(e, "t.csv", "no rows for layer 2", "widths 1..8");
  }

  @Test
  void lutLackingABitPairNamesIt(@TempDir Path dir) throws IOException {
    writeTable(dir.resolve("t.csv"), 3, -1, 3, 5);
    Files.writeString(dir.resolve("m.yaml"), lutYaml("t.csv"));
    LutTableException e = assertThrows(
        LutTableException.class, () -> Catalogue.builtIn().withDirectory(dir).target("m"));
    says(e, "t.csv", "layer 1", "w_bits=3, a_bits=5");
  }

  @Test
  void lutForAnotherModelAndMissingFileAndWideBits(@TempDir Path dir) throws IOException {
    writeTable(dir.resolve("t.csv"), 3, -1, 0, 0);
    Files.writeString(dir.resolve("m.yaml"), lutYaml("t.csv"));
    Target t = TargetLoader.fromFile(dir.resolve("m.yaml"));
    says(
        assertThrows(LutTableException.class, () -> t.cost(Zoo.resnet18(224), Bits.W8A8)),
        "has 3 layers but the model has 21");
    var three = Zoo.resnet18(224).subList(0, 3);
    says(
        assertThrows(LutTableException.class, () -> t.cost(three, Bits.of(16, 16))),
        "lacks layer 0",
        "W16A16");
    Files.writeString(dir.resolve("n.yaml"), lutYaml("absent.csv"));
    says(
        assertThrows(LutTableException.class, () -> TargetLoader.fromFile(dir.resolve("n.yaml"))),
        "absent.csv",
        "does not exist");
  }

  @Test
  void badCsvRowsNameTheLine(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("t.csv"), "layer,name,w_bits,a_bits,latency\n0,a,8,8,12\n0,a,9,8,3\n");
    Files.writeString(dir.resolve("m.yaml"), lutYaml("t.csv"));
    says(
        assertThrows(LutTableException.class, () -> TargetLoader.fromFile(dir.resolve("m.yaml"))),
        "line 3",
        "9 bits");
    Files.writeString(dir.resolve("t.csv"), "layer,w,a,latency\n");
    says(
        assertThrows(LutTableException.class, () -> TargetLoader.fromFile(dir.resolve("m.yaml"))),
        "line 1",
        "expected 'layer,name,w_bits,a_bits,latency'");
  }

  @Test
  void policyOfTheWrongLengthIsNamed() {
    Target t = Catalogue.builtIn().target("bismo-edge");
    var layers = Zoo.mobilenetV1(224);
    says(
        assertThrows(PolicyException.class, () -> t.cost(layers, java.util.List.of(Bits.W8A8))),
        "1 bit pairs",
        "28 quantizable layers");
    says(
        assertThrows(PolicyException.class, () -> t.table(layers).latency(new int[3], new int[3])),
        "3 weight",
        "28 quantizable layers");
  }
}
