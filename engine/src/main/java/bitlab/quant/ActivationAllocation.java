package bitlab.quant;

import bitlab.data.Batch;
import bitlab.data.Samples;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.model.Op;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-channel activation widths under each tensor's bit budget ({@link BitAllocation}, Banner et al. 2019): each channel
 * of an activation point (and of each narrower view) gets its own width, scale and zero point. A channel's range is its
 * extremes on the calibration images, clipped to the tensor's calibrated range (so the calibration method still
 * chooses how much to clip); the widths average the tensor's width.
 *
 * <p>Simulated only: a layer sums the products of all its input channels in one int32 accumulator, which needs one
 * input scale, so no integer program runs such a model; the integer compiler refuses it with a sentence and the
 * model's accuracy is its simulation's, named so.
 */
final class ActivationAllocation {
  private ActivationAllocation() {}

  /** The activation points and views with widths of their own (the model's input keeps one: it is data). */
  static void apply(
      Model folded,
      Samples calibration,
      Map<String, ActivationQuant> acts,
      Map<String, ActivationQuant> views) {
    List<String> nodes = new ArrayList<>();
    for (ActivationQuant a : acts.values())
      if (!(folded.node(a.node()).op() instanceof Op.Input)) nodes.add(a.node());
    Map<String, double[][]> ranges = channelRanges(folded, calibration, nodes);
    Map<ActivationQuant, ActivationQuant> done = new IdentityHashMap<>();
    for (Map<String, ActivationQuant> m : List.of(acts, views)) {
      for (Map.Entry<String, ActivationQuant> e : m.entrySet()) {
        ActivationQuant a = e.getValue();
        double[][] r = ranges.get(a.node());
        if (r == null || a.dynamic()) continue;
        e.setValue(done.computeIfAbsent(a, k -> allocated(k, r[0], r[1])));
      }
    }
  }

  /** One tensor's quantizer with per-channel widths, scales and zero points. */
  static ActivationQuant allocated(ActivationQuant a, double[] lo, double[] hi) {
    QuantSpec spec = a.spec();
    int n = lo.length;
    double[] l = new double[n], h = new double[n], range = new double[n];
    for (int c = 0; c < n; c++) {
      l[c] = Math.max(lo[c], a.range().lo());
      h[c] = Math.min(hi[c], a.range().hi());
      range[c] = spec.symmetric()
          ? (spec.signed() ? Math.max(Math.abs(l[c]), Math.abs(h[c])) : Math.max(h[c], 0))
          : Math.max(h[c], 0) - Math.min(l[c], 0);
    }
    int[] bits =
        BitAllocation.widths(range, spec.bits(), BitAllocation.MIN_BITS, BitAllocation.MAX_BITS);
    float[] scale = new float[n];
    int[] zero = new int[n];
    int widest = 0;
    for (int c = 0; c < n; c++) {
      QuantParams p = QuantParams.fromRange(spec.withBits(bits[c]), l[c], h[c]);
      scale[c] = p.scale(0);
      zero[c] = p.zeroPoint(0);
      widest = Math.max(widest, bits[c]);
    }
    QuantSpec container = spec.withBits(widest).withGranularity(Granularity.PER_CHANNEL);
    return new ActivationQuant(
        a.point(), spec, new QuantParams(container, scale, zero), a.range(), a.histogram(), bits);
  }

  /** Per node, each channel's smallest and largest value over the images ({@code {lo[], hi[]}}), on the FP32 model. */
  static Map<String, double[][]> channelRanges(Model m, Samples data, List<String> nodes) {
    Map<String, double[][]> out = new LinkedHashMap<>();
    if (nodes.isEmpty()) return out;
    for (Batch b : data.batches(128)) {
      Map<String, INDArray> values = Inference.outputs(m, b.x(), nodes);
      for (String node : nodes) {
        INDArray v = values.get(node);
        int channels = (int) v.size(1);
        INDArray perChannel = v.rank() == 4
            ? v.permute(1, 0, 2, 3).dup('c').reshape('c', channels, -1)
            : v.permute(1, 0).dup('c').reshape('c', channels, -1);
        double[] mins = perChannel.min(1).castTo(DataType.DOUBLE).toDoubleVector();
        double[] maxs = perChannel.max(1).castTo(DataType.DOUBLE).toDoubleVector();
        double[][] r = out.computeIfAbsent(node, k -> new double[][] {
          filled(channels, Double.POSITIVE_INFINITY), filled(channels, Double.NEGATIVE_INFINITY)
        });
        for (int c = 0; c < channels; c++) {
          r[0][c] = Math.min(r[0][c], mins[c]);
          r[1][c] = Math.max(r[1][c], maxs[c]);
        }
      }
    }
    return out;
  }

  private static double[] filled(int n, double v) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, v);
    return a;
  }
}
