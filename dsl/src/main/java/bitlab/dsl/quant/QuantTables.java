package bitlab.dsl.quant;

import bitlab.data.Dataset;
import bitlab.model.Evaluation;
import bitlab.model.Model;
import bitlab.quant.ActivationQuant;
import bitlab.quant.BatchNormFolding;
import bitlab.quant.LayerBits;
import bitlab.quant.LayerQuant;
import bitlab.quant.Policy;
import bitlab.quant.QuantizedModel;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Quantization results as Tablesaw tables. */
public final class QuantTables {
  private QuantTables() {}

  /** One row per layer: weight and input-activation bits ("fp32" kept as 32). */
  public static Table policy(Policy p) {
    StringColumn layer = StringColumn.create("layer");
    IntColumn w = IntColumn.create("weight bits");
    IntColumn a = IntColumn.create("activation bits");
    for (LayerBits l : p.layers()) {
      layer.append(l.layer());
      w.append(l.weights());
      a.append(l.activations());
    }
    return Table.create(
        "policy " + p.summary() + (p.model().isEmpty() ? "" : " for " + p.model()), layer, w, a);
  }

  /** One row per layer of a quantized model: bits, the tensor it reads, weight scales and error. */
  public static Table layers(QuantizedModel q) {
    StringColumn layer = StringColumn.create("layer");
    StringColumn bits = StringColumn.create("bits");
    StringColumn input = StringColumn.create("reads");
    StringColumn output = StringColumn.create("writes");
    DoubleColumn smin = DoubleColumn.create("weight scale min");
    DoubleColumn smax = DoubleColumn.create("weight scale max");
    DoubleColumn mse = DoubleColumn.create("weight MSE");
    for (LayerQuant l : q.layers().values()) {
      layer.append(l.layer());
      bits.append(l.bits().toString().replaceFirst("^[^:]*: ", ""));
      input.append(l.input() == null ? "(float)" : q.reads(l));
      output.append(q.writes(l));
      if (l.quantized()) {
        float[] s = l.weights().scale();
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (float v : s) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        smin.append(lo);
        smax.append(hi);
        mse.append(l.weightMse());
      } else {
        smin.appendMissing();
        smax.appendMissing();
        mse.append(0);
      }
    }
    return Table.create(
        "layers of " + q.source().name() + " " + q.policy().summary()
            + ", activations quantized at "
            + (q.placement() == bitlab.quant.Placement.INPUTS
                ? "layer inputs, a " + q.streamBits() + "-bit residual stream"
                : "node outputs")
            + " (" + q.activations().size() + " points"
            + (q.viewCount() == 0 ? "" : ", " + q.viewCount() + " narrower views") + ")",
        layer,
        bits,
        input,
        output,
        smin,
        smax,
        mse);
  }

  /** One row per quantized activation tensor and per narrower view of one: its quantizer and calibrated range. */
  public static Table activations(QuantizedModel q) {
    StringColumn tensor = StringColumn.create("tensor");
    StringColumn spec = StringColumn.create("quantizer");
    DoubleColumn lo = DoubleColumn.create("clip lo");
    DoubleColumn hi = DoubleColumn.create("clip hi");
    DoubleColumn min = DoubleColumn.create("observed min");
    DoubleColumn max = DoubleColumn.create("observed max");
    DoubleColumn scale = DoubleColumn.create("scale");
    IntColumn zero = IntColumn.create("zero point");
    java.util.List<ActivationQuant> all =
        new java.util.ArrayList<>(q.activations().values());
    q.views().values().stream().distinct().forEach(all::add);
    for (ActivationQuant a : all) {
      tensor.append(
          q.activations().get(a.node()) == a
              ? a.node()
              : QuantizedModel.viewName(a) + " (view for "
                  + String.join(", ", a.point().readers()) + ")");
      spec.append(a.spec().toString());
      if (a.dynamic()) {
        lo.appendMissing();
        hi.appendMissing();
        min.appendMissing();
        max.appendMissing();
        scale.appendMissing();
        zero.append(0);
      } else {
        lo.append(a.range().lo());
        hi.append(a.range().hi());
        min.append(a.histogram().min());
        max.append(a.histogram().max());
        scale.append(a.params().scale(0));
        zero.append(a.params().zeroPoint(0));
      }
    }
    return Table.create(
        "activations of " + q.source().name() + " " + q.policy().summary(),
        tensor,
        spec,
        lo,
        hi,
        min,
        max,
        scale,
        zero);
  }

