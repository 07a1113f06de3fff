package bitlab.quant;

/**
 * How one tensor is quantized: bit width, signedness, symmetric (zero point 0) or asymmetric
 * (with a zero point), per tensor or per output channel, and the rounding mode.
 *
 * <p>Integer ranges: signed symmetric uses the narrow range {@code [-(2^(b-1)-1), 2^(b-1)-1]}
 * (so that {@code -q} is representable, as DESIGN's integer contract asks); unsigned uses
 * {@code [0, 2^b-1]}; asymmetric is always unsigned {@code [0, 2^b-1]} with a zero point.
 * One-bit signed symmetric is the binary case {@code {-1, +1}} (sign), with no zero.
 */
public record QuantSpec(
    int bits, boolean signed, boolean symmetric, Granularity granularity, Rounding rounding) {

  public static final QuantSpec INT8_WEIGHT_PER_CHANNEL = weights(8);
  public static final QuantSpec INT8_WEIGHT_PER_TENSOR =
      weights(8).withGranularity(Granularity.PER_TENSOR);
  public static final QuantSpec INT4_WEIGHT_PER_CHANNEL = weights(4);
  public static final QuantSpec UINT8_ACT_PER_TENSOR =
      new QuantSpec(8, false, true, Granularity.PER_TENSOR, Rounding.HALF_EVEN);
  public static final QuantSpec INT8_ACT_PER_TENSOR =
      new QuantSpec(8, true, true, Granularity.PER_TENSOR, Rounding.HALF_EVEN);
  public static final QuantSpec UINT8_ACT_ASYMMETRIC =
      new QuantSpec(8, false, false, Granularity.PER_TENSOR, Rounding.HALF_EVEN);
  public static final QuantSpec BINARY_WEIGHT_PER_CHANNEL = weights(1);

  public QuantSpec {
    if (bits < 1 || bits > 16) {
      throw new QuantException("A quantizer width of " + bits
          + " bits is not supported; use 1..16 (32 means: leave it in float).");
    }
    if (granularity == null)
      throw new QuantException("A quantizer needs a granularity: PER_TENSOR or PER_CHANNEL.");
    if (rounding == null)
      throw new QuantException(
          "A quantizer needs a rounding mode: HALF_EVEN, HALF_AWAY or HALF_UP.");
    if (!symmetric && signed) {
      throw new QuantException(
          "An asymmetric quantizer is unsigned with a zero point; use signed=false with symmetric=false.");
    }
  }

  /** Signed symmetric per-channel weights at {@code bits}, rounding half to even (DESIGN's weight rule). */
  public static QuantSpec weights(int bits) {
    return new QuantSpec(bits, true, true, Granularity.PER_CHANNEL, Rounding.HALF_EVEN);
  }

  /** Per-tensor activations: unsigned (after ReLU) or signed symmetric. */
  public static QuantSpec activations(int bits, boolean signed) {
    return new QuantSpec(bits, signed, true, Granularity.PER_TENSOR, Rounding.HALF_EVEN);
  }

  /** True for the 1-bit signed case: values are {@code ±scale}. */
  public boolean binary() {
    return bits == 1 && signed;
  }

  /** The smallest integer code. */
  public int qmin() {
    if (binary()) return -1;
    return signed ? -((1 << (bits - 1)) - 1) : 0;
  }

  /** The largest integer code. */
  public int qmax() {
    if (binary()) return 1;
    return signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
  }

  /** Number of representable codes. */
  public int levels() {
    return binary() ? 2 : qmax() - qmin() + 1;
  }

  public QuantSpec withBits(int b) {
    return new QuantSpec(b, signed, symmetric, granularity, rounding);
  }

  public QuantSpec withSymmetric(boolean s) {
    return new QuantSpec(bits, !s ? false : signed, s, granularity, rounding);
  }

  public QuantSpec withGranularity(Granularity g) {
    return new QuantSpec(bits, signed, symmetric, g, rounding);
  }

  public QuantSpec withRounding(Rounding r) {
    return new QuantSpec(bits, signed, symmetric, granularity, r);
  }

  /** E.g. {@code int8 symmetric per-channel half_even}. */
  @Override
  public String toString() {
    return (signed ? "int" : "uint")
        + bits
        + (symmetric ? " symmetric " : " asymmetric ")
        + (granularity == Granularity.PER_CHANNEL ? "per-channel " : "per-tensor ")
        + rounding.name().toLowerCase();
  }
}
