package bitlab.quant;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Quantizes one weight tensor (output channels on axis 0) to codes and their dequantized values. */
public final class WeightQuantizer {
  /** Bins of the per-channel histograms used by non-min-max weight calibration. */
  static final int BINS = 512;

  /** Parameters, int32 codes and the dequantized float weight. */
  public record Result(QuantParams params, INDArray codes, INDArray dequantized) {}

  private WeightQuantizer() {}

  /** Quantizes with given parameters (for example learned step sizes). */
  public static Result quantize(String name, INDArray weight, QuantParams params) {
    float[] w = weight.castTo(DataType.FLOAT).dup('c').data().asFloat();
    int per = w.length / (int) weight.size(0);
    boolean perChannel = params.channels() > 1;
    int[] codes = new int[w.length];
    float[] deq = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      int c = perChannel ? i / per : 0;
      codes[i] = params.quantize(w[i], c);
      deq[i] = params.dequantize(codes[i], c);
    }
    return new Result(
        params,
        Nd4j.createFromArray(codes).reshape(weight.shape()),
        Nd4j.createFromArray(deq).reshape(weight.shape()));
  }

  /**
   * Per-channel widths under the layer's bit budget ({@link BitAllocation}, Banner et al. 2019): each output channel's
   * range is its largest magnitude, its width comes from the allocation (levels as {@code r^(2/3)}, {@code spec.bits()}
   * bits per channel on average), and its scale spreads that width's symmetric codes over the range. The parameters'
   * spec is the widest channel's, so every code fits it and the integer kernels run the layer at that width; each
   * channel's codes stay within its own width because nothing lies outside its range.
   */
  public static Result allocated(String name, INDArray weight, QuantSpec spec) {
    if (spec.bits() < BitAllocation.MIN_BITS || spec.bits() > BitAllocation.MAX_BITS) {
      throw new QuantException("Weight '" + name + "' is quantized at " + spec.bits()
          + " bits; per-channel bit allocation shares out " + BitAllocation.MIN_BITS + ".."
          + BitAllocation.MAX_BITS + " bits per channel: give the layer " + BitAllocation.MIN_BITS
          + ".." + BitAllocation.MAX_BITS + " weight bits, or drop the allocation.");
    }
    float[] w = finite(name, weight);
    int out = (int) weight.size(0);
    int per = w.length / out;
    double[] range = new double[out];
    for (int c = 0; c < out; c++)
      for (int i = c * per; i < (c + 1) * per; i++) range[c] = Math.max(range[c], Math.abs(w[i]));
    int[] bits =
        BitAllocation.widths(range, spec.bits(), BitAllocation.MIN_BITS, BitAllocation.MAX_BITS);
    int widest = java.util.Arrays.stream(bits).max().orElse(spec.bits());
    float[] scale = new float[out];
    for (int c = 0; c < out; c++)
      scale[c] = Math.max(QuantParams.MIN_SCALE, (float) (range[c] / ((1 << (bits[c] - 1)) - 1)));
    return quantize(name, weight, new QuantParams(spec.withBits(widest), scale, new int[out]));
  }

  /** Per output channel, the narrowest symmetric width that holds its codes ({@code 1 + ⌈log2(max|code| + 1)⌉}). */
  public static int[] channelBits(INDArray codes) {
    int[] v = codes.castTo(DataType.INT32).dup('c').data().asInt();
    int out = (int) codes.size(0);
    int per = v.length / out;
    int[] bits = new int[out];
    for (int c = 0; c < out; c++) {
      int m = 0;
      for (int i = c * per; i < (c + 1) * per; i++) m = Math.max(m, Math.abs(v[i]));
      bits[c] = 1 + (32 - Integer.numberOfLeadingZeros(m));
    }
    return bits;
  }

  private static float[] finite(String name, INDArray weight) {
    float[] w = weight.castTo(DataType.FLOAT).dup('c').data().asFloat();
    for (int i = 0; i < w.length; i++) {
      if (!Float.isFinite(w[i])) {
        throw new QuantException("Weight '" + name + "' has a NaN or infinite value at element " + i
            + "; the model is broken.");
      }
    }
    return w;
  }

  public static Result quantize(String name, INDArray weight, QuantSpec spec, Calibration method) {
    float[] w = finite(name, weight);
    int out = (int) weight.size(0);
    int per = w.length / out;
    boolean perChannel = spec.granularity() == Granularity.PER_CHANNEL;
    int groups = perChannel ? out : 1;
    int len = perChannel ? per : w.length;
    QuantParams params;
    if (spec.binary()) {
      float[] alpha = new float[groups];
      for (int g = 0; g < groups; g++) {
        double s = 0;
        for (int i = g * len; i < (g + 1) * len; i++) s += Math.abs(w[i]);
        alpha[g] = (float) Math.max(QuantParams.MIN_SCALE, s / len);
      }
      params = QuantParams.binary(spec, alpha);
    } else {
      double[] lo = new double[groups];
      double[] hi = new double[groups];
      for (int g = 0; g < groups; g++) {
        float[] part = java.util.Arrays.copyOfRange(w, g * len, (g + 1) * len);
        Calibration.Range r;
        if (method instanceof Calibration.MinMax) {
          double m = 0;
          for (float v : part) m = Math.max(m, Math.abs(v));
          r = new Calibration.Range(-m, m);
        } else {
          r = method.range(
              Histogram.of(name + (perChannel ? "[" + g + "]" : ""), part, BINS), spec);
        }
        lo[g] = r.lo();
        hi[g] = r.hi();
      }
      params = QuantParams.fromRange(spec, lo, hi);
    }
    return quantize(name, weight, params);
  }
}
