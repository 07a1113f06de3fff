package bitlab.dsl.haq;

import bitlab.dsl.display.ChartImages;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.RendererProvider;
import bitlab.dsl.display.Renderers;
import bitlab.dsl.display.TableHtml;
import bitlab.hardware.Bits;
import bitlab.search.haq.Candidate;
import bitlab.search.haq.HaqResult;
import bitlab.search.haq.Resource;
import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** How a HAQ result looks in a notebook: summary against the baselines, bit table, bit chart, history. */
public final class HaqRenderers implements RendererProvider {

  @Override
  public void registerInto(Renderers r) {
    r.register(HaqResult.class, HaqRenderers::render);
  }

  /**
   * HAQ and the baselines: accuracy on the validation images that ranked the policies, accuracy on the test images
   * (measured only for these final policies), cost and its fraction of 8-bit, and each accuracy's 95% Wilson interval
   * on the images it was measured on (last, so that prose quoting the other columns keeps its positions; shown when
   * the search says how many images it scored on).
   */
  public static Table comparison(HaqResult r) {
    Resource res = r.resource();
    StringColumn method = StringColumn.create("method");
    DoubleColumn acc = DoubleColumn.create("validation %");
    DoubleColumn test = DoubleColumn.create("test %");
    DoubleColumn drop = DoubleColumn.create("vs unquantized");
    DoubleColumn cost = DoubleColumn.create(res.label() + " " + res.unit());
    DoubleColumn frac = DoubleColumn.create("of 8-bit");
    StringColumn valInterval = StringColumn.create("validation 95% interval");
    StringColumn testInterval = StringColumn.create("test 95% interval");
    List<Candidate> all = new ArrayList<>();
    all.add(r.best());
    all.addAll(r.baselines());
    for (Candidate c : all) {
      method.append(c.method());
      acc.append(round(c.accuracy(), 2));
      if (Double.isNaN(c.test())) test.appendMissing();
      else test.append(round(c.test(), 2));
      drop.append(round(c.accuracy() - r.reference(), 2));
      cost.append(round(res.display(c.cost()), 4));
      frac.append(round(c.cost() / r.eightBitCost(), 3));
      valInterval.append(
          r.validationImages() > 0
              ? bitlab.model.Evaluation.interval95Text(c.accuracy() / 100, r.validationImages())
              : "");
      testInterval.append(
          r.testImages() > 0 && !Double.isNaN(c.test())
              ? bitlab.model.Evaluation.interval95Text(c.test() / 100, r.testImages())
              : "");
    }
    Table t = Table.create(
        "HAQ vs baselines at " + r.budget() + " on " + r.target(),
        method,
        acc,
        drop,
        test,
        cost,
        frac);
    if (r.validationImages() > 0) t.addColumns(valInterval);
    if (r.testImages() > 0) t.addColumns(testInterval);
    return test.isMissing().size() == test.size() ? t.removeColumns(test) : t;
  }

  /** The best policy, layer by layer. */
  public static Table bitTable(HaqResult r) {
    IntColumn index = IntColumn.create("#");
    StringColumn layer = StringColumn.create("layer");
    StringColumn kind = StringColumn.create("kind");
    IntColumn w = IntColumn.create("weight bits");
    IntColumn a = IntColumn.create("activation bits");
    for (int i = 0; i < r.layers().size(); i++) {
      Bits b = r.best().policy().bits().get(i);
      index.append(i);
      layer.append(r.layers().get(i).name());
      kind.append(HaqCharts.kind(r.layers().get(i)));
      w.append(b.weights());
      a.append(b.activations());
    }
    return Table.create("best policy (" + r.policy().summary() + ")", index, layer, kind, w, a);
  }

  static MimeBundle render(HaqResult r) {
    StringBuilder h = new StringBuilder();
    Resource res = r.resource();
    h.append(String.format(
        "<p><b>HAQ</b> on <b>%s</b>, target <b>%s</b>, budget %s = %s (8-bit: %s)%s</p>",
        TableHtml.escape(r.model()),
        TableHtml.escape(r.target()),
        TableHtml.escape(r.budget().toString()),
        TableHtml.escape(res.format(r.limit())),
        TableHtml.escape(res.format(r.eightBitCost())),
        r.stopped() ? " <b>- stopped early; best so far shown</b>" : ""));
    h.append(String.format(
        "<p>best: <b>%.2f%%</b> on the validation images (unquantized %.2f%%)%s, %s %s; %d episodes, seed %d, "
            + "%s; %s</p>",
        r.accuracy(),
        r.reference(),
        Double.isNaN(r.testAccuracy())
            ? ""
            : String.format(", %.2f%% on the test images", r.testAccuracy()),
        res.label(),
        TableHtml.escape(res.format(r.cost())),
        r.episodes().size(),
        r.config().seed(),
        TableHtml.escape(r.warmupText()),
        TableHtml.escape(r.timing().toString())));
    h.append("<p style=\"font-size:smaller\">scoring: ")
        .append(TableHtml.escape(r.scoring()))
        .append("</p>");
    h.append(TableHtml.html(comparison(r)));
    h.append(img(ChartImages.pngBase64(HaqCharts.bits(r))));
    h.append(img(ChartImages.pngBase64(HaqCharts.history(r))));
    h.append(img(ChartImages.pngBase64(HaqCharts.rewards(r))));
    h.append(TableHtml.html(bitTable(r), 200));
    return MimeBundle.html(r.toString(), h.toString());
  }

  private static String img(String png) {
    return "<img src=\"data:image/png;base64," + png + "\"/>";
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
