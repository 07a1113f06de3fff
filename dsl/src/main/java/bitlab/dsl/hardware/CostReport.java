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
import bitlab.hardware.TensorCost;
import bitlab.hardware.TensorWorkload;
import bitlab.model.Model;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.StoredWidths;
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
 * {@code target.batch()} images. Renders as a summary, the per-layer table with a total row, the
 * per-layer latency chart, and the operators without weights (Add, pooling, Concat, look-ups, ...) in a table of
 * their own: they are priced apart ({@link #weightless()}), so {@link #total()} stays the layers' total that budgets,
 * HAQ and HAWQ-V3 are stated in.
 *
 * @param label      how legends and headings name the policy (defaults to its description, e.g. W8A8)
 * @param weightless the operators without weights, priced at the widths their tensors are stored at (empty when the
 *                   target does not price them, as a measured per-layer table does not, or no model was given)
 */
public record CostReport(
    String model,
    String label,
    Target target,
    List<LayerWorkload> workloads,
    ModelCost cost,
    List<TensorCost> weightless)
    implements Renderable {

  public CostReport {
    workloads = List.copyOf(workloads);
    weightless = List.copyOf(weightless);
    if (workloads.size() != cost.layers().size()) {
      throw new BitlabException("A cost report of " + model + " has " + workloads.size()
          + " workloads but " + cost.layers().size() + " priced layers.");
    }
  }

  /**
   * Prices {@code net} on {@code target}, one bit pair per quantizable layer in layer order; its operators without
   * weights at the widths the default placement stores their tensors at.
   */
  public static CostReport price(Target target, Model net, List<Bits> policy) {
    CostReport layers = price(target, net.name(), net.workloads(), policy);
    List<TensorWorkload> ops =
        new StoredWidths(net, PtqConfig.DEFAULT).weightless(Policy.of(net, policy));
    return layers.withWeightless(target.weightless(ops));
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
    List<TensorWorkload> ops = new StoredWidths(folded, q.config()).weightless(q.policy());
    return new CostReport(
        q.source().name(),
        q.policy().summary() + " as placed",
        target,
        folded.workloads(),
        c,
        target.weightless(ops));
  }

  /** Prices workloads directly (a model that is not in memory, or one the engine described earlier). */
  public static CostReport price(
      Target target, String model, List<LayerWorkload> layers, List<Bits> policy) {
    ModelCost c = target.cost(layers, policy);
    return new CostReport(model, Policies.describe(policy), target, layers, c, List.of());
  }

  /** The same report with another name for its policy (legends, headings). */
  public CostReport withLabel(String newLabel) {
    return new CostReport(model, newLabel, target, workloads, cost, weightless);
  }

  private CostReport withWeightless(List<TensorCost> ops) {
    return new CostReport(model, label, target, workloads, cost, ops);
  }

  /** The layers' total: what a budget on this target, HAQ and HAWQ-V3 count. */
  public Cost total() {
    return cost.total();
  }

  /** The total of the operators without weights (zero when none were priced). */
  public Cost weightlessTotal() {
    Cost t = Cost.ZERO;
    for (TensorCost c : weightless) t = t.plus(c.cost());
    return t;
  }

  /**
   * One row per operator without weights: its operator, megabytes moved, element-wise operations, latency, energy,
   * compute and memory time and what bounds it, with a last row of totals.
   */
  public Table weightlessTable() {
    StringColumn node = StringColumn.create("operator");
    StringColumn op = StringColumn.create("type");
    DoubleColumn bytes = number("DRAM KB", 2);
    DoubleColumn ops = number("Mops", 3);
    DoubleColumn latency = number("latency ms", 4);
    DoubleColumn energy = number("energy mJ", 4);
    DoubleColumn compute = number("compute ms", 4);
    DoubleColumn memory = number("memory ms", 4);
    StringColumn bound = StringColumn.create("bound");
    for (TensorCost c : weightless) {
      node.append(c.node());
      op.append(c.op());
      bytes.append(c.dramBytes() / 1e3);
      ops.append(c.operations() / 1e6);
      latency.append(c.cost().millis());
      energy.append(c.cost().millijoules());
      compute.append(c.computeSeconds() * 1e3);
      memory.append(c.memorySeconds() * 1e3);
      bound.append(c.bound().name().toLowerCase(java.util.Locale.ROOT));
    }
    node.append("total");
    op.append(operators(weightless.size()));
    bytes.append(weightless.stream().mapToDouble(TensorCost::dramBytes).sum() / 1e3);
    ops.append(weightless.stream().mapToDouble(TensorCost::operations).sum() / 1e6);
    latency.append(weightlessTotal().millis());
    energy.append(weightlessTotal().millijoules());
    compute.appendMissing();
    memory.appendMissing();
    bound.append("");
    return Table.create(
        model + " on " + target.name() + ", " + label + ": operators without weights",
        node,
        op,
        bytes,
        ops,
        latency,
        energy,
        compute,
        memory,
        bound);
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

  /** One line: model, target, policy, totals, boundness, and the operators without weights apart. */
  public String summary() {
    return String.format(
        "%s on %s (%s, batch %d), %s: %.3f ms and %.3f mJ per run, %.3f ms per image; "
            + "%.2f GBOPs per image; layers bound by %s%s",
        model,
        target.name(),
        target.kind(),
        target.batch(),
        label,
        total().millis(),
        total().millijoules(),
        millisPerImage(),
        bops() / 1e9,
        boundSummary(),
        weightlessSummary());
  }

  /** "; plus 0.0120 ms and 0.0030 mJ in 9 operators without weights ...", or why there is no such figure. */
  private String weightlessSummary() {
    if (!weightless.isEmpty())
      return String.format(
          "; plus %.4f ms and %.4f mJ in %s without weights (not in the layers' total)",
          weightlessTotal().millis(),
          weightlessTotal().millijoules(),
          operators(weightless.size()));
    return target.kind().equals("lut")
        ? "; operators without weights are not priced (this measured table has no operator table:"
            + " measureHardware times them)"
        : "";
  }

  private static String operators(int n) {
    return n + (n == 1 ? " operator" : " operators");
  }

  @Override
  public MimeBundle render() {
    String html = "<div class=\"bitlab-cost\"><p>" + TableHtml.escape(summary()) + "</p>"
        + TableHtml.html(tableWithTotal(), 200)
        + "<img alt=\"per-layer latency\" src=\"data:image/png;base64,"
        + ChartImages.pngBase64(chart()) + "\"/>"
        + (weightless.isEmpty() ? "" : TableHtml.html(weightlessTable(), 200))
        + "</div>";
    String text = summary() + "\n" + tableWithTotal().printAll()
        + (weightless.isEmpty() ? "" : "\n" + weightlessTable().printAll());
    return MimeBundle.html(text, html);
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
