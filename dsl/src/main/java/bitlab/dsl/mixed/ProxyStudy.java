package bitlab.dsl.mixed;

import bitlab.BitlabException;
import bitlab.dsl.display.ChartImages;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import bitlab.hardware.Bits;
import bitlab.hardware.CostTable;
import bitlab.hardware.LayerWorkload;
import bitlab.hardware.Target;
import bitlab.model.Model;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * How well the two cheap proxies of a policy's cost, BOPs ({@code sum w x a x MACs}) and weight size
 * ({@code sum weights x w / 8} bytes), predict its latency on a target. Random per-layer policies
 * (every layer's weight and activation widths drawn uniformly from {@code minBits..maxBits}, seeded) are
 * priced; for every pair of policies the study asks whether the one with fewer BOPs (or bytes) is also
 * the faster, and counts how often it is not.
 *
 * @param points one per sampled policy
 */
public record ProxyStudy(
    String model, Target target, int minBits, int maxBits, long seed, List<Point> points)
    implements Renderable {

  /** One sampled policy: its bit pairs, BOPs per image, weight bytes and milliseconds per image on the target. */
  public record Point(List<Bits> policy, long bops, long weightBytes, double millisPerImage) {
    public Point {
      policy = List.copyOf(policy);
    }
  }

  public ProxyStudy {
    points = List.copyOf(points);
  }

  /** Prices {@code count} random policies of {@code net} on {@code target}, widths in {@code minBits..maxBits}. */
  public static ProxyStudy sample(
      Target target, Model net, int count, long seed, int minBits, int maxBits) {
    if (target == null || net == null)
      throw new BitlabException(
          "proxies(target, net, count, seed) needs a target and a model, e.g. proxies(hardware(\"bismo-edge\"), zoo(\"mobilenet-v1\", 224), 300, 1).");
    return sample(target, net.name(), net.workloads(), count, seed, minBits, maxBits);
  }

  /** As {@link #sample(Target, Model, int, long, int, int)} for layers described without a model. */
  public static ProxyStudy sample(
      Target target,
      String model,
      List<LayerWorkload> layers,
      int count,
      long seed,
      int minBits,
      int maxBits) {
    if (count < 2)
      throw new BitlabException(
          "A proxy study compares pairs of policies: sample at least 2, got " + count + ".");
    if (minBits < 1 || maxBits > 8 || minBits > maxBits) {
      throw new BitlabException(
          "Random policies draw widths from minBits..maxBits within 1..8, got " + minBits + ".."
              + maxBits + ".");
    }
    CostTable table = target.table(layers);
    Random rnd = new Random(seed);
    List<Point> points = new ArrayList<>();
    int n = layers.size();
    for (int k = 0; k < count; k++) {
      int[] w = new int[n];
      int[] a = new int[n];
      List<Bits> policy = new ArrayList<>();
      long bops = 0;
      long bits = 0;
      for (int i = 0; i < n; i++) {
        w[i] = minBits + rnd.nextInt(maxBits - minBits + 1);
        a[i] = minBits + rnd.nextInt(maxBits - minBits + 1);
        policy.add(Bits.of(w[i], a[i]));
        bops += (long) w[i] * a[i] * layers.get(i).macs();
        bits += (long) w[i] * layers.get(i).weights();
      }
      double ms = 1e3 * table.latency(w, a) / target.batch();
      points.add(new Point(policy, bops, (bits + 7) / 8, ms));
    }
    return new ProxyStudy(model, target, minBits, maxBits, seed, points);
  }

  /** Of all pairs that differ in BOPs and in latency, the fraction where the one with fewer BOPs is slower. */
  public double bopsDisagreement() {
    return disagreement(p -> p.bops());
  }

  /** Of all pairs that differ in weight bytes and in latency, the fraction where the smaller one is slower. */
  public double sizeDisagreement() {
    return disagreement(p -> p.weightBytes());
  }

  private double disagreement(ToDoubleFunction<Point> proxy) {
    long pairs = 0;
    long wrong = 0;
    for (int i = 0; i < points.size(); i++) {
      for (int j = i + 1; j < points.size(); j++) {
        double dp = proxy.applyAsDouble(points.get(i)) - proxy.applyAsDouble(points.get(j));
        double dt = points.get(i).millisPerImage() - points.get(j).millisPerImage();
        if (dp == 0 || dt == 0) continue;
        pairs++;
        if (Math.signum(dp) != Math.signum(dt)) wrong++;
      }
    }
    return pairs == 0 ? 0 : (double) wrong / pairs;
  }

  /** Latency per image against GBOPs per image, one point per sampled policy. */
  public XYChart chart() {
    return scatter("GBOPs per image", p -> p.bops() / 1e9, "BOPs");
  }

  /** Latency per image against weight size in KB, one point per sampled policy. */
  public XYChart sizeChart() {
    return scatter("weight size, KB", p -> p.weightBytes() / 1e3, "size");
  }

  private XYChart scatter(String xTitle, ToDoubleFunction<Point> x, String proxy) {
    XYChart c = new XYChartBuilder()
        .width(720)
        .height(400)
        .title(model + " on " + target.name() + ": " + points.size()
            + " random policies, latency against " + proxy)
        .xAxisTitle(xTitle)
        .yAxisTitle("ms per image")
        .build();
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setLegendVisible(false);
    c.getStyler().setMarkerSize(5);
    XYSeries s = c.addSeries(
        "policies",
        points.stream().mapToDouble(x).toArray(),
        points.stream().mapToDouble(Point::millisPerImage).toArray());
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarker(SeriesMarkers.CIRCLE);
    return c;
  }

  public String summary() {
    return String.format(
        "%s on %s, %d random policies (W%d..%d, A%d..%d per layer, seed %d): of two policies, the one with fewer "
            + "BOPs is the slower in %.1f%% of pairs, the smaller one in %.1f%%",
        model,
        target.name(),
        points.size(),
        minBits,
        maxBits,
        minBits,
        maxBits,
        seed,
        100 * bopsDisagreement(),
        100 * sizeDisagreement());
  }

  @Override
  public MimeBundle render() {
    String png = ChartImages.pngBase64(chart());
    String html = "<div class=\"bitlab-proxies\"><p>" + TableHtml.escape(summary()) + "</p>"
        + "<img alt=\"latency against BOPs\" src=\"data:image/png;base64," + png + "\"/>"
        + "<img alt=\"latency against size\" src=\"data:image/png;base64,"
        + ChartImages.pngBase64(sizeChart()) + "\"/></div>";
    return MimeBundle.html(summary(), html).with(MimeBundle.PNG, png);
  }

  @Override
  public String toString() {
    return summary();
  }
}
