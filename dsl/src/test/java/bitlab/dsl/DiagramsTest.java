package bitlab.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.dsl.display.Diagram;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderers;
import bitlab.dsl.hawq.HawqBuilder;
import bitlab.dsl.quant.QuantizeBuilder;
import bitlab.integer.IntegerModel;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.Policy;
import bitlab.search.hawq.IlpProblem;
import bitlab.search.hawq.Plan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The diagrams carry the numbers of the values they draw. */
class DiagramsTest {
  static Model net;
  static Dataset data;

  @BeforeAll
  static void setUp() {
    net = Zoo.architecture("lenet5", 28, 1.0, 0);
    data = Datasets.mnist();
  }

  private static int count(String s, String part) {
    return s.split(java.util.regex.Pattern.quote(part), -1).length - 1;
  }

  @Test
  void theIntegerPipelineHasOneBoxPerStepWithItsMultipliers() {
    var q = QuantizeBuilder.of(net, Policy.uniform(bitlab.quant.BatchNormFolding.fold(net), 8, 8))
        .calibrate(data, "minmax", 64)
        .build();
    IntegerModel iq = IntegerModel.of(q);
    Diagram d = Diagrams.integer(iq);
    assertEquals(
        iq.steps().size() + 1, count(d.svg(), "<rect"), "one box per step, and the background");
    assertEquals(
        iq.steps().size() - 1, count(d.svg(), "<polygon"), "one arrow between consecutive steps");
    for (IntegerModel.LayerSummary l : iq.layers()) {
      assertTrue(d.text().contains(l.node() + ": " + l.op()), l.node() + " in\n" + d.text());
      if (!l.multipliers().isBlank())
        assertTrue(
            d.text().contains("× " + l.multipliers().split(", ")[0].trim()), l.multipliers());
    }
    assertTrue(Renderers.standard().render(d).data().containsKey(MimeBundle.SVG));
  }

  @Test
  void theHawqPipelineShowsTracesOmegasTheProgramAndTheBits() {
    Plan plan = HawqBuilder.of(net, data)
        .images(32)
        .probes(2)
        .seed(1)
        .bits(4, 8)
        .size(0.5)
        .solve()
        .plan();
    Diagram d = Diagrams.hawq(plan);
    assertEquals(4 + 1, count(d.svg(), "<rect"), "four stages, and the background");
    IlpProblem p = plan.problem();
    assertTrue(
        d.text().contains("minimise Σ Ω over " + 2 * p.layers().size() + " yes/no choices"),
        d.text());
    for (IlpProblem.Layer l : p.layers()) {
      String chosen = String.format(
          java.util.Locale.ROOT,
          "%s  %s  Ω %.3e",
          l.name(),
          plan.bits(l.name()),
          l.omega()[l.index(plan.bits(l.name()))]);
      assertTrue(d.text().contains(chosen), chosen + " in\n" + d.text());
    }
    assertTrue(
        d.text().contains(String.format(java.util.Locale.ROOT, "total Ω %.4e", plan.omega())));
  }
}
