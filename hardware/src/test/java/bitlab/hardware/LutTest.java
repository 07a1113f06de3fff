package bitlab.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
