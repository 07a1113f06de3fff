package bitlab.dsl.hawq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderers;
import bitlab.hardware.Bits;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.search.Budget;
import bitlab.search.BudgetException;
import bitlab.search.hawq.Plan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The notebook vocabulary end to end on LeNet-5's architecture with few images and probes. */
@Tag("slow")
class HawqBuilderTest {
  static Model net;
  static Dataset data;
  static HawqBuilder base;

  @BeforeAll
  static void setUp() {
    net = Zoo.architecture("lenet5", 28, 1.0, 0);
    data = Datasets.mnist();
    base = HawqBuilder.of(net, data).images(64).probes(3).seed(1);
  }

  @Test
  void solveRendersThePlan() {
    var edge = Catalogue.builtIn().target("bismo-edge");
    HawqResult r =
        base.bits(4, 8).size(0.5).latency(edge, 0.7).fixFirstAndLast(8).solve();
    Plan p = r.plan();
    assertEquals(Bits.W8A8, p.bits("conv1"));
    assertEquals(Bits.W8A8, p.bits("fc3"));
    assertEquals(2, p.solution().usage().size());
    MimeBundle b = Renderers.standard().render(r);
    String html = b.data().get(MimeBundle.HTML);
    if (html == null) throw new AssertionError(b.data().get(MimeBundle.TEXT));
    assertTrue(
        html.contains("HAWQ-V3 plan for lenet5") && html.contains("proven optimal"),
        html.substring(0, 300));
    assertTrue(html.contains("uniform W4A4")
        && html.contains("latency@bismo-edge")
        && html.contains("data:image/png;base64,"));
    assertTrue(b.data().get(MimeBundle.TEXT).contains("budget size"));
    assertTrue(Renderers.standard()
        .render(p.traces())
        .data()
        .get(MimeBundle.HTML)
        .contains("Hessian traces"));
  }

  @Test
  void measuredDamageSaysSoAndPricesTwoBitsAboveEightBits() {
    // The shipped, trained weights: on random weights a coarse rounding can as well lower the loss.
    HawqResult r = HawqBuilder.of(Zoo.load("lenet5"), data)
        .images(64)
        .probes(3)
        .seed(1)
        .bits(2, 8)
        .size(0.5)
        .measuredDamage()
        .solve();
    assertTrue(r.plan().measured());
    for (var l : r.plan().problem().layers()) {
      assertTrue(
          l.omega()[0] > l.omega()[1], l.name() + ": " + java.util.Arrays.toString(l.omega()));
    }
    String html = Renderers.standard().render(r).data().get(MimeBundle.HTML);
    assertTrue(
        html.contains("Measured-damage plan for lenet5") && html.contains("measured damage"),
        html.substring(0, 300));
    assertTrue(!base.bits(2, 8).size(0.5).solve().plan().measured());
    // the test evaluation behind accuracy(), with its counts for the interval
    bitlab.model.Evaluation e = r.evaluate();
    assertEquals(data.test().size(), e.total());
    assertEquals(r.accuracy(), e.accuracy(), 0);
  }

  @Test
  void tracesAreComputedOncePerTraceSettings() {
    HawqBuilder b = base.bits(2, 4, 8);
    var t1 = b.traces();
    assertTrue(
        t1 == b.size(0.3).traces() && t1 == b.bops(0.4).traces(),
        "budgets and candidates reuse the traces");
    assertTrue(t1 != b.seed(2).traces(), "new probe settings trace again");
  }

  @Test
  void paretoSweepsTheFirstBudget() {
    ParetoResult r = base.bits(2, 4, 8).size(0.1).pareto(4, false);
    assertEquals(4, r.points().size());
    for (int i = 1; i < 4; i++)
      assertTrue(
          r.points().get(i).omega() <= r.points().get(i - 1).omega(),
          "more budget, no more perturbation");
    assertEquals(3, r.uniform().size());
    String html = r.render().data().get(MimeBundle.HTML);
    assertTrue(html.contains("uniform") && html.contains("data:image/png;base64,"));
  }

