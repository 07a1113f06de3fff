/**
 * The hardware face of the notebook vocabulary: the target catalogue as a table, targets that
 * render their parameters and sources, targets declared inline in a session, and models priced
 * on a target ({@link bitlab.dsl.hardware.CostReport}) with their tables and charts (per-layer
 * latency, two policies side by side, rooflines).
 *
 * <p>The hardware module prices layer workloads and never sees a model; this package is where a
 * {@link bitlab.model.Model} meets a {@link bitlab.hardware.Target}. Notebook cells reach it
 * through {@link bitlab.dsl.Bitlab}; the CLI through {@code bitlab hardware} and {@code bitlab cost}.
 */
package bitlab.dsl.hardware;
