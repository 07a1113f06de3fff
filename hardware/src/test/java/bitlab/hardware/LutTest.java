package bitlab.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.catalogue.Catalogue;
import bitlab.hardware.fixtures.Zoo;
import bitlab.hardware.kind.LutTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lut kind on a table this test writes itself: bismo-edge's MobileNet-V1 costs in
 * nanoseconds and microjoules, with 16- and 32-bit rows. A lut target built from that table must
 * price every policy as bismo-edge does (to rounding), and know nothing about boundness.
 */
class LutTest {

  @Test
  void tableMadeFromAModelPricesLikeTheModel(@TempDir Path dir) throws IOException {
    Target edge = Catalogue.builtIn().target("bismo-edge");
    List<LayerWorkload> layers = Zoo.mobilenetV1(224);
    StringBuilder csv = new StringBuilder();
    LutTable.write(
        csv,
        "bismo-edge, MobileNet-V1 224\nns and uJ",
        layers.stream().map(LayerWorkload::name).toList(),
        (i, b) -> edge.layer(i, layers.get(i), b).cost().seconds() * 1e9,
        (i, b) -> edge.layer(i, layers.get(i), b).cost().joules() * 1e6,
        true);
    Files.writeString(dir.resolve("edge-mbv1.csv"), csv.toString());
    Files.writeString(dir.resolve("edge-lut.yaml"), """
        description: bismo-edge as a table
        kind: lut
        parameters:
          table: {value: edge-mbv1.csv, source: written by LutTest}
          secondsPerUnit: 1e-9
          joulesPerUnit: 1e-6
        """);
    Target lut = Catalogue.builtIn().withDirectory(dir).target("edge-lut");
    assertEquals("lut", lut.kind());
    Random r = new Random(3);
    for (int trial = 0; trial < 50; trial++) {
      List<Bits> policy = new ArrayList<>();
      for (int i = 0; i < layers.size(); i++)
        policy.add(Bits.of(1 + r.nextInt(8), 1 + r.nextInt(8)));
      if (trial == 0) policy.set(0, Bits.of(8, 32));
      Cost want = edge.cost(layers, policy).total();
      ModelCost got = lut.cost(layers, policy);
      assertEquals(want.seconds(), got.total().seconds(), 1e-12 * want.seconds());
      assertEquals(want.joules(), got.total().joules(), 1e-12 * want.joules());
      assertEquals(layers.size(), got.count(Bound.UNKNOWN));
      assertEquals(got.total().seconds(), lut.table(layers).total(policy).seconds(), 1e-12);
    }
  }

  /**
   * A lut target with an operator table prices each operator without weights at its measured time, found by name;
   * one without such a table prices none; a table that lacks an operator, or a malformed one, is refused with a
   * sentence naming the file.
   */
  @Test
  void operatorTablePricesTheOperatorsItMeasured(@TempDir Path dir) throws IOException {
    StringBuilder csv = new StringBuilder();
    LutTable.write(csv, "two layers", List.of("c1", "c2"), (i, b) -> 10.0 * (i + 1), null, false);
    Files.writeString(dir.resolve("two.csv"), csv.toString());
    Files.writeString(
        dir.resolve("two-operators.csv"),
        "# measured\noperator,type,latency,energy\npool,MaxPool,2.5,0.5\nadd,Add,4,1\n");
    Files.writeString(
        dir.resolve("bad-operators.csv"), "operator,type,latency\npool,MaxPool,fast\n");
    String yaml = """
        kind: lut
        parameters:
          table: two.csv
          secondsPerUnit: 1e-6
          joulesPerUnit: 1e-3
        """;
    Files.writeString(dir.resolve("with-ops.yaml"), yaml + "  operators: two-operators.csv\n");
    Files.writeString(dir.resolve("layers-only.yaml"), yaml);
    Files.writeString(dir.resolve("bad-ops.yaml"), yaml + "  operators: bad-operators.csv\n");
    TensorWorkload add = WeightlessPricingTest.ADD;
    TensorWorkload pool = new TensorWorkload("pool", "MaxPool", 400, 3_200, 100, 800, 400, 8);
    Target with = Catalogue.builtIn().withDirectory(dir).target("with-ops");
    List<TensorCost> costs = with.weightless(List.of(pool, add));
    assertEquals(2, costs.size());
    assertEquals(2.5e-6, costs.get(0).cost().seconds(), 1e-18);
    assertEquals(0.5e-3, costs.get(0).cost().joules(), 1e-15);
    assertEquals(4e-6, costs.get(1).cost().seconds(), 1e-18);
    assertEquals(1, costs.get(1).index());
    assertEquals(Bound.UNKNOWN, costs.get(1).bound(), "a table says nothing about why");
    assertEquals(19_200, costs.get(1).dramBytes(), 0);
    Target layersOnly = Catalogue.builtIn().withDirectory(dir).target("layers-only");
    assertEquals(List.of(), layersOnly.weightless(List.of(pool, add)));
    TensorWorkload other = new TensorWorkload("concat", "Concat", 10, 80, 10, 80, 10, 8);
    LutTableException missing =
        assertThrows(LutTableException.class, () -> with.weightless(List.of(pool, other)));
    assertEquals(
        "Operator table two-operators.csv has no operator 'concat'; it prices only the model it was"
            + " measured on (remeasure the target on this model).",
        missing.getMessage());
    Exception bad = assertThrows(
        RuntimeException.class, () -> Catalogue.builtIn().withDirectory(dir).target("bad-ops"));
    assertTrue(
        bad.getMessage().contains("bad-operators.csv line 2 has 'fast' in column latency"),
        bad.getMessage());
  }
}
