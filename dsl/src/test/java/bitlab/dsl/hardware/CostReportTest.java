package bitlab.dsl.hardware;

import static bitlab.dsl.Bitlab.bits;
import static bitlab.dsl.Bitlab.compare;
import static bitlab.dsl.Bitlab.cost;
import static bitlab.dsl.Bitlab.hardware;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderers;
import bitlab.hardware.Bits;
import bitlab.hardware.Bound;
import bitlab.hardware.LayerCost;
import bitlab.hardware.LayerWorkload;
import bitlab.hardware.ModelCost;
import bitlab.hardware.PolicyException;
import bitlab.hardware.Roof;
import bitlab.hardware.Target;
import bitlab.model.Model;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import tech.tablesaw.api.Table;

class CostReportTest {

  static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

  static void assertPng(String base64) {
    byte[] png = Base64.getDecoder().decode(base64);
    assertTrue(png.length > 1000, "PNG of " + png.length + " bytes");
    assertArrayEquals(PNG_MAGIC, java.util.Arrays.copyOf(png, 4));
  }

  @Test
  void totalsAreTheHardwareModulesSums() {
    Model net = Fixtures.mobilenetV1();
    Target edge = hardware("bismo-edge");
    CostReport r = cost(edge, net, bits(8, 8));
    ModelCost direct = edge.cost(net.workloads(), Bits.W8A8);
    assertEquals(direct.total(), r.total());
    assertEquals(direct.layers(), r.cost().layers());
    Table t = r.tableWithTotal();
    assertEquals(net.workloads().size() + 1, t.rowCount());
    int last = t.rowCount() - 1;
    assertEquals("total", t.stringColumn("layer").get(last));
    assertEquals(direct.total().millis(), t.doubleColumn("latency ms").get(last), 0);
    assertEquals(direct.total().millijoules(), t.doubleColumn("energy mJ").get(last), 0);
    double sum = 0;
    for (int i = 0; i < last; i++) sum += t.doubleColumn("latency ms").get(i);
    assertEquals(direct.total().millis(), sum, 1e-9);
    assertEquals(
        direct.count(Bound.COMPUTE) + " compute, " + direct.count(Bound.MEMORY) + " memory",
        t.stringColumn("bound").get(last));
    assertEquals(13, t.stringColumn("type").countOccurrences("depthwise"));
    assertEquals(13, t.stringColumn("type").countOccurrences("pointwise"));
  }

