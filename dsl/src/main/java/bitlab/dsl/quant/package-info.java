/**
 * Quantization in the notebook: the {@link bitlab.dsl.quant.QuantizeBuilder} behind
 * {@code quantize(net, policy).calibrate(data).build()}, comparison tables, histogram charts with the
 * clipping range marked, and the renderers of policies and quantized models
 * ({@link bitlab.dsl.quant.QuantRenderers}, a {@code RendererProvider} service).
 */
package bitlab.dsl.quant;