  @Test
  void paretoAccuraciesAreTheSameOnOneAndTwoThreadsAndAsScoredOneByOne() {
    Dataset small = bitlab.dsl.Bitlab.subset(data, 600, 300);
    HawqBuilder h = HawqBuilder.of(Zoo.load("lenet5"), small)
        .images(32)
        .probes(2)
        .seed(1)
        .bits(2, 4, 8)
        .size(0.1);
    ParetoResult one = h.threads(1).pareto(3, true);
    ParetoResult two = h.threads(2).pareto(3, true);
    assertTrue(one.hasAccuracy());
    for (int i = 0; i < 3; i++)
      assertEquals(one.points().get(i).accuracy(), two.points().get(i).accuracy(), "point " + i);
    assertEquals(3, one.uniform().size());
    for (int i = 0; i < 3; i++)
      assertEquals(
          one.uniform().get(i).accuracy(), two.uniform().get(i).accuracy(), "uniform " + i);
    assertEquals(
        h.ptqAccuracy(one.points().get(1).plan().policy()), one.points().get(1).accuracy());
    // each accuracy's Wilson interval, on the validation images it was measured on
    assertEquals(small.validation().size(), one.images());
    String html = HawqViews.pareto(one).data().get(bitlab.dsl.display.MimeBundle.HTML);
    assertTrue(html.contains("95% interval"), html);
    assertTrue(
        html.contains(
            bitlab.model.Evaluation.interval95Text(one.points().get(1).accuracy(), one.images())),
        html);
  }

  @Test
  void theNotebookFormsMeanWhatTheyAlwaysMeant() {
    var edge = bitlab.hardware.catalogue.Catalogue.builtIn().target("bismo-edge");
    assertEquals(
        java.util.List.of(
            Budget.sizeBetween(0.5), Budget.latencyBetween(0.6).on(edge), Budget.bops(12e6)),
        base.size(0.5).latency(edge, 0.6).bopsAtMost(12e6).planner().budgets());
    assertEquals(
        java.util.List.of(Budget.sizeBytes(40e3)), base.size(40, "KB").planner().budgets());
  }

  @Test
  void unitsAndBadBudgetsAreNamed() {
    var e =
        assertThrows(BudgetException.class, () -> base.bits(4, 8).size(1, "KB").solve());
    assertTrue(
        e.getMessage().contains("below") && e.getMessage().contains("feasible range"),
        e.getMessage());
    var u = assertThrows(BudgetException.class, () -> base.size(1, "parsecs"));
    assertTrue(u.getMessage().contains("parsecs") && u.getMessage().contains("MB"), u.getMessage());
  }

  @Test
  void exactCheckPairsHutchinsonWithTheClosedForm() {
    TraceCheck c = base.exactCheck();
    assertEquals(
        java.util.List.of("fc2", "fc3"),
        c.rows().stream().map(TraceCheck.Row::layer).toList());
    for (TraceCheck.Row r : c.rows()) {
      assertEquals(base.traces().layer(r.layer()).trace(), r.estimate(), 0);
      assertEquals(3, r.runningMean().length);
      assertTrue(r.exact() > 0 && Double.isFinite(r.relativeError()), r.toString());
    }
    String html = c.render().data().get(MimeBundle.HTML);
    assertTrue(
        html.contains("exact Tr(H)") && html.contains("data:image/png;base64,"),
        html.substring(0, 200));
  }

  @Test
  void perturbationsFallWithEveryBitAndPredictTheLoss() {
    Perturbations p = base.perturbations(2, 4, 8);
    for (String l : p.layers()) {
      assertTrue(
          p.squaredError(l, 2) > p.squaredError(l, 4)
              && p.squaredError(l, 4) > p.squaredError(l, 8),
          l);
      assertEquals(
          Math.max(base.traces().layer(l).average(), 0) * p.squaredError(l, 4), p.omega(l, 4), 0);
    }
    var e = assertThrows(bitlab.search.hawq.HawqException.class, () -> p.omega("fc1", 3));
    assertTrue(e.getMessage().contains("[2, 4, 8]"), e.getMessage());
    OmegaCheck c = base.omegaCheck(2, 8);
    assertEquals(2 * net.layers().size(), c.points().size());
    for (OmegaCheck.Point pt : c.points())
      assertTrue(Double.isFinite(pt.measured()) && pt.predicted() >= 0, pt.toString());
    assertTrue(c.rankCorrelation() >= -1 && c.rankCorrelation() <= 1);
    assertTrue(c.render().data().get(MimeBundle.HTML).contains("measured change"));
    assertTrue(p.render().data().get(MimeBundle.HTML).contains("Omega @8 bits"));
  }
}
