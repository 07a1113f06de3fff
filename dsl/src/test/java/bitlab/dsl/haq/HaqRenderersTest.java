package bitlab.dsl.haq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Datasets;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderers;
import bitlab.hardware.Bits;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.search.Budget;
import bitlab.search.haq.AccuracyOracle;
import bitlab.search.haq.DdpgConfig;
import bitlab.search.haq.Haq;
import bitlab.search.haq.HaqConfig;
import bitlab.search.haq.HaqException;
import bitlab.search.haq.HaqResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class HaqRenderersTest {
  /** A synthetic score: every bit below 8 costs a tenth of a point. */
  static final AccuracyOracle ORACLE = new AccuracyOracle() {
    @Override
    public double reference() {
      return 99;
    }

    @Override
    public double accuracy(List<Bits> p) {
      return 99
          - 0.1 * p.stream().mapToInt(b -> 16 - b.weights() - b.activations()).sum();
    }
  };

  static HaqResult result() {
    Model net = Zoo.architecture("mobilenet-v2-mini", 28, 1.0, 0);
    HaqConfig cfg = HaqConfig.of(6, 2).withWarmup(3).withDdpg(DdpgConfig.DEFAULT.withHidden(16));
    return Haq.search(
        net, Catalogue.builtIn().target("bismo-edge"), Budget.latencyOf8Bit(0.6), cfg, ORACLE);
  }

  @Test
  void aResultRendersTablesAndChartsThroughTheServiceRegistry() {
    HaqResult r = result();
    MimeBundle b = Renderers.standard().render(r);
    String html = b.data().get(MimeBundle.HTML);
    assertTrue(
        html != null && html.contains("HAQ vs baselines"),
        String.valueOf(b.data().keySet()));
    assertEquals(3, html.split("data:image/png;base64,").length - 1);
    assertTrue(html.contains("depthwise") && html.contains("pointwise"));
    assertTrue(html.contains("uniform W") && html.contains("random search"));
    assertTrue(b.data().get(MimeBundle.TEXT).contains("HAQ on mobilenet-v2-mini"));
    assertEquals(r.layers().size(), HaqRenderers.bitTable(r).rowCount());
    assertEquals(3, HaqRenderers.comparison(r).rowCount());
    // scored without a data set: no test accuracy was measured, so no test column is shown
    assertTrue(Double.isNaN(r.testAccuracy())
        && !HaqRenderers.comparison(r).columnNames().contains("test %"));
    HaqResult tested = r.withTest(p -> 42.0, 500);
    assertEquals(
        List.of(42.0, 42.0, 42.0),
        HaqRenderers.comparison(tested).doubleColumn("test %").asList());
    // 210 of 500: Wilson's interval worked by hand, [37.75, 46.37]
    assertEquals(
        List.of("[37.75, 46.37]", "[37.75, 46.37]", "[37.75, 46.37]"),
        HaqRenderers.comparison(tested).stringColumn("test 95% interval").asList());
    assertEquals(
        4,
        HaqCharts.bits(r)
            .getSeriesMap()
            .size()); // weights and activations, pointwise and depthwise apart
  }

  @Test
  void theBuilderNamesWhatIsMissing() {
    Model net = Zoo.architecture("lenet5", 28, 1.0, 0);
    var data = Datasets.digits();
    HaqException none = assertThrows(HaqException.class, () -> new HaqBuilder(net, data).run());
    assertTrue(none.getMessage().contains(".latency(0.6)"), none.getMessage());
    HaqException noTarget = assertThrows(
        HaqException.class, () -> new HaqBuilder(net, data).latency(0.5).run());
    assertTrue(noTarget.getMessage().contains("needs hardware"), noTarget.getMessage());
    assertThrows(
        HaqException.class,
        () -> new HaqBuilder(net, data).size(0.5).episodes(0).run());
  }
}
