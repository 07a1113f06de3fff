package bitlab.search.haq;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.LayerWorkload;
import bitlab.hardware.LutTableException;
import bitlab.hardware.Target;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.hardware.kind.LutTable;
import bitlab.model.Model;
import bitlab.model.Shape;
import bitlab.model.Zoo;
import bitlab.search.Budget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bad inputs, each one sentence that names the problem and the way out. */
class BadInputTest {
  private static final Target EDGE = Catalogue.builtIn().target("bismo-edge");
  private static final HaqConfig FEW =
      HaqSearchTest.SMALL.withEpisodes(2).withWarmup(2).withBaselines(false);

  private static AccuracyOracle flat() {
    return Toy.targets(new int[64], new int[64]);
  }

  private static void oneSentence(String m) {
    assertTrue(m.endsWith(".") && !m.contains("\n"), "one sentence: " + m);
  }

  @Test
  void aBudgetNoPolicyCanMeetNamesTheLeastAchievable() {
    Model net = Zoo.architecture("mobilenet-v2-mini", 28, 1.0, 0);
    bitlab.search.BudgetException e = assertThrows(
        bitlab.search.BudgetException.class,
        () -> Haq.search(net, EDGE, Budget.latencyOf8Bit(0.05), FEW, flat()));
    String m = e.getMessage();
    oneSentence(m);
    // 2-bit everywhere is the cheapest policy; the message gives its cost and its fraction of
    // 8-bit.
    Pricing p = Pricing.of(net, EDGE, bitlab.quant.PtqConfig.DEFAULT); // as the search prices it
    double least = p.uniform(Resource.LATENCY, 2, 2);
    double eight = p.uniform(Resource.LATENCY, 8, 8);
    assertTrue(
        m.contains(Budget.Metric.LATENCY.format(least))
            && m.contains("the cheapest reachable is "
                + Budget.latencyOf8Bit(0.05)
                    .inOwnTerms(least, new Budget.Reach(eight, least, 1, 0, ""))
                + " ("),
        m);
    assertTrue(m.contains("raise the budget") && m.contains("bismo-edge"), m);
    bitlab.search.BudgetException size = assertThrows(
        bitlab.search.BudgetException.class,
        () -> Haq.search(net, null, Budget.sizeKib(0.5), FEW, flat()));
    assertTrue(
        size.getMessage().contains(" KB")
            && size.getMessage().contains("the cheapest reachable is"),
        size.getMessage());
  }

  @Test
  void zeroEpisodesAreRefusedWithAnExample() {
    HaqException e = assertThrows(HaqException.class, () -> HaqConfig.of(0, 1));
    oneSentence(e.getMessage());
    assertTrue(
        e.getMessage().contains("at least 1 episode") && e.getMessage().contains("episodes(100)"),
        e.getMessage());
    assertThrows(HaqException.class, () -> HaqConfig.of(10, 1).withEpisodes(0));
  }

  @Test
  void aModelWithNothingToQuantizeIsNamed() {
    Model none = Model.builder("no-weights", Shape.image(1, 8, 8))
        .relu("r")
        .maxPool("p", 2, 2)
        .flatten("f")
        .build(1);
    HaqException e = assertThrows(
        HaqException.class, () -> Haq.search(none, EDGE, Budget.latencyOf8Bit(0.6), FEW, flat()));
    oneSentence(e.getMessage());
    assertTrue(
        e.getMessage().contains("'no-weights'") && e.getMessage().contains("nothing to quantize"),
        e.getMessage());
  }

  @Test
  void aTargetThatCannotPriceALayerNamesIt(@TempDir Path dir) throws IOException {
    Model net = Zoo.architecture("mobilenet-v2-mini", 28, 1.0, 0);
    List<LayerWorkload> layers = net.workloads();
    // A table for the first two layers only, in ns, without energy.
    StringBuilder csv = new StringBuilder();
    LutTable.write(
        csv,
        "two layers of mobilenet-v2-mini",
        layers.subList(0, 2).stream().map(LayerWorkload::name).toList(),
        (i, b) -> 1000.0 * b.weights() * b.activations(),
        null,
        false);
    Files.writeString(dir.resolve("two.csv"), csv.toString());
    Files.writeString(dir.resolve("two-layers.yaml"), """
        description: a table that knows two layers
        kind: lut
        parameters:
          table: {value: two.csv, source: written by BadInputTest}
          secondsPerUnit: 1e-9
        """);
    Target lut = Catalogue.builtIn().withDirectory(dir).target("two-layers");
    LutTableException e = assertThrows(
        LutTableException.class,
        () -> Haq.search(net, lut, Budget.latencyOf8Bit(0.6), FEW, flat()));
    oneSentence(e.getMessage());
    assertTrue(e.getMessage().contains("two.csv"), e.getMessage());

    // A table without energy cannot price an energy budget: the search says which budgets it can.
    Model two = Model.builder("two", Shape.image(1, 28, 28))
        .conv("stem", 16, 3, 1, 1, 1, false)
        .relu("r")
        .conv("b1.dw", 16, 3, 1, 1, 16, false)
        .flatten("f")
        .build(1);
    HaqException energy = assertThrows(
        HaqException.class, () -> Haq.search(two, lut, Budget.energyOf8Bit(0.5), FEW, flat()));
    oneSentence(energy.getMessage());
    assertTrue(
        energy.getMessage().contains("two-layers")
            && energy.getMessage().contains("energy")
            && energy.getMessage().contains("latency or size budget"),
        energy.getMessage());
  }
}
