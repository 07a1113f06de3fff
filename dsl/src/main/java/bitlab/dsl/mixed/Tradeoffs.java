package bitlab.dsl.mixed;

import bitlab.data.Dataset;
import bitlab.dsl.display.ChartImages;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import bitlab.dsl.hardware.CostReport;
import bitlab.dsl.quant.QuantizeBuilder;
import bitlab.hardware.Target;
import bitlab.model.Model;
import bitlab.quant.Policy;
import bitlab.quant.QuantException;
import bitlab.quant.QuantizedModel;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Named policies of one model side by side on everything a mixed-precision choice trades: accuracy on
 * the test split, size in bytes, BOPs per image and latency per image on each target. Immutable: every
 * {@link #add} returns a new value with one more row (its accuracy measured right away).
 *
 * <pre>{@code
 * tradeoffs(net, data, hardware("bismo-edge"), hardware("roofline-gpu"))
 *     .add("W8A8", policy(net, 8, 8))
 *     .add("fc1 at 2 bits", policy(net, 8, 8).with("fc1", 2, 8))
 * }</pre>
 */
public final class Tradeoffs implements Renderable {

  /** Calibration images for the static PTQ of policies added without a quantized model. */
  public static final int CALIBRATION = 512;

  /** One policy: its accuracy, size, BOPs and milliseconds per image on each target, in target order. */
  public record Row(
      String name,
      Policy policy,
      double accuracy,
      long sizeBytes,
      long bops,
      List<Double> millisPerImage) {
    public Row {
      millisPerImage = List.copyOf(millisPerImage);
    }
  }

  private final Model net;
  private final Dataset data;
  private final List<Target> targets;
  private final List<Row> rows;

  private Tradeoffs(Model net, Dataset data, List<Target> targets, List<Row> rows) {
    this.net = net;
    this.data = data;
    this.targets = List.copyOf(targets);
    this.rows = List.copyOf(rows);
  }

  /** An empty comparison of {@code net}'s policies on {@code data}, priced on {@code targets}. */
  public static Tradeoffs of(Model net, Dataset data, List<Target> targets) {
    if (net == null || data == null) {
      throw new QuantException(
          "tradeoffs(net, data, targets...) needs a model and a data set, e.g. tradeoffs(zoo(\"lenet5\"), mnist(), hardware(\"bismo-edge\")).");
    }
    if (targets.stream().anyMatch(t -> t == null))
      throw new QuantException("tradeoffs(...) was given a null target; pass hardware(\"NAME\").");
    return new Tradeoffs(net, data, targets, List.of());
  }

  /** Adds a policy, quantized by static PTQ (min-max, per-channel weights, 512 calibration images). */
  public Tradeoffs add(String name, Policy policy) {
    if (policy == null)
      throw new QuantException("Policy '" + name + "' is null; make one with policy(net, w, a).");
    policy.validate(net);
    QuantizedModel q =
        QuantizeBuilder.of(net, policy).calibrate(data, "minmax", CALIBRATION).build();
    return add(name, q);
  }

  /** Adds a quantized model of this network (any method: PTQ, QAT, dynamic) under a name. */
  public Tradeoffs add(String name, QuantizedModel q) {
    if (name == null || name.isBlank())
      throw new QuantException(
          "Give each policy in tradeoffs(...) a name, e.g. add(\"W8A8\", ...).");
    if (rows.stream().anyMatch(r -> r.name().equals(name))) {
      throw new QuantException(
          "tradeoffs(...) already has a policy named '" + name + "'; give each a different name.");
    }
    if (!q.policy().layers().stream().map(l -> l.layer()).toList().equals(net.layerNames())) {
      throw new QuantException(
          "The quantized model '" + q.source().name() + "' does not have the layers of "
              + net.name() + "; add quantized versions of the same network.");
    }
    double acc = bitlab.integer.Deployment.evaluate(q, data).accuracy();
    List<Double> ms = new ArrayList<>();
    for (Target t : targets) ms.add(CostReport.price(t, net, q.policy()).millisPerImage());
    List<Row> more = new ArrayList<>(rows);
    more.add(new Row(name, q.policy(), acc, q.sizeBytes(), q.bops(), ms));
    return new Tradeoffs(net, data, targets, more);
  }

  public List<Row> rows() {
    return rows;
  }

  public List<Target> targets() {
    return targets;
  }

  /** The row named {@code name}. */
  public Row row(String name) {
    for (Row r : rows) if (r.name().equals(name)) return r;
    throw new QuantException("tradeoffs(...) has no policy named '" + name + "'; it has "
        + String.join(", ", rows.stream().map(Row::name).toList()) + ".");
  }

  /** One row per policy: accuracy, size, BOPs, and ms per image on each target. */
  public Table table() {
    StringColumn name = StringColumn.create("policy");
    StringColumn bits = StringColumn.create("bits");
    DoubleColumn acc = DoubleColumn.create("accuracy %");
    LongColumn size = LongColumn.create("size (bytes)");
    DoubleColumn bops = DoubleColumn.create("MBOPs/image");
    List<DoubleColumn> ms = new ArrayList<>();
    for (Target t : targets) ms.add(DoubleColumn.create(t.name() + " ms/image"));
    for (Row r : rows) {
      name.append(r.name());
      bits.append(r.policy().summary());
      acc.append(Sensitivity.round(100 * r.accuracy(), 2));
      size.append(r.sizeBytes());
      bops.append(Sensitivity.round(r.bops() / 1e6, 2));
      for (int i = 0; i < targets.size(); i++)
        ms.get(i).append(Sensitivity.round(r.millisPerImage().get(i), 4));
    }
    Table t = Table.create(net.name() + ": policies side by side", name, bits, acc, size, bops);
    ms.forEach(t::addColumns);
    int images = data.test().size();
    t.addColumns(StringColumn.create(
        "95% interval",
        rows.stream()
            .map(r -> bitlab.model.Evaluation.interval95Text(r.accuracy(), images))
            .toList()));
    return t;
  }

  /** Size, BOPs and each target's latency of every policy as a percentage of the first policy's. */
  public CategoryChart chart() {
    if (rows.isEmpty())
      throw new QuantException(
          "tradeoffs(...) has no policies yet; add some with .add(name, policy).");
    CategoryChart c = new CategoryChartBuilder()
        .width(960)
        .height(380)
        .title(net.name() + ": cost of each policy, % of " + rows.get(0).name())
        .xAxisTitle("policy")
        .yAxisTitle("% of " + rows.get(0).name())
        .build();
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setAvailableSpaceFill(0.8);
    List<String> names = rows.stream().map(Row::name).toList();
    Row base = rows.get(0);
    c.addSeries(
        "size",
        names,
        rows.stream().map(r -> 100.0 * r.sizeBytes() / base.sizeBytes()).toList());
    c.addSeries(
        "BOPs", names, rows.stream().map(r -> 100.0 * r.bops() / base.bops()).toList());
    for (int i = 0; i < targets.size(); i++) {
      int k = i;
      c.addSeries(
          targets.get(i).name() + " latency",
          names,
          rows.stream()
              .map(
                  r -> 100.0 * r.millisPerImage().get(k) / base.millisPerImage().get(k))
              .toList());
    }
    return c;
  }

  public String summary() {
    return net.name() + ": " + rows.size() + " polic" + (rows.size() == 1 ? "y" : "ies") + " on "
        + data.name() + " (test split), priced on "
        + (targets.isEmpty()
            ? "no target"
            : String.join(", ", targets.stream().map(Target::name).toList()));
  }

  @Override
  public MimeBundle render() {
    if (rows.isEmpty())
      return MimeBundle.text(summary() + "; add policies with .add(name, policy)");
    String png = ChartImages.pngBase64(chart());
    String html = "<div class=\"bitlab-tradeoffs\"><p>" + TableHtml.escape(summary()) + "</p>"
        + TableHtml.html(table(), 200)
        + "<img alt=\"cost of each policy\" src=\"data:image/png;base64," + png + "\"/></div>";
    return MimeBundle.html(summary() + "\n" + table().printAll(), html).with(MimeBundle.PNG, png);
  }

  @Override
  public String toString() {
    return summary();
  }
}
