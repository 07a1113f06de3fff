/**
 * Mixed precision in the notebook: why layers deserve different bits. {@link bitlab.dsl.mixed.Sensitivity}
 * quantizes one layer at a time and measures what each costs in accuracy; {@link bitlab.dsl.mixed.Tradeoffs}
 * puts hand-made policies side by side on accuracy, size, BOPs and latency on targets;
 * {@link bitlab.dsl.mixed.ProxyStudy} prices random policies to show how often BOPs or size rank two
 * policies the other way round from a target's latency.
 */
package bitlab.dsl.mixed;
