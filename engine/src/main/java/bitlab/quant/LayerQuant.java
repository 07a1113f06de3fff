package bitlab.quant;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One quantized layer as the integer executor needs it: the BatchNorm-folded float weights, their
 * integer codes (int32 array of the weight's shape, PyTorch layout) and per-channel parameters, the
 * bias (after any bias correction; in a static quantized model on the int32 grid {@code S_w·S_in} of its
 * input, see {@link BiasGrid}), and the
 * activation points it reads and writes (null: float input, or the model's logits).
 * The arrays are shared: treat them as read-only.
 */
public record LayerQuant(
    String layer,
    LayerBits bits,
    QuantParams weights,
    INDArray codes,
    INDArray folded,
    INDArray dequantized,
    INDArray bias,
    String input,
    String output) {

  public boolean quantized() {
    return weights != null;
  }

  /** The same layer with another bias. */
  public LayerQuant withBias(INDArray b) {
    return new LayerQuant(layer, bits, weights, codes, folded, dequantized, b, input, output);
  }

  /** Mean squared error of the weight quantization. */
  public double weightMse() {
    if (!quantized()) return 0;
    double norm = dequantized.sub(folded).norm2Number().doubleValue();
    return norm * norm / folded.length();
  }
}
