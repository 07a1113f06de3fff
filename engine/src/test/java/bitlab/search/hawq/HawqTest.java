package bitlab.search.hawq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.hardware.Bits;
import bitlab.hardware.Target;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.search.Budget;
import bitlab.search.BudgetException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** The planner on LeNet-5's shape with synthetic traces: budgets, fixed layers, ties, files. */
class HawqTest {
  static final Model LENET = Zoo.architecture("lenet5", 28, 1.0, 0);

  static Traces traces(Model m, double... avg) {
    List<LayerTrace> l = new ArrayList<>();
    for (int i = 0; i < m.layers().size(); i++) {
      long n = m.param(m.layers().get(i).param("weight")).length();
      l.add(new LayerTrace(m.layers().get(i).name(), avg[i] * n, 0, n, 1));
    }
    return new Traces(m.name(), "synthetic", 0, TraceOptions.DEFAULT, l, true, 0);
  }

  static Hawq planner() {
    return Hawq.of(LENET, traces(LENET, 5, 1, 0.1, 0.2, 3)).bits(2, 4, 8);
  }

  @Test
  void aFractionBudgetSitsBetweenTheCheapestAndDearestPolicies() {
    Plan p = planner().budget(Budget.sizeBetween(0.5)).solve();
    IlpSolution.Usage u = p.solution().usage().get(0);
    assertEquals(u.low() + 0.5 * (u.high() - u.low()), u.limit(), 1e-9 * u.limit());
    assertTrue(u.used() <= u.limit());
    assertEquals(bitlab.quant.Policy.uniform(LENET, 2, 2).sizeBytes(LENET), u.low(), 1e-9);
    assertEquals(p.policy().sizeBytes(LENET), u.used(), 1e-9);
    Plan.Uniform best = p.bestUniform();
    assertEquals(Bits.W4A4, best.bits());
    assertTrue(
        p.omega() <= best.omega(), "the optimum is never worse than a uniform policy that fits");
    assertTrue(p.toString().contains("proven optimal"), p.toString());
  }

  @Test
  void absoluteBudgetsOutsideTheRangeSayTheRange() {
    BudgetException e = assertThrows(
        BudgetException.class, () -> planner().budget(Budget.sizeBytes(100)).solve());
    String range = "feasible range is "
        + IlpSolver.fmt(bitlab.quant.Policy.uniform(LENET, 2, 2).sizeBytes(LENET), "bytes")
        + " (every layer at its lowest candidate) to "
        + IlpSolver.fmt(bitlab.quant.Policy.uniform(LENET, 8, 8).sizeBytes(LENET), "bytes");
    assertTrue(e.getMessage().contains("below") && e.getMessage().contains(range), e.getMessage());
    e = assertThrows(
        BudgetException.class, () -> planner().budget(Budget.sizeBytes(1e9)).solve());
    assertTrue(e.getMessage().contains("above"), e.getMessage());
    e = assertThrows(
        BudgetException.class,
        () -> planner().fix("conv1", Bits.W8A8).budget(Budget.sizeBytes(100)).solve());
    assertTrue(e.getMessage().contains("lowest candidate, fixed layers kept)"), e.getMessage());
    e = assertThrows(BudgetException.class, () -> Budget.sizeBetween(1.5));
    assertTrue(e.getMessage().contains("between 0"), e.getMessage());
  }

  @Test
  void aFractionOf8BitMeansWhatItMeansToHaqTheWeightsAtTheirWidthsPlusTheFixedPart() {
    Plan p = planner().budget(Budget.sizeOf8Bit(0.5)).solve();
    IlpSolution.Usage u = p.solution().usage().get(0);
    double eight = bitlab.quant.Policy.uniform(LENET, 8, 8).sizeBytes(LENET);
    long weights = LENET.workloads().stream()
        .mapToLong(bitlab.hardware.LayerWorkload::weights)
        .sum();
    // scales and biases (32-bit, whatever the width) stay; half of the 8-bit weights is the rest
    assertEquals(eight - weights + 0.5 * weights, u.limit(), 1e-9 * u.limit());
    assertTrue(u.used() <= u.limit());
    assertTrue(
        p.toString().contains("; asked: size at most 0.5 of the all-8-bit size"), p.toString());
    // below the cheapest: the sentence names the cheapest in the budget's own terms
    BudgetException e = assertThrows(
        BudgetException.class, () -> planner().budget(Budget.sizeOf8Bit(0.01)).solve());
    double cheapest = bitlab.quant.Policy.uniform(LENET, 2, 2).sizeBytes(LENET);
    String share = Budget.sizeOf8Bit(0.01)
        .inOwnTerms(cheapest, new Budget.Reach(eight, cheapest, eight, eight - weights, ""));
    assertEquals("0.25 of the all-8-bit size", share, "2-bit weights are a quarter of 8-bit ones");
    assertTrue(
        e.getMessage()
            .startsWith(
                "The budget size at most 0.01 of the all-8-bit size cannot be met: the cheapest "
                    + "reachable is 0.25 of the all-8-bit size ("),
        e.getMessage());
  }

