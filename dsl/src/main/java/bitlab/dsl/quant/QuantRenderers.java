package bitlab.dsl.quant;

import bitlab.dsl.display.ChartImages;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.RendererProvider;
import bitlab.dsl.display.Renderers;
import bitlab.dsl.display.TableHtml;
import bitlab.quant.Policy;
import bitlab.quant.QatResult;
import bitlab.quant.QuantizedModel;
import bitlab.train.EpochRecord;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/** Renderers of policies, quantized models and QAT runs (a {@code RendererProvider} service entry). */
public final class QuantRenderers implements RendererProvider {

  @Override
  public void registerInto(Renderers r) {
    r.register(Policy.class, QuantRenderers::policy);
    r.register(QuantizedModel.class, QuantRenderers::quantized);
    r.register(QatResult.class, QuantRenderers::qat);
    r.register(QatRun.class, run -> qat(run.result()));
  }

  /** The bit table beside a per-layer bar chart. */
  static MimeBundle policy(Policy p) {
    Table t = QuantTables.policy(p);
    String img =
        "<img src=\"data:image/png;base64," + ChartImages.pngBase64(QuantCharts.policy(p)) + "\"/>";
    return MimeBundle.html(
        p.toString(),
        "<div style=\"display:flex;gap:1em;align-items:flex-start\"><div>" + TableHtml.html(t)
            + "</div><div>" + img + "</div></div>");
  }

  static MimeBundle quantized(QuantizedModel q) {
    String head = String.format(
        "<p><b>%s</b> quantized %s by %s: %,d bytes, %,d BOPs per image, rounding %s</p>",
        TableHtml.escape(q.source().name()),
        TableHtml.escape(q.policy().summary()),
        TableHtml.escape(q.method()),
        q.sizeBytes(),
        q.bops(),
        q.rounding().name().toLowerCase());
    return MimeBundle.html(
        q.toString(),
        head + TableHtml.html(QuantTables.layers(q)) + TableHtml.html(QuantTables.activations(q)));
  }

  static MimeBundle qat(QatResult r) {
    IntColumn epoch = IntColumn.create("epoch");
    DoubleColumn loss = DoubleColumn.create("train loss");
    String part = r.history().isEmpty() ? "validation" : r.history().get(0).part();
    DoubleColumn acc = DoubleColumn.create("quantized " + part + " accuracy %");
    DoubleColumn secs = DoubleColumn.create("seconds");
    for (EpochRecord e : r.history()) {
      epoch.append(e.epoch());
      loss.append(Math.round(e.trainLoss() * 1e4) / 1e4);
      acc.append(QuantTables.round(100 * e.accuracy()));
      secs.append(Math.round(e.seconds() * 10) / 10.0);
    }
    Table t = Table.create(
        "QAT of " + r.model().source().name() + " " + r.model().policy().summary(),
        epoch,
        loss,
        acc,
        secs);
    double[] steps = r.stepLosses();
    String chart = steps.length == 0
        ? ""
        : "<img src=\"data:image/png;base64," + ChartImages.pngBase64(QuantCharts.stepLosses(r))
            + "\"/>";
    String first = steps.length == 0
        ? ""
        : String.format(
            java.util.Locale.ROOT,
            "%ntraining loss per step: %d steps, first %.4f, last %.4f, lowest %.4f",
            steps.length,
            steps[0],
            steps[steps.length - 1],
            java.util.Arrays.stream(steps).min().getAsDouble());
    return MimeBundle.html(
        r.model().method() + "\n" + t.print() + first,
        "<p>" + TableHtml.escape(r.model().method()) + "</p>" + TableHtml.html(t) + chart);
  }
}
