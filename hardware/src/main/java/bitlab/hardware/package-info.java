/**
 * Hardware cost models for mixed-precision quantization: the values ({@link bitlab.hardware.Bits},
 * {@link bitlab.hardware.Cost}, {@link bitlab.hardware.LayerCost}, {@link bitlab.hardware.ModelCost}),
 * a {@link bitlab.hardware.Target} that prices layer workloads, and {@link bitlab.hardware.CostTable}
 * for pricing policies inside search loops. Knows layer workloads only, never the model graph.
 */
package bitlab.hardware;
