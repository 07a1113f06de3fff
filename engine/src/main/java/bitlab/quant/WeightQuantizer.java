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

  public static Result quantize(String name, INDArray weight, QuantSpec spec, Calibration method) {
    float[] w = weight.castTo(DataType.FLOAT).dup('c').data().asFloat();
    for (int i = 0; i < w.length; i++) {
      if (!Float.isFinite(w[i])) {
        throw new QuantException("Weight '" + name + "' has a NaN or infinite value at element " + i
            + "; the model is broken.");
      }
    }
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
