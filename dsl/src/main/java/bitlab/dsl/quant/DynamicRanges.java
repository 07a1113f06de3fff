package bitlab.dsl.quant;

import bitlab.data.Dataset;
import bitlab.data.Samples;
import bitlab.quant.ActivationQuant;
import bitlab.quant.QuantException;
import bitlab.quant.QuantizedModel;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * Where a dynamic model's ranges differ from a static one's: per activation tensor, the range calibrated in advance
 * beside the ranges the dynamic model takes from each test batch. A dynamic range is the batch's largest magnitude
 * (largest value for an unsigned tensor), read from the dynamic model's own quantized values at that point (its
 * largest code is that magnitude exactly).
 */
public final class DynamicRanges {
  private DynamicRanges() {}

  public static Table of(
      QuantizedModel statics, QuantizedModel dynamic, Dataset data, int batchSize) {
    if (statics.dynamic() || !dynamic.dynamic())
      throw new QuantException(
          "dynamicRanges compares a static model (first) with a dynamic one (second),"
              + " e.g. dynamicRanges(quantize(net, 4, 4).calibrate(data).build(), quantize(net, 4, 4).dynamic().build(),"
              + " data, 500).");
    if (!statics.policy().equals(dynamic.policy())
        || !statics.source().name().equals(dynamic.source().name()))
      throw new QuantException(
          "dynamicRanges compares two quantizations of the same model under the same policy;"
              + " these differ (" + statics.policy().summary() + " of "
              + statics.source().name() + " against "
              + dynamic.policy().summary() + " of " + dynamic.source().name() + ").");
    if (batchSize < 1)
      throw new QuantException("The batch size must be at least 1, got " + batchSize + ".");
    Samples s = dynamic.source().prepare(data).test();
    Map<String, ActivationQuant> points = statics.activations();
    double[] largest = new double[points.size()];
    double[] sum = new double[points.size()];
    int batches = 0;
    for (int from = 0; from < s.size(); from += batchSize) {
      Map<String, INDArray> values =
          dynamic.pointValues(s.images(from, Math.min(s.size(), from + batchSize)));
      int k = 0;
      for (ActivationQuant a : points.values()) {
        INDArray v = values.get(a.node());
        double r = v == null
            ? Double.NaN
            : (a.spec().signed() ? v.amaxNumber() : v.maxNumber()).doubleValue();
        largest[k] = Math.max(largest[k], r);
        sum[k] += r;
        k++;
      }
      batches++;
    }
    StringColumn tensor = StringColumn.create("tensor");
    IntColumn bits = IntColumn.create("bits");
    DoubleColumn calibrated = number("static range");
    DoubleColumn mean = number("dynamic range, mean over batches");
    DoubleColumn max = number("dynamic range, largest");
    DoubleColumn ratio = number("mean / static");
    int k = 0;
    for (ActivationQuant a : points.values()) {
      double r = a.params().scale(0) * a.spec().qmax();
      tensor.append(a.node());
      bits.append(a.spec().bits());
      calibrated.append(r);
      mean.append(sum[k] / batches);
      max.append(largest[k]);
      ratio.append(sum[k] / batches / r);
      k++;
    }
    return Table.create(
        String.format(
            "%s %s: activation ranges, calibrated against taken from each of %d test batches of %d",
            dynamic.source().name(), dynamic.policy().summary(), batches, batchSize),
        tensor,
        bits,
        calibrated,
        mean,
        max,
        ratio);
  }

  private static DoubleColumn number(String name) {
    DoubleColumn c = DoubleColumn.create(name);
    c.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(3));
    return c;
  }
}
