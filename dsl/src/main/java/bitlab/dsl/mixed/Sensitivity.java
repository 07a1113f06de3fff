package bitlab.dsl.mixed;

import bitlab.data.Dataset;
import bitlab.dsl.display.ChartImages;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import bitlab.dsl.hardware.Policies;
import bitlab.dsl.quant.QuantizeBuilder;
import bitlab.hardware.Bits;
import bitlab.hardware.LayerWorkload;
import bitlab.model.Model;
import bitlab.quant.BatchNormFolding;
import bitlab.quant.LayerBits;
import bitlab.quant.Policy;
import bitlab.quant.QuantException;
import bitlab.task.Work;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * One layer at a time: each quantizable layer alone is quantized at {@code bits} by static PTQ
 * (min-max, per-channel weights) while every other layer stays in float, and the model is evaluated
 * on the test split. The accuracy each layer loses on its own is its empirical sensitivity; the
 * table puts it beside what the layer costs (weights and MACs, and their shares of the model).
 *
 * @param model          the model's name
 * @param bits           the pair each layer was quantized at in turn
 * @param fp32Accuracy   top-1 of the float model on the test split
 * @param rows           one per quantizable layer, in layer order
 * @param calibration    calibration images (first images of the training split)
 * @param images         test images each accuracy was measured on
 */
public record Sensitivity(
    String model, Bits bits, double fp32Accuracy, List<Row> rows, int calibration, int images)
    implements Renderable {

  /** Training images the activation ranges are calibrated on when a layer's activations are quantized. */
  public static final int CALIBRATION = 512;

  /** One layer's cost and the accuracy of the model with only that layer quantized. */
  public record Row(String layer, String type, long weights, long macs, double accuracy) {}

  public Sensitivity {
    rows = List.copyOf(rows);
    if (rows.isEmpty()) throw new QuantException("A sensitivity study needs at least one layer.");
  }

  /** Quantizes each layer of {@code net} alone at {@code bits} and evaluates it on {@code data}'s test split. */
  public static Sensitivity measure(Model net, Dataset data, Bits bits) {
    if (net == null || data == null) {
      throw new QuantException(
          "sensitivity(net, data, bits) needs a model and a data set, e.g. sensitivity(zoo(\"lenet5\"), mnist(), bits(2, 32)).");
    }
    if (bits == null || bits.weights() > 8 && bits.activations() > 8) {
      throw new QuantException(
          "sensitivity(...) needs bits that quantize something, e.g. bits(2, 32) for 2-bit weights "
              + "with float activations or bits(8, 2) for 2-bit activations; got " + bits + ".");
    }
    Model folded = BatchNormFolding.fold(net);
    Policy floating = Policy.uniform(folded, LayerBits.FLOAT, LayerBits.FLOAT);
    bitlab.model.Evaluation fpEval = net.evaluate(data);
    double fp = fpEval.accuracy();
    List<Row> rows = new ArrayList<>();
    List<LayerWorkload> layers = net.workloads();
    for (int i = 0; i < layers.size(); i++) {
      LayerWorkload w = layers.get(i);
      Work.progress(String.format(
          "sensitivity of %s at %s: layer %d/%d (%s)",
          net.name(), bits, i + 1, layers.size(), w.name()));
      Policy one = floating.with(w.name(), bits.weights(), bits.activations());
      double acc = QuantizeBuilder.of(net, one)
          .calibrate(data, "minmax", CALIBRATION)
          .build()
          .evaluate(data)
          .accuracy();
      rows.add(new Row(w.name(), Policies.type(w), w.weights(), w.macs(), acc));
    }
    return new Sensitivity(net.name(), bits, fp, rows, CALIBRATION, fpEval.total());
  }

  /** Accuracy points the model loses with only {@code layer} quantized. */
  public double drop(String layer) {
    return 100 * (fp32Accuracy - row(layer).accuracy());
  }

  /** The row of one layer; the message lists the layers when it is not there. */
  public Row row(String layer) {
    for (Row r : rows) if (r.layer().equals(layer)) return r;
    throw new QuantException("Layer '" + layer + "' is not in this sensitivity study of " + model
        + "; its layers are " + String.join(", ", rows.stream().map(Row::layer).toList()) + ".");
  }

  /** Layer names from the most sensitive (largest drop) to the least. */
  public List<String> ranking() {
    return rows.stream()
        .sorted(Comparator.comparingDouble(Row::accuracy))
        .map(Row::layer)
        .toList();
  }

  /** One row per layer: type, weights, MACs, their shares of the model, accuracy with only that layer quantized, drop. */
  public Table table() {
    long wSum = rows.stream().mapToLong(Row::weights).sum();
    long mSum = rows.stream().mapToLong(Row::macs).sum();
    StringColumn layer = StringColumn.create("layer");
    StringColumn type = StringColumn.create("type");
    LongColumn weights = LongColumn.create("weights");
    DoubleColumn wShare = DoubleColumn.create("weights %");
    LongColumn macs = LongColumn.create("MACs");
    DoubleColumn mShare = DoubleColumn.create("MACs %");
    DoubleColumn acc = DoubleColumn.create("accuracy %");
    DoubleColumn drop = DoubleColumn.create("drop (points)");
    StringColumn interval = StringColumn.create("95% interval");
    for (Row r : rows) {
      layer.append(r.layer());
      type.append(r.type());
      weights.append(r.weights());
      wShare.append(round(100.0 * r.weights() / wSum, 1));
      macs.append(r.macs());
      mShare.append(round(100.0 * r.macs() / mSum, 1));
      acc.append(round(100 * r.accuracy(), 2));
      drop.append(round(100 * (fp32Accuracy - r.accuracy()), 2));
      interval.append(bitlab.model.Evaluation.interval95Text(r.accuracy(), images));
    }
    return Table.create(
        model + ": one layer at " + bits + ", the rest in float",
        layer,
        type,
        weights,
        wShare,
        macs,
        mShare,
        acc,
        drop,
        interval);
  }

  /** Accuracy drop per layer as bars. */
  public CategoryChart chart() {
    CategoryChart c = new CategoryChartBuilder()
        .width(960)
        .height(360)
        .title(model + ": accuracy lost with one layer at " + bits + " (the rest in float)")
        .xAxisTitle("layer quantized")
        .yAxisTitle("drop, points")
        .build();
    c.getStyler().setLegendVisible(false);
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setXAxisLabelRotation(rows.size() > 8 ? 90 : 0);
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    c.addSeries(
        "drop",
        rows.stream().map(Row::layer).toList(),
        rows.stream().map(r -> Math.max(0, 100 * (fp32Accuracy - r.accuracy()))).toList());
    return c;
  }

  public String summary() {
    String worst = ranking().get(0);
    return String.format(
        "%s at %s one layer at a time (FP32 %.2f%%): most sensitive %s (drop %.2f points), least %s (drop %.2f points)",
        model,
        bits,
        100 * fp32Accuracy,
        worst,
        drop(worst),
        ranking().get(rows.size() - 1),
        drop(ranking().get(rows.size() - 1)));
  }

  @Override
  public MimeBundle render() {
    String png = ChartImages.pngBase64(chart());
    String html = "<div class=\"bitlab-sensitivity\"><p>" + TableHtml.escape(summary()) + "</p>"
        + TableHtml.html(table(), 200)
        + "<img alt=\"accuracy drop per layer\" src=\"data:image/png;base64," + png + "\"/></div>";
    return MimeBundle.html(summary() + "\n" + table().printAll(), html).with(MimeBundle.PNG, png);
  }

  @Override
  public String toString() {
    return summary();
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