  @Test
  void theRenderingHasEveryLayerRowTheTotalAndAChart() {
    Model net = Fixtures.mobilenetV1();
    CostReport r = cost(hardware("bismo-edge"), net, "W4A8");
    MimeBundle b = Renderers.standard().render(r);
    String html = b.data().get(MimeBundle.HTML);
    assertEquals(
        net.workloads().size() + 2 + r.weightless().size() + 2,
        count(html, "<tr>"),
        "header, one row per layer, total; then the same for the operators without weights");
    assertEquals(1, r.weightless().size(), "MobileNet-V1's global pooling");
    for (LayerWorkload w : net.workloads())
      assertTrue(html.contains(">" + w.name() + "<"), w.name());
    assertTrue(html.contains(String.format("%.4f", r.total().millis())), "total latency shown");
    Matcher m = Pattern.compile("data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
    assertTrue(m.find(), "chart embedded");
    assertPng(m.group(1));
    assertTrue(b.data().get(MimeBundle.TEXT).contains("W4A8"));
  }

  @Test
  void aMixedPolicyIsPricedLayerByLayer() {
    Model net = Fixtures.mobilenetV1();
    Target cloud = hardware("bismo-cloud");
    List<Bits> policy = new ArrayList<>();
    for (LayerWorkload w : net.workloads())
      policy.add(w.depthwise() ? Bits.of(8, 4) : Bits.of(4, 8));
    CostReport r = cost(cloud, net, bitlab.dsl.Bitlab.policy(net, policy));
    assertEquals("mixed (W4..8, A4..8)", r.label());
    // a raw list of pairs is named as the Policy is
    assertEquals(r.label(), CostReport.price(cloud, net, policy).label());
    assertEquals(policy, r.policy());
    assertEquals(cloud.cost(net.workloads(), policy).total(), r.total());
    long bops = 0;
    for (int i = 0; i < policy.size(); i++) bops += 32L * net.workloads().get(i).macs();
    assertEquals(bops, r.bops());
    PolicyException e = assertThrows(
        PolicyException.class, () -> CostReport.price(cloud, net, policy.subList(0, 3)));
    assertTrue(
        e.getMessage().startsWith("The policy has 3 bit pairs but the model has 28"),
        e.getMessage());
  }

  @Test
  void compareShowsBothPoliciesLayerByLayer() {
    Model net = Fixtures.mobilenetV1();
    Target edge = hardware("bismo-edge");
    Comparison c = compare(edge, net, bits(8, 8), bits(4, 4));
    CategoryChart chart = c.chart();
    assertEquals(2, chart.getSeriesMap().size());
    List<CategorySeries> series = new ArrayList<>(chart.getSeriesMap().values());
    List<LayerCost> a = edge.cost(net.workloads(), Bits.W8A8).layers();
    List<? extends Number> ys = new ArrayList<>(series.get(0).getYData());
    assertEquals(a.size(), ys.size());
    for (int i = 0; i < a.size(); i++)
      assertEquals(a.get(i).cost().millis(), ys.get(i).doubleValue(), 0);
    assertTrue(c.latencyRatio() > 1, "W8A8 is slower than W4A4 on a bit-serial machine");
    MimeBundle b = c.render();
    assertPng(b.data().get(MimeBundle.PNG));
    assertEquals(net.workloads().size(), c.table().rowCount());
  }

  @Test
  void theBoundsTableIsTheHandCalculation() {
    // a 1x1 convolution, 64 -> 64 channels on a 14x14 map, at W8A8: 802,816 MACs and 4,096 + 2 x
    // 12,544 bytes
    var pw = bitlab.dsl.Bitlab.convLayer("pw", 64, 64, 1, 1, 14);
    Table t = cost(hardware("roofline-cpu"), List.of(pw), bits(8, 8)).bounds();
    assertEquals(
        List.of(
            "layer", "bits", "MACs", "DRAM bytes", "MAC/byte", "compute us", "memory us", "bound"),
        t.columnNames());
    assertEquals(802_816, t.doubleColumn("MACs").get(0), 0);
    double bytes = t.doubleColumn("DRAM bytes").get(0);
    assertEquals(802_816 / bytes, t.doubleColumn("MAC/byte").get(0), 1e-9);
    String bound = t.stringColumn("bound").get(0);
    double compute = t.doubleColumn("compute us").get(0),
        memory = t.doubleColumn("memory us").get(0);
    assertEquals(compute >= memory ? "compute" : "memory", bound);
  }

  @Test
  void everyLayerSitsUnderItsRoof() {
    Model net = Fixtures.mobilenetV1();
    for (String name : List.of("bismo-edge", "bitfusion", "roofline-gpu")) {
      Target t = hardware(name);
      XYChart chart = cost(t, net, bits(8, 8)).roofline();
      Roof roof = t.roof(Bits.W8A8).orElseThrow();
      assertTrue(chart.getSeriesMap().containsKey("roof W8A8"), name);
      XYSeries dw = chart.getSeriesMap().get("depthwise");
      XYSeries pw = chart.getSeriesMap().get("pointwise");
      assertEquals(13, dw.getXData().length, name);
      assertEquals(13, pw.getXData().length, name);
      for (XYSeries s : List.of(dw, pw, chart.getSeriesMap().get("other layers"))) {
        for (int i = 0; i < s.getXData().length; i++) {
          double x = s.getXData()[i];
          double y = s.getYData()[i];
          assertTrue(
              y <= roof.attainable(x) * (1 + 1e-9),
              name + " " + s.getName() + " point " + i + " above the roof");
        }
      }
      assertPng(bitlab.dsl.display.ChartImages.pngBase64(chart));
    }
  }

  @Test
  void bitsParseInThreeSpellings() {
    assertEquals(Bits.of(4, 8), Policies.parse("W4A8"));
    assertEquals(Bits.of(4, 8), Policies.parse("4/8"));
    assertEquals(Bits.of(6, 6), Policies.parse("6"));
    PolicyException e = assertThrows(PolicyException.class, () -> Policies.parse("four"));
    assertEquals(
        "Bits 'four' are not understood; write weights/activations as W4A8, 4/8, or one number such as 8 for both.",
        e.getMessage());
    assertThrows(PolicyException.class, () -> Policies.parse("9/8"));
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
    return n;
  }
}
