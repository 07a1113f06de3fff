package bitlab.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.catalogue.Catalogue;
import bitlab.hardware.catalogue.TargetLoader;
import bitlab.hardware.fixtures.Zoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogueTest {

  @Test
  void builtInCatalogueListsExactlyTheFilesInTargets() throws IOException {
    Set<String> files;
    try (Stream<Path> s = Files.list(Path.of("targets"))) {
      files = s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml"))
          .map(n -> n.substring(0, n.length() - 5))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(files, new TreeSet<>(Catalogue.builtIn().names()));
    assertTrue(files.containsAll(
        List.of("bismo-edge", "bismo-cloud", "bitfusion", "roofline-cpu", "roofline-gpu")));
  }

  @Test
  void everyBuiltInTargetLoadsDescribesItselfAndCitesEveryParameter() {
    for (Target t : Catalogue.builtIn().targets()) {
      assertFalse(t.description().isBlank(), t.name());
      assertFalse(t.calibration().isBlank(), t.name() + " says nothing about calibration");
      assertFalse(t.parameters().isEmpty(), t.name());
      for (Parameter p : t.parameters()) {
        assertFalse(p.source().isBlank(), t.name() + "." + p.key() + " has no source");
      }
      ModelCost c = t.cost(Zoo.mobilenetV1(224), Bits.W8A8);
      assertTrue(c.total().seconds() > 0 && c.total().joules() > 0, t.name());
    }
  }

  @Test
  void kindsAreTheOnesTheFilesDeclare() {
    Catalogue c = Catalogue.builtIn();
    assertEquals("bismo", c.target("bismo-edge").kind());
    assertEquals("bismo", c.target("bismo-cloud").kind());
    assertEquals("bitfusion", c.target("bitfusion").kind());
    assertEquals("roofline", c.target("roofline-cpu").kind());
    assertEquals("roofline", c.target("roofline-gpu").kind());
    assertEquals(16, c.target("bismo-cloud").batch());
  }

  @Test
  void unknownNameListsTheKnownOnes() {
    UnknownTargetException e =
        assertThrows(UnknownTargetException.class, () -> Catalogue.builtIn().target("bismo-edg"));
    assertTrue(
        e.getMessage().contains("'bismo-edg'")
            && e.getMessage().contains("bismo-edge, bismo-cloud"),
        e.getMessage());
  }

  @Test
  void userDirectoryAddsAndOverridesTargets(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("my-npu.yaml"), """
        description: a made-up roofline
        kind: roofline
        parameters:
          peakMacs32: 1e9
          bytesPerSecond: 1e9
          powerWatts: 1
          dramPjPerBit: 10
        """);
    Files.writeString(
        dir.resolve("bismo-edge.yaml"),
        Files.readString(Path.of("targets/bismo-edge.yaml"))
            .replace("value: 200e6", "value: 100e6"));
    Catalogue c = Catalogue.builtIn().withDirectory(dir);
    assertTrue(c.names().contains("my-npu"));
    assertEquals("roofline", c.target("my-npu").kind());
    List<LayerWorkload> mb = Zoo.mobilenetV1(224);
    double ours = c.target("bismo-edge").cost(mb, Bits.W8A8).total().seconds();
    double builtIn =
        Catalogue.builtIn().target("bismo-edge").cost(mb, Bits.W8A8).total().seconds();
    assertTrue(ours > 1.8 * builtIn, "half the clock must nearly double a compute-bound model");
    assertThrows(
        TargetSyntaxException.class, () -> Catalogue.builtIn().withDirectory(dir.resolve("nope")));
  }

  @Test
  void inlineYamlDeclaresATarget() {
    Target t = TargetLoader.fromYaml("""
        name: tiny
        description: declared in a notebook cell
        kind: bitfusion
        parameters:
          rows: 4
          columns: 4
          clockHz: 100e6
          dramBitsPerCycle: 64
          inputBufferKiB: 8
          weightBufferKiB: 8
          outputBufferKiB: 8
          mac8x8Pj: 0.3
          dramPjPerBit: 20
        """);
    assertEquals("tiny", t.name());
    assertEquals("inline YAML", t.origin());
    assertEquals(1, t.batch());
    assertEquals("100e6", t.parameter("clockHz").value());
    assertTrue(t.cost(Zoo.resnet18(224), Bits.W4A4).total().seconds() > 0);
  }
}
