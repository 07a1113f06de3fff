package bitlab.dsl.haq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Datasets;
import bitlab.dsl.display.MimeBundle;
import bitlab.hardware.Bits;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.search.Budget;
import bitlab.search.haq.DdpgConfig;
import bitlab.search.haq.Haq;
import bitlab.search.haq.HaqConfig;
import bitlab.search.haq.HaqException;
import bitlab.search.haq.HaqResult;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/** The pieces notebook 02 and tutorial 09 show: states, the action mapping, the repair, two searches side by side. */
class HaqTeachingTest {
  private final Model net = Zoo.architecture("mobilenet-v2-mini", 28, 1.0, 0);
  private final HaqBuilder edge = new HaqBuilder(net, Datasets.digits())
      .on(Catalogue.builtIn().target("bismo-edge"))
      .latency(0.6);

  @Test
  void statesHaveTwoStepsPerLayerAndTenFeatures() {
    Table t = edge.states();
    assertEquals(2 * net.layers().size(), t.rowCount());
    assertEquals(3 + 10, t.columnCount());
    assertEquals("weights", t.stringColumn("picks").get(0));
    assertEquals("activations", t.stringColumn("picks").get(1));
    assertEquals(1.0, t.doubleColumn("weight_step").get(0));
    assertEquals(0.0, t.doubleColumn("index").get(0));
    assertEquals(1.0, t.doubleColumn("index").get(t.rowCount() - 1));
    assertEquals(1.0, t.doubleColumn("depthwise").get(2)); // b1.dw
  }

  @Test
  void actionsBecomeBitsInEqualIntervals() {
    assertEquals(2, edge.bitsFor(0.0));
    assertEquals(5, edge.bitsFor(0.5));
    assertEquals(8, edge.bitsFor(1.0));
    assertEquals(3, edge.bits(3, 4).bitsFor(0.2));
    assertThrows(HaqException.class, () -> edge.bitsFor(1.5));
  }

  @Test
  void noiseSetsTheExplorationWidthAndItsDecay() {
    var cfg = new HaqBuilder(Zoo.architecture("lenet5", 28, 1.0, 0), Datasets.digits())
        .noise(0.2, 0.95)
        .config()
        .ddpg();
    assertEquals(0.2, cfg.sigma());
    assertEquals(0.95, cfg.sigmaDecay());
    assertThrows(
        HaqException.class,
        () -> new HaqBuilder(Zoo.architecture("lenet5", 28, 1.0, 0), Datasets.digits())
            .noise(0, 0.99));
  }

  @Test
  void theRepairCutsFromTheLastLayerBackUntilTheBudgetHolds() {
    // the paper's repair (the default one cuts the cheapest bit first: HaqBuilderTest)
    HaqBuilder paper = edge.paperExploration();
    List<Bits> all8 = Collections.nCopies(net.layers().size(), Bits.of(8, 8));
    Repaired r = paper.bits(2, 8).repair(all8);
    assertTrue(r.before() > r.limit() && r.after() <= r.limit(), r.summary());
    assertEquals(1.0, r.before() / r.eightBit(), 1e-12);
    assertTrue(r.cuts() > 0 && r.changedLayers() > 0);
    // Just over the budget, only the last layers are cut (activations first), and each by at most
    // one bit.
    List<Bits> w6a6 = Collections.nCopies(net.layers().size(), Bits.of(6, 6));
    Repaired near = paper.latency(0.55).repair(w6a6);
    int last = net.layers().size() - 1;
    assertTrue(near.cuts() > 0 && near.after() <= near.limit(), near.summary());
    assertEquals(Bits.of(5, 5), near.repaired().get(last), near.table().printAll());
    assertEquals(Bits.of(6, 6), near.repaired().get(0), near.table().printAll());
    for (Bits b : near.repaired())
      assertTrue(b.weights() >= 5 && b.activations() >= 5, near.table().printAll());
    edge.latency(0.6);
    MimeBundle b = r.render();
    assertTrue(b.data().get(MimeBundle.HTML).contains("after repair"));
    Repaired fine = paper.repair(Collections.nCopies(net.layers().size(), Bits.of(4, 4)));
    assertEquals(0, fine.cuts());
    assertTrue(fine.summary().contains("nothing to repair"), fine.summary());
    HaqException wrong =
        assertThrows(HaqException.class, () -> edge.repair(List.of(Bits.of(8, 8))));
    assertTrue(
        wrong.getMessage().contains("one bit pair per quantizable layer"), wrong.getMessage());
  }

  @Test
  void twoSearchesSideBySideShowBitsBoundsAndShares() {
    HaqConfig cfg = HaqConfig.of(4, 2)
        .withWarmup(2)
        .withDdpg(DdpgConfig.DEFAULT.withHidden(16))
        .withBaselines(false);
    HaqResult e = Haq.search(
        net,
        Catalogue.builtIn().target("bismo-edge"),
        Budget.latencyOf8Bit(0.6),
        cfg,
        HaqRenderersTest.ORACLE);
    HaqResult c = Haq.search(
        net,
        Catalogue.builtIn().target("bismo-cloud"),
        Budget.latencyOf8Bit(0.6),
        cfg,
        HaqRenderersTest.ORACLE);
    HaqSideBySide s = HaqSideBySide.of(e, c);
    Table t = s.table();
    assertEquals(net.layers().size(), t.rowCount());
    assertTrue(
        t.columnNames().contains("bound bismo-edge")
            && t.columnNames().contains("bits bismo-cloud"),
        t.columnNames().toString());
    double shares = t.doubleColumn("share % bismo-edge").sum();
    assertEquals(100, shares, 0.5);
    assertTrue(t.stringColumn("bound bismo-cloud").asList().stream()
        .allMatch(x -> x.equals("compute") || x.equals("memory")));
    Table mean = s.meanBits();
    assertTrue(mean.stringColumn("kind").asList().containsAll(List.of("depthwise", "pointwise")));
    String html = s.render().data().get(MimeBundle.HTML);
    assertEquals(1, html.split("data:image/png;base64,").length - 1);
    assertTrue(s.summary().contains("layers differ"), s.summary());
    HaqResult sized = Haq.search(net, null, Budget.sizeOf8Bit(0.5), cfg, HaqRenderersTest.ORACLE);
    HaqException none = assertThrows(HaqException.class, () -> HaqSideBySide.of(e, sized));
    assertTrue(none.getMessage().contains("had none"), none.getMessage());
  }
}
