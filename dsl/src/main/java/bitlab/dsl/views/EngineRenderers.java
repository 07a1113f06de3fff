package bitlab.dsl.views;

import bitlab.data.Dataset;
import bitlab.data.Preprocessing;
import bitlab.dsl.Tables;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.RendererProvider;
import bitlab.dsl.display.Renderers;
import bitlab.dsl.display.TableHtml;
import bitlab.model.Evaluation;
import bitlab.model.Model;
import bitlab.train.EpochRecord;
import bitlab.train.TrainResult;
import java.util.Map;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/** How the engine's values look in a notebook: registered through the renderer service. */
public final class EngineRenderers implements RendererProvider {

  @Override
  public void registerInto(Renderers r) {
    r.register(Model.class, EngineRenderers::model);
    r.register(
        Evaluation.class,
        e -> MimeBundle.html(
            e.toString(),
            "<p><b>" + TableHtml.escape(e.model()) + "</b> on "
                + TableHtml.escape(e.data()) + ": <b>" + String.format("%.2f%%", 100 * e.accuracy())
                + "</b> top-1 ("
                + String.format("%,d of %,d", e.correct(), e.total()) + "), loss "
                + String.format("%.4f", e.loss()) + "</p>"));
    r.register(
        Dataset.class,
        d -> MimeBundle.html(d.describe(), "<pre>" + TableHtml.escape(d.describe()) + "</pre>"));
    r.register(TrainResult.class, EngineRenderers::training);
  }

  static MimeBundle model(Model m) {
    StringBuilder head = new StringBuilder();
    head.append(String.format(
        "<p><b>%s</b>: input %s, output %s, %d layers with weights, %,d parameters, %,d MACs per image</p>",
        TableHtml.escape(m.name()),
        m.inputShape(),
        m.outputShape(),
        m.layers().size(),
        m.parameterCount(),
        m.macs()));
    head.append("<p style=\"font-size:smaller\">");
    for (Map.Entry<String, String> e : m.metadata().entrySet()) {
      if (e.getKey().equals(Preprocessing.KEY)) continue;
      head.append(TableHtml.escape(e.getKey()))
          .append(": ")
          .append(TableHtml.escape(e.getValue()))
          .append("<br/>");
    }
    head.append("preprocessing: ").append(TableHtml.escape(preprocessing(m))).append("</p>");
    Table layers = Tables.layers(m);
    return MimeBundle.html(m.toString(), head + TableHtml.html(layers, 60));
  }

  /** What the model does to pixels, as a line: declared constants, or how undeclared inputs are taken. */
  static String preprocessing(Model m) {
    try {
      return m.preprocessing()
          .map(p -> p + " (for pixels in [0, 1])")
          .orElse(
              "not declared: each data set's own normalisation is used; declare it with .normalize(mean, std)");
    } catch (RuntimeException e) {
      return e.getMessage();
    }
  }

  static MimeBundle training(TrainResult t) {
    IntColumn epoch = IntColumn.create("epoch");
    DoubleColumn loss = DoubleColumn.create("train loss");
    DoubleColumn acc = DoubleColumn.create(t.scoredOn() + " accuracy %");
    DoubleColumn secs = DoubleColumn.create("seconds");
    for (EpochRecord e : t.history()) {
      epoch.append(e.epoch());
      loss.append(Math.round(e.trainLoss() * 1e4) / 1e4);
      acc.append(Math.round(e.accuracy() * 1e4) / 1e2);
      secs.append(Math.round(e.seconds() * 10) / 10.0);
    }
    Table table = Table.create("training of " + t.model().name(), epoch, loss, acc, secs);
    String test = t.scoredOn().equals("test") || Double.isNaN(t.testAccuracy())
        ? ""
        : String.format(", %.2f%% on the test part", 100 * t.testAccuracy());
    String text = String.format(
        "trained %s: %.2f%% %s accuracy after %d epochs%s (%.1f s/epoch)%n%s",
        t.model().name(),
        100 * t.finalAccuracy(),
        t.scoredOn(),
        t.history().size(),
        test,
        t.secondsPerEpoch(),
        table.print());
    if (t.stopped() != null) {
      return MimeBundle.html(
          t.stopped() + "\n" + text,
          "<p><b>" + TableHtml.escape(t.stopped()) + "</b></p>" + TableHtml.html(table));
    }
    return MimeBundle.html(
        text,
        "<p>" + TableHtml.escape(text.substring(0, text.indexOf('\n'))) + "</p>"
            + TableHtml.html(table));
  }
}
