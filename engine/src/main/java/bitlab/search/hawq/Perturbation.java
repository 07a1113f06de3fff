package bitlab.search.hawq;

import bitlab.model.Model;
import bitlab.quant.Calibration;
import bitlab.quant.PtqConfig;
import bitlab.quant.WeightQuantizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * HAWQ-V3's second-order perturbation of one layer at one weight width:
 * {@code Omega_i(b) = avgTr(H_i) * ||Q_b(W_i) - W_i||^2}.
 *
 * <p>{@code Q_b} is the weight quantizer PTQ uses ({@link bitlab.quant.WeightQuantizer} with
 * {@link bitlab.quant.PtqConfig#DEFAULT}'s weight spec: symmetric, per output channel, min-max range), so
 * the perturbation is that of the weights PTQ will run with. PTQ quantizes BatchNorm-folded weights
 * {@code W_c * gamma_c / sigma_c}; a per-channel symmetric quantizer scales with its channel, so the
 * error mapped back to the unfolded weights is {@code Q_b(W_c) - W_c} up to float rounding, and the
 * perturbation is measured on the weights the Hessian was taken for.
 */
public final class Perturbation {
  private Perturbation() {}

  /** {@code ||Q_b(W) - W||^2} for a weight tensor whose first axis is the output channel. */
  public static double squaredError(INDArray weight, int bits) {
    INDArray q = quantized(weight, bits);
    INDArray d = q.castTo(DataType.DOUBLE).sub(weight.castTo(DataType.DOUBLE));
    return d.mul(d).sumNumber().doubleValue();
  }

  /**
   * {@code Omega} of one layer of the model at a weight width, from its average trace. A negative
   * trace estimate (noise around a near-zero curvature, or a saddle) counts as zero: a perturbation
   * cannot lower the loss to second order at a trained minimum, and a negative Omega would reward
   * quantization error.
   */
  public static double omega(Model model, String layer, double averageTrace, int bits) {
    return Math.max(averageTrace, 0)
        * squaredError(model.param(model.node(layer).param("weight")), bits);
  }

  /** {@code Q_b(W)} of a weight tensor: what PTQ runs with, as floats (see {@link #squaredError}). */
  public static INDArray quantized(INDArray weight, int bits) {
    if (bits < 1 || bits > 16)
      throw new HawqException("Weight width " + bits + " is outside 1..16.");
    return WeightQuantizer.quantize(
            "weight", weight, PtqConfig.DEFAULT.weightSpec(bits), Calibration.MINMAX)
        .dequantized();
  }
}
