package bitlab.dsl.hardware;

import bitlab.dsl.display.ChartImages;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import org.knowm.xchart.CategoryChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * Two pricings of the same model side by side: two policies on one target, or one policy on two
 * targets. Renders as a one-line verdict and per-layer latency bars of both.
 */
public record Comparison(CostReport a, CostReport b) implements Renderable {

  public Comparison {
    HardwareCharts.checkSameLayers(a, b);
  }

  /** Latency of a over latency of b (per run): above 1 means b is faster. */
  public double latencyRatio() {
    return a.total().seconds() / b.total().seconds();
  }

  /** Per-layer latency bars of both, side by side. */
  public CategoryChart chart() {
    return HardwareCharts.sideBySide(a, b);
  }

  /** One row per layer: type, both bit pairs, both latencies and their ratio. */
  public Table table() {
    StringColumn layer = StringColumn.create("layer");
    StringColumn type = StringColumn.create("type");
    StringColumn bitsA = StringColumn.create("bits A");
    StringColumn bitsB = StringColumn.create("bits B");
    DoubleColumn msA = number("A ms", 4);
    DoubleColumn msB = number("B ms", 4);
    DoubleColumn ratio = number("A/B", 2);
    for (int i = 0; i < a.workloads().size(); i++) {
      var ca = a.cost().layers().get(i);
      var cb = b.cost().layers().get(i);
      layer.append(ca.layer());
      type.append(Policies.type(a.workloads().get(i)));
      bitsA.append(ca.bits().toString());
      bitsB.append(cb.bits().toString());
      msA.append(ca.cost().millis());
      msB.append(cb.cost().millis());
      ratio.append(ca.cost().seconds() / cb.cost().seconds());
    }
    return Table.create(
        "A: " + a.label() + " on " + a.target().name() + "; B: " + b.label() + " on "
            + b.target().name(),
        layer,
        type,
        bitsA,
        bitsB,
        msA,
        msB,
        ratio);
  }

  public String summary() {
    return String.format(
        "%s: A = %s on %s, %.3f ms per run, %.2f GBOPs; B = %s on %s, %.3f ms per run, %.2f GBOPs; "
            + "A/B latency %.2fx",
        a.model(),
        a.label(),
        a.target().name(),
        a.total().millis(),
        a.bops() / 1e9,
        b.label(),
        b.target().name(),
        b.total().millis(),
        b.bops() / 1e9,
        latencyRatio());
  }

  @Override
  public MimeBundle render() {
    String png = ChartImages.pngBase64(chart());
    String html = "<div class=\"bitlab-comparison\"><p>" + TableHtml.escape(summary()) + "</p>"
        + "<img alt=\"per-layer latency of both\" src=\"data:image/png;base64," + png
        + "\"/></div>";
    return MimeBundle.html(summary(), html).with(MimeBundle.PNG, png);
  }

  @Override
  public String toString() {
    return summary();
  }

  static DoubleColumn number(String name, int decimals) {
    DoubleColumn c = DoubleColumn.create(name);
    c.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(decimals));
    return c;
  }
}
