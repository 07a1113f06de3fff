package bitlab.quant;

/**
 * One quantized activation tensor: where it is, its quantizer and, for static quantization, the
 * calibrated parameters with the clipping range and the histogram they came from. Dynamic
 * quantization has no parameters ({@code params == null}): the range is taken per batch at run time.
 * Under per-channel bit allocation ({@link BitAllocation}, simulated only) {@code channelBits} holds each channel's
 * width and {@code params} one scale and zero point per channel (their spec the widest channel's); {@code spec} keeps
 * the tensor's budget, the mean width. Otherwise {@code channelBits} is null.
 */
public record ActivationQuant(
    ActivationPoints.Point point,
    QuantSpec spec,
    QuantParams params,
    Calibration.Range range,
    Histogram histogram,
    int[] channelBits) {

  public ActivationQuant(
      ActivationPoints.Point point,
      QuantSpec spec,
      QuantParams params,
      Calibration.Range range,
      Histogram histogram) {
    this(point, spec, params, range, histogram, null);
  }

  /** Whether its channels have widths of their own (bit allocation; no integer program runs that). */
  public boolean allocated() {
    return channelBits != null;
  }

  public boolean dynamic() {
    return params == null;
  }

  public String node() {
    return point.node();
  }
}
