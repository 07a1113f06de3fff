package bitlab.dsl.haq;

import bitlab.dsl.display.ChartImages;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import bitlab.dsl.hardware.CostReport;
import bitlab.dsl.hardware.SessionTargets;
import bitlab.hardware.Bits;
import bitlab.hardware.LayerCost;
import bitlab.hardware.LayerWorkload;
import bitlab.search.haq.HaqException;
import bitlab.search.haq.HaqResult;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Two HAQ results for the same model (typically on two targets) side by side: per layer the bits each
 * search chose, what bounds that layer on its own target under its own policy (compute or memory,
 * from the hardware model) and the layer's share of that target's latency; the mean bits per kind
 * of layer; a chart of both policies.
 */
public record HaqSideBySide(HaqResult a, HaqResult b, CostReport costA, CostReport costB)
    implements Renderable {

  public HaqSideBySide {
    if (!a.model().equals(b.model()) || a.layers().size() != b.layers().size()) {
      throw new HaqException("compare(a, b) needs two HAQ results for the same model; got "
          + a.model() + " (" + a.layers().size() + " layers) and " + b.model() + " ("
          + b.layers().size() + " layers).");
    }
  }

  /** Prices each result's best policy on the target it was searched on (found by name in the session's catalogue). */
  public static HaqSideBySide of(HaqResult a, HaqResult b) {
    for (HaqResult r : List.of(a, b)) {
      if (r.target().startsWith("(")) {
        throw new HaqException(
            "compare(a, b) prices each policy on the target it was searched on, but the search on "
                + r.model()
                + " had none (a size budget); search with .on(hardware(\"bismo-edge\")) and a latency or energy budget.");
      }
    }
    CostReport ca = CostReport.price(
            SessionTargets.named(a.target()),
            a.model(),
            a.layers(),
            a.best().policy().bits())
        .withLabel("HAQ");
    CostReport cb = CostReport.price(
            SessionTargets.named(b.target()),
            b.model(),
            b.layers(),
            b.best().policy().bits())
        .withLabel("HAQ");
    return new HaqSideBySide(a, b, ca, cb);
  }

  /** How many layers got different weight or activation bits. */
  public int differingLayers() {
    int n = 0;
    for (int i = 0; i < a.layers().size(); i++)
      if (!a.best().policy().bits().get(i).equals(b.best().policy().bits().get(i))) n++;
    return n;
  }

  /** Mean weight bits ({@code weights} true) or activation bits of one result over the layers of a kind ("depthwise", "pointwise", ...). */
  public static double meanBits(HaqResult r, String kind, boolean weights) {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < r.layers().size(); i++) {
      if (!HaqCharts.kind(r.layers().get(i)).equals(kind)) continue;
      Bits x = r.best().policy().bits().get(i);
      sum += weights ? x.weights() : x.activations();
      n++;
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** One row per layer: kind, then for each result its bits, the layer's bound and its share of latency on that target. */
  public Table table() {
    IntColumn index = IntColumn.create("#");
    StringColumn layer = StringColumn.create("layer");
    StringColumn kind = StringColumn.create("kind");
    StringColumn bitsA = StringColumn.create("bits " + a.target());
    StringColumn boundA = StringColumn.create("bound " + a.target());
    DoubleColumn shareA = DoubleColumn.create("share % " + a.target());
    StringColumn bitsB = StringColumn.create("bits " + b.target());
    StringColumn boundB = StringColumn.create("bound " + b.target());
    DoubleColumn shareB = DoubleColumn.create("share % " + b.target());
    double ta = costA.total().seconds();
    double tb = costB.total().seconds();
    for (int i = 0; i < a.layers().size(); i++) {
      LayerWorkload w = a.layers().get(i);
      LayerCost la = costA.cost().layers().get(i);
      LayerCost lb = costB.cost().layers().get(i);
      index.append(i);
      layer.append(w.name());
      kind.append(HaqCharts.kind(w));
      bitsA.append(la.bits().toString());
      boundA.append(bound(la));
      shareA.append(round(100 * la.cost().seconds() / ta, 1));
      bitsB.append(lb.bits().toString());
      boundB.append(bound(lb));
      shareB.append(round(100 * lb.cost().seconds() / tb, 1));
    }
    return Table.create(
        a.model() + ": HAQ on " + a.target() + " vs HAQ on " + b.target(),
        index,
        layer,
        kind,
        bitsA,
        boundA,
        shareA,
        bitsB,
        boundB,
        shareB);
  }

  /** Mean weight and activation bits per kind of layer, for both results. */
  public Table meanBits() {
    StringColumn kind = StringColumn.create("kind");
    IntColumn count = IntColumn.create("layers");
    DoubleColumn wa = DoubleColumn.create("weight bits " + a.target());
    DoubleColumn aa = DoubleColumn.create("activation bits " + a.target());
    DoubleColumn wb = DoubleColumn.create("weight bits " + b.target());
    DoubleColumn ab = DoubleColumn.create("activation bits " + b.target());
    for (String k : List.of("conv", "depthwise", "pointwise", "linear")) {
      long n = a.layers().stream().filter(l -> HaqCharts.kind(l).equals(k)).count();
      if (n == 0) continue;
      kind.append(k);
      count.append((int) n);
      wa.append(round(meanBits(a, k, true), 2));
      aa.append(round(meanBits(a, k, false), 2));
      wb.append(round(meanBits(b, k, true), 2));
      ab.append(round(meanBits(b, k, false), 2));
    }
    return Table.create("mean bits per kind of layer", kind, count, wa, aa, wb, ab);
  }

  /** Weight and activation bits per layer, both results side by side. */
  public CategoryChart chart() {
    CategoryChart c = new CategoryChartBuilder()
        .width(HaqCharts.WIDTH)
        .height(HaqCharts.HEIGHT)
        .title(a.model() + ": HAQ policies on " + a.target() + " and " + b.target())
        .xAxisTitle("layer")
        .yAxisTitle("bits")
        .build();
    c.getStyler()
        .setLegendPosition(Styler.LegendPosition.OutsideS)
        .setLegendLayout(Styler.LegendLayout.Horizontal);
    c.getStyler().setXAxisLabelRotation(60).setYAxisMin(0.0).setYAxisMax(8.0);
    c.getStyler().setOverlapped(false);
    List<String> names = new ArrayList<>();
    List<Double> wa = new ArrayList<>();
    List<Double> aa = new ArrayList<>();
    List<Double> wb = new ArrayList<>();
    List<Double> ab = new ArrayList<>();
    for (int i = 0; i < a.layers().size(); i++) {
      LayerWorkload l = a.layers().get(i);
      names.add(l.name() + (l.depthwise() ? " (dw)" : ""));
      wa.add((double) a.best().policy().bits().get(i).weights());
      aa.add((double) a.best().policy().bits().get(i).activations());
      wb.add((double) b.best().policy().bits().get(i).weights());
      ab.add((double) b.best().policy().bits().get(i).activations());
    }
    c.addSeries("weights, " + a.target(), names, wa).setFillColor(new Color(31, 119, 180));
    c.addSeries("activations, " + a.target(), names, aa).setFillColor(new Color(174, 199, 232));
    c.addSeries("weights, " + b.target(), names, wb).setFillColor(new Color(214, 39, 40));
    c.addSeries("activations, " + b.target(), names, ab).setFillColor(new Color(255, 152, 150));
    return c;
  }

  public String summary() {
    return String.format(
        "%s: HAQ on %s %.2f%% at %s (%.3f of 8-bit); HAQ on %s %.2f%% at %s (%.3f of 8-bit); %d of %d layers differ",
        a.model(),
        a.target(),
        a.accuracy(),
        a.resource().format(a.cost()),
        a.cost() / a.eightBitCost(),
        b.target(),
        b.accuracy(),
        b.resource().format(b.cost()),
        b.cost() / b.eightBitCost(),
        differingLayers(),
        a.layers().size());
  }

  @Override
  public MimeBundle render() {
    String html = "<div class=\"bitlab-haq-compare\"><p>" + TableHtml.escape(summary()) + "</p>"
        + TableHtml.html(meanBits())
        + "<img alt=\"bits per layer, both policies\" src=\"data:image/png;base64,"
        + ChartImages.pngBase64(chart()) + "\"/>" + TableHtml.html(table(), 200) + "</div>";
    return MimeBundle.html(
        summary() + "\n" + meanBits().printAll() + "\n" + table().printAll(), html);
  }

  @Override
  public String toString() {
    return summary();
  }

  private static String bound(LayerCost c) {
    return c.bound().name().toLowerCase(Locale.ROOT);
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
