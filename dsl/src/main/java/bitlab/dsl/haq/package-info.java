/**
 * HAQ in the notebook and on the CLI: the {@code haq(net, data)} builder and how a
 * {@link bitlab.search.haq.HaqResult} renders (summary against the baselines, the bit table, a
 * per-layer bit chart with depthwise layers told apart, the search history).
 */
package bitlab.dsl.haq;
