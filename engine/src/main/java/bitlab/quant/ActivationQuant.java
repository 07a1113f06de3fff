package bitlab.quant;

/**
 * One quantized activation tensor: where it is, its quantizer and, for static quantization, the
 * calibrated parameters with the clipping range and the histogram they came from. Dynamic
 * quantization has no parameters ({@code params == null}): the range is taken per batch at run time.
 */
public record ActivationQuant(
    ActivationPoints.Point point,
    QuantSpec spec,
    QuantParams params,
    Calibration.Range range,
    Histogram histogram) {

  public boolean dynamic() {
    return params == null;
  }

  public String node() {
    return point.node();
  }
}
