/**
 * One tensor quantized by hand, for teaching and inspection: {@link bitlab.dsl.tensor.Tensor} (a layer's
 * weights or any list of numbers, with statistics, histograms and error measures),
 * {@link bitlab.dsl.tensor.TensorQuantizer} (scale, zero point, rounding and clamping step by step),
 * {@link bitlab.dsl.tensor.BitSweep} (quantization error against bit width),
 * {@link bitlab.dsl.tensor.ClippingCurve} (error against the clipping value, measured beside ACIQ's
 * analytic expectation, with every calibration method's choice marked) and
 * {@link bitlab.dsl.tensor.XnorDot} (a binary dot product by XNOR and popcount). The arithmetic is the
 * engine's ({@link bitlab.quant.QuantParams}, {@link bitlab.quant.Calibration},
 * {@link bitlab.quant.AciqClipping}); this package only lays it out.
 */
package bitlab.dsl.tensor;
