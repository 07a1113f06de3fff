package bitlab.dsl.tensor;

import java.awt.Color;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The histogram charts of {@link Tensor}. */
final class Charts {
  static final int BINS = 120;
  private static final Color[] FILL = {new Color(31, 119, 180, 150), new Color(255, 127, 14, 170)};

  private Charts() {}

  /** Step-area histograms of one or two tensors on common bins, with an optional quantizer's range marked. */
  static XYChart histogram(String title, Tensor[] tensors, TensorQuantizer q) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Tensor t : tensors) {
      lo = Math.min(lo, t.min());
      hi = Math.max(hi, t.max());
    }
    if (q != null) {
      lo = Math.min(lo, q.lo());
      hi = Math.max(hi, q.hi());
    }
    if (hi == lo) {
      lo -= 0.5;
      hi += 0.5;
    }
    double width = (hi - lo) / BINS;
    XYChart c = new XYChartBuilder()
        .width(720)
        .height(320)
        .title(title)
        .xAxisTitle("value")
        .yAxisTitle("count")
        .build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    c.getStyler().setXAxisDecimalPattern(pattern(hi - lo));
    double top = 1;
    for (int k = 0; k < tensors.length; k++) {
      double[] counts = new double[BINS];
      for (float v : tensors[k].raw())
        counts[Math.max(0, Math.min(BINS - 1, (int) ((v - lo) / width)))]++;
      double[] x = new double[2 * BINS];
      double[] y = new double[2 * BINS];
      for (int i = 0; i < BINS; i++) {
        x[2 * i] = lo + i * width;
        x[2 * i + 1] = lo + (i + 1) * width;
        y[2 * i] = counts[i];
        y[2 * i + 1] = counts[i];
        top = Math.max(top, counts[i]);
      }
      XYSeries s = c.addSeries(tensors[k].name(), x, y);
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
      s.setFillColor(FILL[k % FILL.length]);
      s.setLineColor(FILL[k % FILL.length].darker());
      s.setMarker(SeriesMarkers.NONE);
    }
    if (q != null) {
      XYSeries s = c.addSeries(
          "range of the codes [" + String.format("%.4g, %.4g", q.lo(), q.hi()) + "]",
          new double[] {q.lo(), q.lo(), Double.NaN, q.hi(), q.hi()},
          new double[] {0, top, Double.NaN, 0, top});
      s.setLineColor(Color.RED);
      s.setMarker(SeriesMarkers.NONE);
    }
    return c;
  }

  /** A tick-label pattern for an axis spanning {@code span}: a few significant digits, never 15. */
  static String pattern(double span) {
    if (span >= 100) return "#,##0";
    if (span >= 1) return "0.0#";
    if (span >= 0.01) return "0.0##";
    return "0.0##E0";
  }
}
