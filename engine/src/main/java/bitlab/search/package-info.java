/**
 * What the searches share: {@link bitlab.search.Budget}, one resource limit read the same way by HAQ
 * ({@code bitlab.search.haq}), HAWQ-V3 ({@code bitlab.search.hawq}), random search, Pareto sweeps and the
 * command line, and {@link bitlab.search.BudgetException}, the sentence for a budget no policy meets.
 */
package bitlab.search;