  @Test
  void curvatureNamesAreReadInOnePlace() {
    assertEquals(TraceOptions.Curvature.EXACT, TraceOptions.Curvature.parse(" Exact "));
    assertEquals(TraceOptions.Curvature.GRADIENTS, TraceOptions.Curvature.parse("gradients"));
    HawqException e =
        assertThrows(HawqException.class, () -> TraceOptions.Curvature.parse("hessian"));
    assertEquals(
        "Curvature 'hessian' is not known; use \"jacobian\", \"exact\" or \"gradients\".",
        e.getMessage());
  }

  @Test
  void aLatencyBudgetWithoutATargetIsASentence() {
    BudgetException e =
        assertThrows(BudgetException.class, () -> planner().budget(Budget.latencyOf8Bit(0.5)));
    assertTrue(
        e.getMessage().contains("on a target, e.g. .on(hardware(\"bismo-edge\"))"), e.getMessage());
  }

  @Test
  void fixedLayersAndTiesShapeThePlan() {
    Plan p = planner()
        .fix("conv1", Bits.W8A8)
        .fix("fc3", Bits.of(6, 8))
        .tie("fc1", "fc2")
        .budget(Budget.sizeBetween(0.2))
        .solve();
    assertEquals(Bits.W8A8, p.bits("conv1"));
    assertEquals(Bits.of(6, 8), p.bits("fc3"));
    assertEquals(p.bits("fc1"), p.bits("fc2"));
    IlpInputException e = assertThrows(
        IlpInputException.class,
        () -> planner()
            .fix("fc1", Bits.W8A8)
            .fix("fc2", Bits.W2A2)
            .tie("fc1", "fc2")
            .solve());
    assertTrue(e.getMessage().contains("tied"), e.getMessage());
  }

  @Test
  void latencyAndBopsBudgetsOnATarget() {
    Target edge = Catalogue.builtIn().target("bismo-edge");
    Plan p = planner()
        .budget(Budget.latencyBetween(0.3).on(edge))
        .budget(Budget.bopsBetween(0.5))
        .solve();
    assertEquals(
        List.of("latency@bismo-edge", "bops"),
        p.solution().usage().stream().map(IlpSolution.Usage::budget).toList());
    double priced = edge.cost(LENET.workloads(), p.policy().bits()).total().seconds();
    assertEquals(priced, p.solution().usage().get(0).used(), 1e-12);
    for (IlpSolution.Usage u : p.solution().usage())
      assertTrue(u.used() <= u.limit() * (1 + 1e-12), u.toString());
  }

  @Test
  void aProblemFileReplaysExactly() {
    Plan p = planner()
        .fix("conv1", Bits.W8A8)
        .tie("conv2", "fc1")
        .budget(Budget.sizeBetween(0.4))
        .budget(Budget.latencyBetween(0.6).on(Catalogue.builtIn().target("bismo-edge")))
        .solve();
    String json = IlpJson.write(p.problem());
    IlpProblem back = IlpJson.read(json, "plan.json");
    IlpSolution again = IlpSolver.solve(back);
    assertEquals(p.solution().bits(), again.bits());
    assertEquals(p.omega(), again.objective(), 0);
    assertEquals(json, IlpJson.write(back));
  }

  @Test
  void brokenFilesAreNamed() {
    IlpInputException e = assertThrows(
        IlpInputException.class,
        () -> IlpJson.read(
            "{\"format\": \"bitlab-ilp/1\", \"layers\": [{\"name\": \"a\", "
                + "\"candidates\": [\"W4A4\", \"8bit\"], \"omega\": [1, 2]}]}",
            "x.json"));
    assertTrue(
        e.getMessage().contains("x.json layer 'a'") && e.getMessage().contains("'8bit'"),
        e.getMessage());
    e = assertThrows(IlpInputException.class, () -> IlpJson.read("{\"layers\": []}", "y.json"));
    assertTrue(e.getMessage().contains("y.json has format (none)"), e.getMessage());
    e = assertThrows(
        IlpInputException.class,
        () -> IlpJson.read(
            "{\"format\": \"bitlab-ilp/1\", \"layers\": [{\"name\": \"a\", "
                + "\"candidates\": [\"W4A4\", \"W8A8\"], \"omega\": [1, 2], \"costs\": {\"size\": [1]}}]}",
            "z.json"));
    assertTrue(e.getMessage().contains("'size' costs"), e.getMessage());
  }

  @Test
  void quantizationErrorOfAKnownTensor() {
    // One channel [1, -0.4, 0.26] at 2 bits: levels +-1, scale 1, codes [1, 0, 0] -> error 0.16 +
    // 0.0676.
    var w = Nd4j.createFromArray(new float[][] {{1f, -0.4f, 0.26f}});
    assertEquals(0.16 + 0.0676, Perturbation.squaredError(w, 2), 1e-6);
    double previous = Double.POSITIVE_INFINITY;
    var conv = LENET.param("conv2.weight");
    for (int b = 2; b <= 8; b++) {
      double e = Perturbation.squaredError(conv, b);
      assertTrue(e < previous, "more bits, less error");
      previous = e;
    }
  }

  @Test
  void tracesOfAnotherModelAreRefused() {
    Model other = Zoo.architecture("resnet-mini", 28, 1.0, 0);
    HawqException e =
        assertThrows(HawqException.class, () -> Hawq.of(other, traces(LENET, 1, 1, 1, 1, 1)));
    assertTrue(e.getMessage().contains("trace this model first"), e.getMessage());
  }
}
