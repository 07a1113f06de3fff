package bitlab.dsl.hawq;

import bitlab.dsl.display.ChartImages;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import bitlab.model.Model;
import bitlab.search.hawq.HawqException;
import bitlab.search.hawq.LayerTrace;
import bitlab.search.hawq.Perturbation;
import bitlab.search.hawq.Traces;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * HAWQ-V3's perturbation {@code Omega_i(b) = avgTr(H_i) * ||Q_b(W_i) - W_i||^2} of every layer at
 * several weight widths: the numbers the integer program chooses from.
 */
public final class Perturbations implements Renderable {
  private final String model;
  private final int[] widths;
  private final List<String> layers = new ArrayList<>();
  private final List<Long> weights = new ArrayList<>();
  private final List<Double> averages = new ArrayList<>();
  private final List<double[]> errors = new ArrayList<>();

  Perturbations(Model net, Traces traces, int... widths) {
    if (widths.length == 0)
      throw new HawqException("Give at least one weight width, e.g. perturbations(2, 4, 8).");
    for (int b : widths) {
      if (b < 1 || b > 16) throw new HawqException("Weight width " + b + " is outside 1..16.");
    }
    this.model = net.name();
    this.widths = widths.clone();
    for (LayerTrace t : traces.layers()) {
      layers.add(t.layer());
      weights.add(t.parameters());
      averages.add(t.average());
      var w = net.param(net.node(t.layer()).param("weight"));
      errors.add(Arrays.stream(widths)
          .mapToDouble(b -> Perturbation.squaredError(w, b))
          .toArray());
    }
  }

  public List<String> layers() {
    return List.copyOf(layers);
  }

  public int[] widths() {
    return widths.clone();
  }

  /** {@code ||Q_b(W) - W||^2} of a layer at a width (one of {@link #widths()}). */
  public double squaredError(String layer, int bits) {
    return errors.get(at(layer))[width(bits)];
  }

  /** {@code Omega} of a layer at a width; a negative trace estimate counts as zero, as the ILP counts it. */
  public double omega(String layer, int bits) {
    return Math.max(averages.get(at(layer)), 0) * squaredError(layer, bits);
  }

  public Table table() {
    StringColumn layer = StringColumn.create("layer");
    LongColumn n = LongColumn.create("weights");
    StringColumn avg = StringColumn.create("avg trace");
    List<StringColumn> om = new ArrayList<>();
    for (int b : widths) om.add(StringColumn.create("Omega @" + b + " bits"));
    for (int i = 0; i < layers.size(); i++) {
      layer.append(layers.get(i));
      n.append(weights.get(i));
      avg.append(String.format(Locale.ROOT, "%.3e", averages.get(i)));
      for (int k = 0; k < widths.length; k++)
        om.get(k).append(String.format(Locale.ROOT, "%.3e", omega(layers.get(i), widths[k])));
    }
    Table t = Table.create("Omega per layer and weight width", layer, n, avg);
    for (StringColumn c : om) t.addColumns(c);
    return t;
  }

  /** Omega against the weight width, one line per layer, log scale. */
  public XYChart chart() {
    XYChart chart = new XYChartBuilder()
        .width(960)
        .height(400)
        .title(model + ": perturbation Omega per layer and weight width")
        .xAxisTitle("weight bits")
        .yAxisTitle("Omega = avg trace x ||Q(W) - W||^2")
        .build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    List<Double> x = Arrays.stream(widths).mapToObj(b -> (double) b).toList();
    int shown = 0;
    for (int i = 0; i < layers.size() && shown < 12; i++) {
      if (averages.get(i) <= 0)
        continue; // Omega is zero at every width: nothing to draw on a log scale
      List<Double> y = new ArrayList<>();
      for (int b : widths) y.add(omega(layers.get(i), b));
      XYSeries s = chart.addSeries(layers.get(i), x, y);
      s.setMarker(SeriesMarkers.CIRCLE);
      shown++;
    }
    return chart;
  }

  @Override
  public MimeBundle render() {
    return MimeBundle.html(
        toString(),
        TableHtml.html(table(), 200) + "<img src=\"data:image/png;base64,"
            + ChartImages.pngBase64(chart()) + "\"/>");
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(
        "Omega of " + model + " at weight widths " + Arrays.toString(widths) + "\n");
    for (String l : layers) {
      b.append(String.format(Locale.ROOT, "  %-16s", l));
      for (int w : widths) b.append(String.format(Locale.ROOT, " %.3e", omega(l, w)));
      b.append('\n');
    }
    return b.toString();
  }

  private int at(String layer) {
    int i = layers.indexOf(layer);
    if (i < 0)
      throw new HawqException("Layer '" + layer + "' is not in " + model
          + "'s perturbations; its layers are " + String.join(", ", layers) + ".");
    return i;
  }

  private int width(int bits) {
    for (int k = 0; k < widths.length; k++) if (widths[k] == bits) return k;
    throw new HawqException(
        "Width " + bits + " was not computed; the widths are " + Arrays.toString(widths) + ".");
  }
}