  /**
   * FP32 against each quantized model on the test split: accuracy, drop in points, size in bytes (weights
   * at their widths, 32-bit biases and scales), bit operations per image, and the accuracy's 95% Wilson interval
   * (two rows whose intervals overlap are not told apart by these images).
   */
  public static Table compare(Dataset data, Model fp32, QuantizedModel... quantized) {
    StringColumn method = StringColumn.create("method");
    StringColumn bits = StringColumn.create("bits");
    DoubleColumn acc = DoubleColumn.create("accuracy %");
    DoubleColumn drop = DoubleColumn.create("drop (points)");
    LongColumn size = LongColumn.create("size (bytes)");
    LongColumn bops = LongColumn.create("BOPs/image");
    StringColumn interval = StringColumn.create("95% interval");
    Model folded = BatchNormFolding.fold(fp32);
    Evaluation base = fp32.evaluate(data);
    Policy fp = Policy.uniform(folded, LayerBits.FLOAT, LayerBits.FLOAT);
    method.append("FP32");
    bits.append("W32A32");
    acc.append(round(100 * base.accuracy()));
    drop.append(0);
    size.append(fp.sizeBytes(folded));
    bops.append(fp.bops(folded));
    interval.append(interval(base));
    for (QuantizedModel q : quantized) {
      Evaluation e = bitlab.integer.Deployment.evaluate(q, data);
      double a = e.accuracy();
      method.append(q.method());
      bits.append(q.policy().summary());
      acc.append(round(100 * a));
      drop.append(round(100 * (base.accuracy() - a)));
      size.append(q.sizeBytes());
      bops.append(q.bops());
      interval.append(interval(e));
    }
    return Table.create(
        fp32.name() + " on " + data.name() + " (test split)",
        method,
        bits,
        acc,
        drop,
        size,
        bops,
        interval);
  }

  /** The accuracy's 95% Wilson interval in percent, e.g. {@code [95.60, 98.47]}. */
  static String interval(Evaluation e) {
    return bitlab.model.Evaluation.interval95Text(e.accuracy(), e.total());
  }

  /**
   * What dynamic quantization adds at run time, per quantized activation tensor: before a tensor can be
   * quantized, all its values must be scanned for their largest magnitude (and a scale computed from it);
   * static quantization knows the scale in advance. One row per tensor: its values per image, the layers that
   * read it and their MACs per image; the table's name gives the totals.
   */
  public static Table dynamicCost(QuantizedModel q) {
    Model folded = q.folded();
    java.util.Map<String, Long> macs = new java.util.HashMap<>();
    for (bitlab.hardware.LayerWorkload w : folded.workloads()) macs.put(w.name(), w.macs());
    StringColumn tensor = StringColumn.create("tensor");
    IntColumn bits = IntColumn.create("bits");
    LongColumn values = LongColumn.create("values per image");
    StringColumn readers = StringColumn.create("read by");
    LongColumn readerMacs = LongColumn.create("their MACs per image");
    long totalValues = 0;
    for (ActivationQuant a : q.activations().values()) {
      long v = folded.node(a.node()).shape().elements();
      long m =
          a.point().readers().stream().mapToLong(r -> macs.getOrDefault(r, 0L)).sum();
      tensor.append(a.node());
      bits.append(a.spec().bits());
      values.append(v);
      readers.append(String.join(", ", a.point().readers()));
      readerMacs.append(m);
      totalValues += v;
    }
    String name = String.format(
        "%s: %,d activation values per image to scan for their range at run time, %.2f%% of its %,d MACs",
        q.source().name(), totalValues, 100.0 * totalValues / folded.macs(), folded.macs());
    return Table.create(name, tensor, bits, values, readers, readerMacs);
  }

  static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
