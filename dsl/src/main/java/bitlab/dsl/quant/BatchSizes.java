package bitlab.dsl.quant;

import bitlab.data.Dataset;
import bitlab.dsl.display.ChartImages;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import bitlab.model.Evaluation;
import bitlab.quant.QuantException;
import bitlab.quant.QuantizedModel;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * Test accuracy of quantized models at several batch sizes: flat for a static model, whose scales are fixed, and
 * moving for a dynamic one, whose activation ranges are those of each batch.
 *
 * @param accuracy {@code accuracy.get(m)[k]}: model m at batch size {@code sizes[k]}, in %
 */
public record BatchSizes(List<String> models, int[] sizes, List<double[]> accuracy, int images)
    implements Renderable {
  public static BatchSizes of(Dataset data, List<QuantizedModel> models, int... sizes) {
    if (models.isEmpty())
      throw new QuantException("batchSizes needs at least one quantized model.");
    if (sizes.length == 0)
      throw new QuantException("batchSizes needs at least one batch size, e.g. 1, 10, 100, 500.");
    List<String> names = new ArrayList<>();
    List<double[]> acc = new ArrayList<>();
    int images = 0;
    for (QuantizedModel q : models) {
      names.add(q.policy().summary() + (q.dynamic() ? " dynamic" : " static"));
      double[] a = new double[sizes.length];
      for (int k = 0; k < sizes.length; k++) {
        Evaluation e = BatchedEvaluation.evaluate(q, data, sizes[k]);
        a[k] = 100.0 * e.accuracy();
        images = e.total();
      }
      acc.add(a);
    }
    return new BatchSizes(List.copyOf(names), sizes.clone(), List.copyOf(acc), images);
  }

  public Table table() {
    IntColumn batch = IntColumn.create("batch size");
    for (int s : sizes) batch.append(s);
    Table t =
        Table.create("test accuracy % on " + images + " images against the batch size", batch);
    for (int m = 0; m < models.size(); m++) {
      DoubleColumn c = DoubleColumn.create(models.get(m));
      for (double a : accuracy.get(m)) c.append(Math.round(a * 100) / 100.0);
      t.addColumns(c);
    }
    return t;
  }

  /** Accuracy against batch size (log scale), one line per model. */
  public XYChart chart() {
    XYChart c = new XYChartBuilder()
        .width(720)
        .height(340)
        .title("test accuracy against the batch size (" + images + " images)")
        .xAxisTitle("images per batch (log)")
        .yAxisTitle("top-1 accuracy %")
        .build();
    c.getStyler().setXAxisLogarithmic(true);
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    c.getStyler().setYAxisDecimalPattern("0.0");
    double[] x = new double[sizes.length];
    for (int k = 0; k < sizes.length; k++) x[k] = sizes[k];
    for (int m = 0; m < models.size(); m++) {
      XYSeries s = c.addSeries(models.get(m), x, accuracy.get(m));
      s.setMarker(SeriesMarkers.CIRCLE);
    }
    return c;
  }

  @Override
  public String toString() {
    return table().print();
  }

  @Override
  public MimeBundle render() {
    return MimeBundle.html(
        toString(),
        TableHtml.html(table()) + "<img src=\"data:image/png;base64,"
            + ChartImages.pngBase64(chart()) + "\"/>");
  }
}
