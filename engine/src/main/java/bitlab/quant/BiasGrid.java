package bitlab.quant;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A layer's bias as every deployed runtime adds it: int32 codes on the accumulator's step {@code S_in·S_w[c]}
 * (ONNX Runtime's QLinearConv, TFLite, HAWQ-V3's integer-only kernels). A static quantized model keeps its biases on
 * this grid, so the simulation, the integer program and the QDQ export all add the same bias.
 *
 * <p>Keeping each bias's fraction of a step instead (as bitlab did before) made the integer program agree with its
 * simulation but not with any runtime running the export: those round the fraction away. Measured on the minis at
 * W8A8, W4A8 and W4A4, the grid costs at most a few test images (engine README, "Biases on the int32 grid").
 */
public final class BiasGrid {
  private BiasGrid() {}

  /** {@code S_in·S_w[c]} in double, the one product the simulation, the executor and the export use. */
  public static double step(QuantParams input, QuantParams weights, int c) {
    return (double) input.scale(0) * weights.scale(c);
  }

  /**
   * The bias in accumulator steps, rounded with {@code rounding}; null when the layer has no bias. A bias already on
   * the grid gives its own codes back (the float32 value is within half a step of the code below 2^23 steps).
   */
  public static double[] codes(LayerQuant l, QuantParams input, Rounding rounding) {
    if (l.bias() == null) return null;
    float[] b = l.bias().castTo(DataType.FLOAT).dup().data().asFloat();
    double[] out = new double[b.length];
    for (int c = 0; c < b.length; c++) out[c] = rounding.round(b[c] / step(input, l.weights(), c));
    return out;
  }

  /**
   * The layer with its bias moved to the grid of {@code input} (itself when it has no bias, is not quantized or reads
   * a tensor without one static scale).
   */
  static LayerQuant onGrid(LayerQuant l, ActivationQuant input, Rounding rounding) {
    // Per-channel activation widths (bit allocation) have no one input scale: simulated only, the
    // bias stays float.
    if (l.bias() == null
        || !l.quantized()
        || input == null
        || input.dynamic()
        || input.params().channels() > 1) return l;
    double[] k = codes(l, input.params(), rounding);
    float[] b = new float[k.length];
    for (int c = 0; c < b.length; c++) b[c] = (float) (k[c] * step(input.params(), l.weights(), c));
    return l.withBias(Nd4j.createFromArray(b));
  }
}
