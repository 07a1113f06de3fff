package bitlab.dsl.hardware;

import bitlab.BitlabException;
import bitlab.dsl.display.ChartImages;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import bitlab.hardware.Bits;
import bitlab.hardware.Bound;
import bitlab.hardware.Cost;
import bitlab.hardware.LayerCost;
import bitlab.hardware.LayerWorkload;
import bitlab.hardware.ModelCost;
import bitlab.hardware.Target;
import bitlab.model.Model;
import bitlab.quant.Policy;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * A model priced on one target under one per-layer policy: the hardware module's
 * {@link ModelCost} together with the layer workloads it priced, so tables and charts can say
 * which layers are depthwise or pointwise. Latency and energy are per run of
 * {@code target.batch()} images. Renders as a summary, the per-layer table with a total row, and
 * the per-layer latency chart.
 *
 * @param label how legends and headings name the policy (defaults to its description, e.g. W8A8)
 */
public record CostReport(
    String model, String label, Target target, List<LayerWorkload> workloads, ModelCost cost)
    implements Renderable {

  public CostReport {
    workloads = List.copyOf(workloads);
    if (workloads.size() != cost.layers().size()) {
      throw new BitlabException("A cost report of " + model + " has " + workloads.size()
          + " workloads but " + cost.layers().size() + " priced layers.");
    }
  }

  /** Prices {@code net} on {@code target}, one bit pair per quantizable layer in layer order. */
  public static CostReport price(Target target, Model net, List<Bits> policy) {
    return price(target, net.name(), net.workloads(), policy);
  }

  /**
   * Prices {@code net} under a quantization policy (from a file, a search or {@code Policy.uniform}); the
   * policy is matched to the model's layers by name and labelled by its summary (e.g. W4A8).
   */
  public static CostReport price(Target target, Model net, Policy policy) {
    policy.validate(net);
    List<Bits> bits =
        net.workloads().stream().map(w -> policy.get(w.name()).bits()).toList();
    return price(target, net, bits).withLabel(policy.summary());
  }

  /**
   * Prices a quantized model: its policy, and its tensors moved at the widths its placement stores them at (an 8-bit
   * residual stream read by 4-bit layers, a residual Add's second branch, int32 logits); see {@code TensorWidths}.
   */
  public static CostReport price(Target target, bitlab.quant.QuantizedModel q) {
    Model folded = q.folded();
    List<Bits> bits =
        folded.workloads().stream().map(w -> q.policy().get(w.name()).bits()).toList();
    ModelCost c = target.cost(folded.workloads(), bits, q.tensorWidths());
    return new CostReport(
        q.source().name(), q.policy().summary() + " as placed", target, folded.workloads(), c);
  }

  /** Prices workloads directly (a model that is not in memory, or one the engine described earlier). */
  public static CostReport price(
      Target target, String model, List<LayerWorkload> layers, List<Bits> policy) {
    ModelCost c = target.cost(layers, policy);
    return new CostReport(model, Policies.describe(policy), target, layers, c);
  }

  /** The same report with another name for its policy (legends, headings). */
  public CostReport withLabel(String newLabel) {
    return new CostReport(model, newLabel, target, workloads, cost);
  }

  public Cost total() {
    return cost.total();
  }

  /** The bit pairs priced, one per layer. */
  public List<Bits> policy() {
    return cost.layers().stream().map(LayerCost::bits).toList();
  }

  /** Bit operations per image (w x a x MACs summed over layers): the proxy this report corrects. */
  public long bops() {
    return Policies.bops(workloads, policy());
  }

  /** Latency in milliseconds per image (the run's latency over the target's batch). */
  public double millisPerImage() {
    return total().millis() / target.batch();
  }

  /** Latency spent in layers of one type ("depthwise", "pointwise", ...), seconds per run. */
  public double seconds(String type) {
    double s = 0;
    for (int i = 0; i < workloads.size(); i++) {
      if (Policies.type(workloads.get(i)).equals(type))
        s += cost.layers().get(i).cost().seconds();
    }
    return s;
  }

  /** One row per layer: type, bits, MACs, latency, energy, compute and memory time, bound, share of latency. */
  public Table table() {
    IntColumn index = IntColumn.create("#");
    StringColumn layer = StringColumn.create("layer");
    StringColumn type = StringColumn.create("type");
    StringColumn bits = StringColumn.create("bits");
    DoubleColumn macs = number("MMAC", 2);
    DoubleColumn latency = number("latency ms", 4);
    DoubleColumn energy = number("energy mJ", 4);
    DoubleColumn compute = number("compute ms", 4);
    DoubleColumn memory = number("memory ms", 4);
    StringColumn bound = StringColumn.create("bound");
    DoubleColumn ratio = number("bound x", 2);
    DoubleColumn share = number("share %", 1);
    double totalSeconds = total().seconds();
    for (int i = 0; i < workloads.size(); i++) {
      LayerCost c = cost.layers().get(i);
      index.append(c.index());
      layer.append(c.layer());
      type.append(Policies.type(workloads.get(i)));
      bits.append(c.bits().toString());
      macs.append(c.macs() / 1e6);
      latency.append(c.cost().millis());
      energy.append(c.cost().millijoules());
      compute.append(c.computeSeconds() * 1e3);
      memory.append(c.memorySeconds() * 1e3);
      bound.append(c.bound().name().toLowerCase(java.util.Locale.ROOT));
      ratio.append(c.boundRatio());
      share.append(totalSeconds == 0 ? 0 : 100 * c.cost().seconds() / totalSeconds);
    }
    return Table.create(
        model + " on " + target.name() + ", " + label,
        index,
        layer,
        type,
        bits,
        macs,
        latency,
        energy,
        compute,
        memory,
        bound,
        ratio,
        share);
  }

  /**
   * The roofline view of each layer, in the units a hand calculation uses: MACs, DRAM bytes, arithmetic intensity
   * (MACs per byte), the compute and memory times in microseconds, and which one bounds the layer.
   */
  public Table bounds() {
    StringColumn layer = StringColumn.create("layer");
    StringColumn bits = StringColumn.create("bits");
    DoubleColumn macs = number("MACs", 0);
    DoubleColumn bytes = number("DRAM bytes", 0);
    DoubleColumn intensity = number("MAC/byte", 1);
    DoubleColumn compute = number("compute us", 2);
    DoubleColumn memory = number("memory us", 2);
    StringColumn bound = StringColumn.create("bound");
    for (LayerCost c : cost.layers()) {
      layer.append(c.layer());
      bits.append(c.bits().toString());
      macs.append(c.macs());
      bytes.append(c.dramBytes());
      intensity.append(c.intensity());
      compute.append(c.computeSeconds() * 1e6);
      memory.append(c.memorySeconds() * 1e6);
      bound.append(c.bound().name().toLowerCase(java.util.Locale.ROOT));
    }
    return Table.create(
        model + " on " + target.name() + ", " + label + ": what bounds each layer",
        layer,
        bits,
        macs,
        bytes,
        intensity,
        compute,
        memory,
        bound);
  }

  /** Each layer's time per image (a run's time over the target's batch), its intensity and what bounds it. */
  public Table perImage() {
    return PerLayer.perImage(this);
  }

  /** {@link #table()} with a last row of totals (the hardware module's sums). */
  public Table tableWithTotal() {
    Table t = table();
    Table out = t.emptyCopy();
    out.append(t);
    out.intColumn("#").appendMissing();
    out.stringColumn("layer").append("total");
    out.stringColumn("type").append("");
    out.stringColumn("bits").append(label);
    out.doubleColumn("MMAC")
        .append(cost.layers().stream().mapToDouble(LayerCost::macs).sum() / 1e6);
    out.doubleColumn("latency ms").append(total().millis());
    out.doubleColumn("energy mJ").append(total().millijoules());
    out.doubleColumn("compute ms").appendMissing();
    out.doubleColumn("memory ms").appendMissing();
    out.stringColumn("bound").append(boundSummary());
    out.doubleColumn("bound x").appendMissing();
    out.doubleColumn("share %").append(100.0);
    return out;
  }

  /** "26 compute, 2 memory" (or "unknown" for table-driven targets). */
  public String boundSummary() {
    long c = cost.count(Bound.COMPUTE);
    long m = cost.count(Bound.MEMORY);
    long u = cost.count(Bound.UNKNOWN);
    if (u == workloads.size()) return "unknown";
    return c + " compute, " + m + " memory" + (u > 0 ? ", " + u + " unknown" : "");
  }

  /** Per-layer latency bars, coloured by what bounds each layer. */
  public CategoryChart chart() {
    return HardwareCharts.latency(this);
  }

  /** Each layer placed under the target's roofline(s) for the bit pairs of this policy. */
  public XYChart roofline() {
    return HardwareCharts.roofline(this);
  }

  /** This report and another side by side (same model; the target may differ). */
  public Comparison compare(CostReport other) {
    return new Comparison(this, other);
  }

  /** One line: model, target, policy, totals, boundness. */
  public String summary() {
    return String.format(
        "%s on %s (%s, batch %d), %s: %.3f ms and %.3f mJ per run, %.3f ms per image; "
            + "%.2f GBOPs per image; layers bound by %s",
        model,
        target.name(),
        target.kind(),
        target.batch(),
        label,
        total().millis(),
        total().millijoules(),
        millisPerImage(),
        bops() / 1e9,
        boundSummary());
  }

  @Override
  public MimeBundle render() {
    String html = "<div class=\"bitlab-cost\"><p>" + TableHtml.escape(summary()) + "</p>"
        + TableHtml.html(tableWithTotal(), 200)
        + "<img alt=\"per-layer latency\" src=\"data:image/png;base64,"
        + ChartImages.pngBase64(chart()) + "\"/></div>";
    return MimeBundle.html(summary() + "\n" + tableWithTotal().printAll(), html);
  }

  @Override
  public String toString() {
    return summary();
  }

  private static DoubleColumn number(String name, int decimals) {
    DoubleColumn c = DoubleColumn.create(name);
    c.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(decimals));
    return c;
  }
}
