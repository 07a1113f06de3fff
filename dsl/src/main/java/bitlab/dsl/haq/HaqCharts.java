package bitlab.dsl.haq;

import bitlab.hardware.Bits;
import bitlab.hardware.LayerWorkload;
import bitlab.search.haq.Candidate;
import bitlab.search.haq.Episode;
import bitlab.search.haq.HaqResult;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The charts of a HAQ result: bits per layer, and the search history against the baselines. */
public final class HaqCharts {
  static final int WIDTH = 960;
  static final int HEIGHT = 400;

  private HaqCharts() {}

  /** How a layer is called in tables and charts: depthwise, pointwise (1x1), conv or linear. */
  public static String kind(LayerWorkload l) {
    if (l.kind() == LayerWorkload.Kind.LINEAR) return "linear";
    if (l.depthwise()) return "depthwise";
    return l.kernelH() == 1 && l.kernelW() == 1 ? "pointwise" : "conv";
  }

  /** Weight and activation bits per layer; depthwise layers in their own (orange) series. */
  public static CategoryChart bits(HaqResult r) {
    CategoryChart c = new CategoryChartBuilder()
        .width(WIDTH)
        .height(HEIGHT)
        .title(r.model() + " on " + r.target() + ": bits per layer (HAQ, " + r.budget() + ")")
        .xAxisTitle("layer")
        .yAxisTitle("bits")
        .build();
    c.getStyler()
        .setLegendPosition(Styler.LegendPosition.OutsideS)
        .setLegendLayout(Styler.LegendLayout.Horizontal);
    c.getStyler().setXAxisLabelRotation(60).setYAxisMin(0.0).setYAxisMax(8.0);
    List<String> names = new ArrayList<>();
    List<Double> w = new ArrayList<>();
    List<Double> a = new ArrayList<>();
    List<Double> wd = new ArrayList<>();
    List<Double> ad = new ArrayList<>();
    for (int i = 0; i < r.layers().size(); i++) {
      LayerWorkload l = r.layers().get(i);
      Bits b = r.best().policy().bits().get(i);
      boolean dw = l.depthwise();
      names.add(l.name() + (dw ? " (dw)" : ""));
      w.add(dw ? 0.0 : b.weights());
      a.add(dw ? 0.0 : b.activations());
      wd.add(dw ? b.weights() : 0.0);
      ad.add(dw ? b.activations() : 0.0);
    }
    c.getStyler().setOverlapped(false);
    c.addSeries("weights", names, w).setFillColor(new Color(31, 119, 180));
    c.addSeries("activations", names, a).setFillColor(new Color(174, 199, 232));
    if (wd.stream().anyMatch(x -> x > 0)) {
      c.addSeries("weights (depthwise)", names, wd).setFillColor(new Color(255, 127, 14));
      c.addSeries("activations (depthwise)", names, ad).setFillColor(new Color(255, 187, 120));
    }
    return c;
  }

  /** Accuracy of every episode, the best so far, the unquantized accuracy and the baselines. */
  public static XYChart history(HaqResult r) {
    XYChart c = new XYChartBuilder()
        .width(WIDTH)
        .height(HEIGHT)
        .title("HAQ search on " + r.model() + " (" + r.target() + ", " + r.budget() + ")")
        .xAxisTitle("episode")
        .yAxisTitle("accuracy on validation images, %")
        .build();
    c.getStyler()
        .setLegendPosition(Styler.LegendPosition.OutsideS)
        .setLegendLayout(Styler.LegendLayout.Horizontal);
    List<Double> x = new ArrayList<>();
    List<Double> acc = new ArrayList<>();
    List<Double> best = new ArrayList<>();
    for (Episode e : r.episodes()) {
      x.add((double) e.index());
      acc.add(e.accuracy());
      best.add(e.bestAccuracy());
    }
    XYSeries s = c.addSeries("episode accuracy", x, acc);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarker(SeriesMarkers.CIRCLE);
    c.addSeries("best so far", x, best).setMarker(SeriesMarkers.NONE);
    double last = x.isEmpty() ? 1 : x.get(x.size() - 1);
    flat(c, "unquantized", r.reference(), last);
    for (Candidate b : r.baselines()) flat(c, b.method(), b.accuracy(), last);
    return c;
  }

  /** The reward of every episode, {@code 0.1 * (acc_q - acc_fp)}. */
  public static XYChart rewards(HaqResult r) {
    XYChart c = new XYChartBuilder()
        .width(WIDTH)
        .height(HEIGHT / 2)
        .title("reward per episode")
        .xAxisTitle("episode")
        .yAxisTitle("reward")
        .build();
    c.getStyler().setLegendVisible(false);
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (Episode e : r.episodes()) {
      x.add((double) e.index());
      y.add(e.reward());
    }
    c.addSeries("reward", x, y).setMarker(SeriesMarkers.NONE);
    return c;
  }

  private static void flat(XYChart c, String name, double y, double last) {
    c.addSeries(name, new double[] {1, Math.max(1.0001, last)}, new double[] {y, y})
        .setMarker(SeriesMarkers.NONE);
  }
}
