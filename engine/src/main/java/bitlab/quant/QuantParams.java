package bitlab.quant;

import java.util.Arrays;

/**
 * The affine map of one quantized tensor: {@code q = clamp(round(x / scale) + zeroPoint, qmin, qmax)},
 * {@code x ≈ (q - zeroPoint) * scale}, with one scale and zero point per channel (or one in all).
 * Arithmetic is float32 (the division {@code x / scale} is rounded to float before rounding to an
 * integer) so that the simulation ({@link FakeQuant}, vectorised) and this reference agree exactly.
 */
public record QuantParams(QuantSpec spec, float[] scale, int[] zeroPoint) {

  /** The smallest scale: a range of all zeros still gives a valid (if useless) quantizer, as PyTorch does. */
  public static final float MIN_SCALE = Math.ulp(1f);

  public QuantParams {
    if (spec == null
        || scale == null
        || zeroPoint == null
        || scale.length == 0
        || scale.length != zeroPoint.length) {
      throw new QuantException(
          "Quantization parameters need a spec and one scale and zero point per channel.");
    }
    scale = scale.clone();
    zeroPoint = zeroPoint.clone();
    for (int c = 0; c < scale.length; c++) {
      if (!(scale[c] > 0) || !Float.isFinite(scale[c])) {
        throw new QuantException(
            "Scale " + scale[c] + " of channel " + c + " is not a positive finite number.");
      }
      if (zeroPoint[c] < spec.qmin() || zeroPoint[c] > spec.qmax()) {
        throw new QuantException("Zero point " + zeroPoint[c] + " of channel " + c
            + " is outside the code range " + spec.qmin() + ".." + spec.qmax() + ".");
      }
    }
  }

  /**
   * Parameters that represent the clipping range {@code [lo_c, hi_c]} per channel: symmetric specs use
   * {@code max(|lo|, |hi|)} (unsigned ones {@code max(hi, 0)}), asymmetric ones stretch the range to
   * include zero and place the zero point on an integer.
   */
  public static QuantParams fromRange(QuantSpec spec, double[] lo, double[] hi) {
    if (lo.length != hi.length || lo.length == 0)
      throw new QuantException("A range needs as many lows as highs (at least one).");
    if (spec.binary())
      throw new QuantException(
          "Binary (1-bit signed) quantizers take their scale from binary(...), not a range.");
    float[] s = new float[lo.length];
    int[] z = new int[lo.length];
    for (int c = 0; c < lo.length; c++) {
      if (!Double.isFinite(lo[c]) || !Double.isFinite(hi[c])) {
        throw new QuantException("The range of channel " + c + " is [" + lo[c] + ", " + hi[c]
            + "]: NaN or infinite values reached calibration.");
      }
      if (spec.symmetric()) {
        double t = spec.signed() ? Math.max(Math.abs(lo[c]), Math.abs(hi[c])) : Math.max(hi[c], 0);
        s[c] = Math.max(MIN_SCALE, (float) (t / spec.qmax()));
      } else {
        double l = Math.min(lo[c], 0);
        double h = Math.max(hi[c], 0);
        s[c] = Math.max(MIN_SCALE, (float) ((h - l) / (spec.qmax() - spec.qmin())));
        z[c] = (int) Math.max(
            spec.qmin(), Math.min(spec.qmax(), spec.qmin() + spec.rounding().round(-l / s[c])));
      }
    }
    return new QuantParams(spec, s, z);
  }

  /** Per-tensor parameters for a range. */
  public static QuantParams fromRange(QuantSpec spec, double lo, double hi) {
    return fromRange(
        spec.withGranularity(Granularity.PER_TENSOR), new double[] {lo}, new double[] {hi});
  }

  /** Binary parameters: values {@code ±scale_c}. */
  public static QuantParams binary(QuantSpec spec, float[] scale) {
    if (!spec.binary())
      throw new QuantException("binary(...) needs a 1-bit signed spec, got " + spec + ".");
    return new QuantParams(spec, scale, new int[scale.length]);
  }

  public int channels() {
    return scale.length;
  }

  public float scale(int channel) {
    return scale[scale.length == 1 ? 0 : channel];
  }

  public int zeroPoint(int channel) {
    return zeroPoint[zeroPoint.length == 1 ? 0 : channel];
  }

  @Override
  public float[] scale() {
    return scale.clone();
  }

  @Override
  public int[] zeroPoint() {
    return zeroPoint.clone();
  }

  /** The integer code of {@code x} in channel {@code channel}. */
  public int quantize(float x, int channel) {
    if (spec.binary()) return x >= 0 ? 1 : -1;
    float v = x / scale(channel);
    double q = spec.rounding().round(v) + zeroPoint(channel);
    return (int) Math.max(spec.qmin(), Math.min(spec.qmax(), q));
  }

  /** The real value of code {@code q} in channel {@code channel}. */
  public float dequantize(int q, int channel) {
    return (q - zeroPoint(channel)) * scale(channel);
  }

  /** Quantize then dequantize. */
  public float fakeQuantize(float x, int channel) {
    return dequantize(quantize(x, channel), channel);
  }

  /** The representable real range of a channel. */
  public double[] range(int channel) {
    return new double[] {dequantize(spec.qmin(), channel), dequantize(spec.qmax(), channel)};
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuantParams p
        && spec.equals(p.spec)
        && Arrays.equals(scale, p.scale)
        && Arrays.equals(zeroPoint, p.zeroPoint);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * spec.hashCode() + Arrays.hashCode(scale)) + Arrays.hashCode(zeroPoint);
  }

  @Override
  public String toString() {
    return spec
        + (scale.length == 1
            ? ", scale " + scale[0] + ", zero point " + zeroPoint[0]
            : ", " + scale.length + " channel scales");
  }
}
