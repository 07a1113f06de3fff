package bitlab.dsl.hardware;

import bitlab.BitlabException;
import bitlab.hardware.Bits;
import bitlab.hardware.Bound;
import bitlab.hardware.LayerCost;
import bitlab.hardware.Roof;
import bitlab.hardware.TargetParameterException;
import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The charts of priced models: per-layer latency, two policies side by side, the roofline. */
public final class HardwareCharts {

  static final int WIDTH = 960;
  static final int HEIGHT = 420;

  private HardwareCharts() {}

  /** Per-layer latency in ms, stacked by bound so each bar has the colour of what limits it. */
  public static CategoryChart latency(CostReport r) {
    CategoryChart chart = new CategoryChartBuilder()
        .width(WIDTH)
        .height(HEIGHT)
        .title(r.model() + " on " + r.target().name() + ", " + r.label() + ": latency per layer")
        .xAxisTitle("layer")
        .yAxisTitle("ms per run")
        .build();
    style(chart);
    chart.getStyler().setStacked(true);
    List<String> names = layerNames(r);
    for (Bound b : Bound.values()) {
      if (r.cost().count(b) == 0) continue;
      List<Double> y = new ArrayList<>();
      for (LayerCost c : r.cost().layers()) y.add(c.bound() == b ? c.cost().millis() : 0.0);
      chart.addSeries(b.name().toLowerCase(Locale.ROOT) + "-bound", names, y);
    }
    return chart;
  }

  /** Per-layer latency of two reports as bars side by side (same model, any targets). */
  public static CategoryChart sideBySide(CostReport a, CostReport b) {
    checkSameLayers(a, b);
    String title = a.target().name().equals(b.target().name())
        ? a.model() + " on " + a.target().name() + ": latency per layer"
        : a.model() + ": latency per layer";
    CategoryChart chart = new CategoryChartBuilder()
        .width(WIDTH)
        .height(HEIGHT)
        .title(title)
        .xAxisTitle("layer")
        .yAxisTitle("ms per run")
        .build();
    style(chart);
    List<String> names = layerNames(a);
    String la = legend(a, b);
    String lb = legend(b, a);
    if (la.equals(lb)) {
      la = "A: " + la;
      lb = "B: " + lb;
    }
    chart.addSeries(
        la, names, a.cost().layers().stream().map(c -> c.cost().millis()).toList());
    chart.addSeries(
        lb, names, b.cost().layers().stream().map(c -> c.cost().millis()).toList());
    return chart;
  }

  /**
   * The roofline: attained MAC/s against intensity (MACs per DRAM byte), log-log, one roof per bit
   * pair of the policy and one point per layer, depthwise, pointwise and other layers marked apart.
   */
  public static XYChart roofline(CostReport r) {
    Map<Bits, Roof> roofs = new LinkedHashMap<>();
    for (Bits b : new LinkedHashSet<>(r.policy())) {
      Optional<Roof> roof = r.target().roof(b);
      if (roof.isEmpty()) {
        throw new TargetParameterException(
            "Target " + r.target().name() + " (kind " + r.target().kind()
                + ") has no roofline: a lookup table knows latencies, not rates and traffic; plot a bismo, bitfusion or "
                + "roofline target instead.");
      }
      roofs.put(b, roof.get());
    }
    XYChart chart = new XYChartBuilder()
        .width(WIDTH)
        .height(HEIGHT)
        .title(r.model() + " on " + r.target().name() + ", " + r.label() + ": roofline")
        .xAxisTitle("intensity, MACs per DRAM byte")
        .yAxisTitle("MAC/s")
        .build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setMarkerSize(8);

    Map<String, List<double[]>> groups = new LinkedHashMap<>();
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (int i = 0; i < r.workloads().size(); i++) {
      LayerCost c = r.cost().layers().get(i);
      double x = c.intensity();
      double y = c.attainedMacsPerSecond();
      if (!(x > 0) || !(y > 0) || Double.isInfinite(x) || Double.isInfinite(y)) continue;
      String type = Policies.type(r.workloads().get(i));
      String group = type.equals("depthwise") || type.equals("pointwise") ? type : "other layers";
      groups.computeIfAbsent(group, k -> new ArrayList<>()).add(new double[] {x, y});
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    for (Roof roof : roofs.values()) {
      lo = Math.min(lo, roof.ridge());
      hi = Math.max(hi, roof.ridge());
    }
    lo /= 2;
    hi *= 2;
    for (Map.Entry<Bits, Roof> e : roofs.entrySet()) {
      Roof roof = e.getValue();
      double[] xs = {lo, roof.ridge(), hi};
      double[] ys = {roof.attainable(lo), roof.attainable(roof.ridge()), roof.attainable(hi)};
      XYSeries s = chart.addSeries("roof " + e.getKey(), xs, ys);
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      s.setMarker(SeriesMarkers.NONE);
    }
    for (Map.Entry<String, List<double[]>> g : groups.entrySet()) {
      double[] xs = g.getValue().stream().mapToDouble(p -> p[0]).toArray();
      double[] ys = g.getValue().stream().mapToDouble(p -> p[1]).toArray();
      XYSeries s = chart.addSeries(g.getKey(), xs, ys);
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      s.setMarker(
          switch (g.getKey()) {
            case "depthwise" -> SeriesMarkers.DIAMOND;
            case "pointwise" -> SeriesMarkers.CIRCLE;
            default -> SeriesMarkers.SQUARE;
          });
    }
    return chart;
  }

  static void checkSameLayers(CostReport a, CostReport b) {
    List<String> na = a.cost().layers().stream().map(LayerCost::layer).toList();
    List<String> nb = b.cost().layers().stream().map(LayerCost::layer).toList();
    if (!na.equals(nb)) {
      throw new BitlabException("Cannot compare " + a.model() + " (" + na.size() + " layers) with "
          + b.model() + " (" + nb.size() + " layers) layer by layer; price the same model twice.");
    }
  }

  /** The legend entry of {@code r} next to {@code other}: its label, the target when they differ, its total. */
  static String legend(CostReport r, CostReport other) {
    String name = r.label();
    if (!r.target().name().equals(other.target().name())) name = r.target().name() + ", " + name;
    return name + String.format(" (%.3f ms)", r.total().millis());
  }

  private static List<String> layerNames(CostReport r) {
    Set<String> seen = new LinkedHashSet<>();
    List<String> names = new ArrayList<>();
    for (LayerCost c : r.cost().layers()) {
      String n = c.layer();
      while (!seen.add(n)) n = n + "'";
      names.add(n);
    }
    return names;
  }

  private static void style(CategoryChart chart) {
    chart.getStyler().setXAxisLabelRotation(90);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setAvailableSpaceFill(0.8);
    chart.getStyler().setOverlapped(false);
  }
}
