/**
 * Quantization: the classic family of methods, side by side on the same weights.
 *
 * <ul>
 *   <li>Values: {@link bitlab.quant.QuantSpec} (bits 1..16, signed or unsigned, symmetric or with a zero
 *       point, per tensor or per channel, {@link bitlab.quant.Rounding}), with presets such as
 *       {@code INT8_WEIGHT_PER_CHANNEL}; {@link bitlab.quant.QuantParams} (scales and zero points, the
 *       float32 reference arithmetic); {@link bitlab.quant.Policy} (per-layer weight and input-activation
 *       bits, JSON, BOPs and size), shared with hardware pricing and the searches.</li>
 *   <li>Calibration: {@link bitlab.quant.Observer} collects {@link bitlab.quant.Histogram}s on calibration
 *       images; {@link bitlab.quant.Calibration} turns one into a clipping range by min-max, percentile,
 *       MSE, KL divergence (TensorRT) or ACIQ (Laplace/Gaussian, {@link bitlab.quant.AciqClipping}).</li>
 *   <li>Passes: {@link bitlab.quant.BatchNormFolding}; {@link bitlab.quant.CrossLayerEqualization} (optional,
 *       data-free); {@link bitlab.quant.Quantizer} for static and dynamic PTQ (with optional
 *       {@link bitlab.quant.BiasCorrection}, measured on the quantized model, and {@link bitlab.quant.AdaRound},
 *       learned rounding of the weights on the quadratic form of each layer's output error,
 *       {@link bitlab.quant.LayerGram}); {@link bitlab.quant.Qat} for
 *       quantization-aware training (STE, optional learned step size); binarized networks in
 *       {@link bitlab.quant.binary}.</li>
 *   <li>Results: {@link bitlab.quant.QuantizedModel}, simulated on the float engine ({@link bitlab.nn.Net})
 *       with fake-quantization hooks ({@link bitlab.quant.FakeQuant}), carrying per-layer {@link bitlab.quant.LayerQuant} and per-tensor
 *       {@link bitlab.quant.ActivationQuant} for the integer executor.</li>
 * </ul>
 *
 * <p>Where activations are quantized is decided once, in {@link bitlab.quant.ActivationPoints}, following
 * DESIGN's integer-only contract and a {@link bitlab.quant.Placement} (the inputs of weighted layers by default,
 * with the residual stream kept at 8 bits and narrower views of it for the layers that read it; or every node
 * output).
 */
package bitlab.quant;
