package bitlab.quant;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fake quantization as SameDiff ops: {@code code = clamp(round(x / s) + z, qmin, qmax)},
 * {@code x̂ = (code - z) · s}, the same float32 steps as {@link QuantParams#fakeQuantize}.
 * For training, the straight-through estimator passes the gradient where {@code x} lies inside the
 * clipping range and nowhere else: {@code x̂ = s · (v_c + stopGradient(code - z - v_c))} with
 * {@code v_c = clamp(x / s, qmin - z, qmax - z)}.
 */
final class FakeQuant {
  /** Name-scope prefix of fake-quantization ops (scopes keep their op names apart from the model's node names). */
  static final String SCOPE = "fq_";

  private FakeQuant() {}

  static SDVariable stopGradient(SameDiff sd, SDVariable x) {
    return new StopGradient(sd, x).outputVariable();
  }

  /** Calibrated (fixed) parameters; per-channel scales apply along axis 0 (weights). */
  static SDVariable fixed(SameDiff sd, SDVariable x, QuantParams p, long[] shape, boolean ste) {
    if (p.channels() == 1) {
      return apply(sd, x, null, p.scale(0), p.zeroPoint(0), p.spec(), ste);
    }
    SDVariable s = sd.constant(Nd4j.createFromArray(p.scale()).reshape(channelShape(shape)));
    for (int z : p.zeroPoint()) {
      if (z != 0) throw new QuantException("Per-channel quantizers with zero points are not supported; use symmetric per-channel weights.");
    }
    return apply(sd, x, s, 0, 0, p.spec(), ste);
  }

  /** Learned step size (Esser et al., LSQ): {@code step} is a trainable variable, its gradient scaled by {@code gradScale}. */
  static SDVariable learned(SameDiff sd, SDVariable x, SDVariable step, QuantSpec spec, double gradScale) {
    SDVariable scaled = step.mul(gradScale);
    SDVariable s = scaled.add(stopGradient(sd, step.sub(scaled)));
    return apply(sd, x, s, 0, 0, spec, true);
  }

  /** A scale given as a graph variable (broadcast against {@code x}), symmetric. */
  static SDVariable withScale(SameDiff sd, SDVariable x, SDVariable scale, QuantSpec spec, boolean ste) {
    return apply(sd, x, scale, 0, 0, spec, ste);
  }

  /** Dynamic: the scale is taken from the tensor itself (this batch's largest magnitude), symmetric. */
  static SDVariable dynamic(SameDiff sd, SDVariable x, QuantSpec spec) {
    SDVariable m = spec.signed() ? sd.math().abs(x).max() : x.max();
    SDVariable s = sd.math().max(m.div((double) spec.qmax()), sd.constant(Nd4j.scalar(DataType.FLOAT, QuantParams.MIN_SCALE)));
    return apply(sd, x, s, 0, 0, spec, false);
  }

  /** Binary: {@code α·sign(x)} with sign(0) = +1; STE passes the gradient unchanged. */
  static SDVariable binary(SameDiff sd, SDVariable x, SDVariable alpha, boolean ste) {
    SDVariable sign = x.gte(0.0).castTo(DataType.FLOAT).mul(2.0).sub(1.0);
    SDVariable b = alpha == null ? sign : sign.mul(alpha);
    return ste ? x.add(stopGradient(sd, b.sub(x))) : b;
  }

  private static SDVariable apply(SameDiff sd, SDVariable x, SDVariable sVar, float s, int z, QuantSpec spec, boolean ste) {
    SDVariable v = sVar == null ? x.div((double) s) : x.div(sVar);
    // Rounding has no derivative: it reads a gradient-free copy (the STE below supplies the gradient).
    // Without STE the graph is for inference only and may use the non-differentiable short form.
    SDVariable rounded = ste ? spec.rounding().round(sd, stopGradient(sd, v)) : spec.rounding().roundForInference(sd, v);
    SDVariable shifted = z == 0 ? rounded : rounded.add((double) z);
    // Inference clamps with two scalar ops (the same values; libnd4j's clip_by_value is several times slower).
    SDVariable code = ste ? sd.math().clipByValue(shifted, spec.qmin(), spec.qmax())
        : sd.scalarMin(sd.scalarMax(shifted, spec.qmin()), spec.qmax());
    SDVariable centred = z == 0 ? code : code.sub((double) z);
    if (!ste) return sVar == null ? centred.mul((double) s) : centred.mul(sVar);
    SDVariable vc = sd.math().clipByValue(v, spec.qmin() - z, spec.qmax() - z);
    SDVariable through = vc.add(stopGradient(sd, centred.sub(vc)));
    return sVar == null ? through.mul((double) s) : through.mul(sVar);
  }

  static long[] channelShape(long[] shape) {
    long[] s = new long[shape.length];
    java.util.Arrays.fill(s, 1);
    s[0] = shape[0];
    return s;
  }
}
