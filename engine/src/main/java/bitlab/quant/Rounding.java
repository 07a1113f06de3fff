package bitlab.quant;

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
      case HALF_EVEN:
        return Math.rint(x);
      case HALF_AWAY:
        return Math.signum(x) * Math.floor(Math.abs(x) + 0.5);
      default:
        return Math.floor(x + 0.5);
    }
  }

  /** Parses a name case-insensitively ({@code half_even}, {@code half-away}, ...), listing the choices otherwise. */
  public static Rounding parse(String name) {
    for (Rounding r : values()) {
      if (r.name().equalsIgnoreCase(name.trim().replace('-', '_'))) return r;
    }
    throw new QuantException(
        "Unknown rounding mode '" + name + "'; use half_even, half_away or half_up.");
  }
}
