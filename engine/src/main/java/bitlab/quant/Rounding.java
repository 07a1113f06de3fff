package bitlab.quant;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * How a real value becomes an integer. It is explicit everywhere (specs, quantized models, the
 * integer executor) because simulated and integer paths only agree to the last integer when they
 * round alike.
 */
public enum Rounding {
  /** Ties to the even neighbour (IEEE 754 default; PyTorch's {@code torch.round}, ONNX QuantizeLinear). */
  HALF_EVEN,
  /** Ties away from zero (C's {@code round}, TFLite's reference kernels). */
  HALF_AWAY,
  /** Ties towards positive infinity: {@code floor(x + 0.5)}, what an add-and-shift does in integers. */
  HALF_UP;

  /** Rounds one value. */
  public double round(double x) {
    switch (this) {
      case HALF_EVEN: return Math.rint(x);
      case HALF_AWAY: return Math.signum(x) * Math.floor(Math.abs(x) + 0.5);
      default: return Math.floor(x + 0.5);
    }
  }

  /**
   * The same rounding as SameDiff ops, exact in float32: with {@code a = |x|}, {@code f = floor(a)} and the
   * exact fraction {@code d = a - f}, the magnitude rounds up when {@code d > 1/2} or on a tie the mode
   * breaks upwards; the sign is put back last. (Built from differentiable ops only, so it can sit in a
   * training graph behind a straight-through estimator.)
   */
  public SDVariable round(SameDiff sd, SDVariable x) {
    SDVariable a = sd.math().abs(x);
    SDVariable f = sd.math().floor(a);
    SDVariable d = a.sub(f);
    SDVariable tie = d.eq(0.5).castTo(DataType.FLOAT);
    SDVariable tieUp;
    switch (this) {
      case HALF_EVEN: tieUp = f.sub(sd.math().floor(f.mul(0.5)).mul(2.0)); break;
      case HALF_AWAY: tieUp = sd.onesLike(x); break;
      default: tieUp = x.gte(0.0).castTo(DataType.FLOAT); break;
    }
    SDVariable up = d.gt(0.5).castTo(DataType.FLOAT).add(tie.mul(tieUp));
    return sd.math().sign(x).mul(f.add(up));
  }

  /**
   * The same values as {@link #round(SameDiff, SDVariable)} for graphs that are never differentiated
   * through this op: half-to-even is libnd4j's {@code rint} (one op instead of fifteen; it has no
   * derivative), the other modes keep the exact construction.
   */
  public SDVariable roundForInference(SameDiff sd, SDVariable x) {
    return this == HALF_EVEN ? new org.nd4j.linalg.api.ops.impl.transforms.strict.Rint(sd, x, false).outputVariable() : round(sd, x);
  }

  /** Parses a name case-insensitively ({@code half_even}, {@code half-away}, ...), listing the choices otherwise. */
  public static Rounding parse(String name) {
    for (Rounding r : values()) {
      if (r.name().equalsIgnoreCase(name.trim().replace('-', '_'))) return r;
    }
    throw new QuantException("Unknown rounding mode '" + name + "'; use half_even, half_away or half_up.");
  }
}
