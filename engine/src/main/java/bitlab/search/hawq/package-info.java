/**
 * HAWQ-V3: Hessian-aware mixed precision by integer linear programming (Yao et al., ICML 2021).
 *
 * <h2>Flow</h2>
 * <ol>
 *   <li>{@link bitlab.search.hawq.HessianTraces#estimate}: per layer the trace of the loss Hessian's
 *       block for its weights, by Hutchinson's estimator with Rademacher probes, on the float engine.
 *       By default the probes live in the logits and one gradient per probe gives every layer's sample
 *       (exact for piecewise-linear networks); per-layer probes (the logits' exact derivative, or exact
 *       Hessian-vector products by forward-over-reverse differentiation) and joint probes (exact products)
 *       are the alternatives, with central differences of gradients in double kept as a check. {@link bitlab.search.hawq.ExactTraces} gives the last
 *       layers' traces in closed form to check against. Stops when every layer's running mean changes by
 *       less than a relative tolerance; reports standard errors and keeps every probe's sample.</li>
 *   <li>{@link bitlab.search.hawq.Perturbation}: {@code Omega_i(b) = avgTr(H_i) * ||Q_b(W_i) - W_i||^2}
 *       with symmetric per-channel weight quantization.</li>
 *   <li>{@link bitlab.search.hawq.Hawq}: candidates, {@link bitlab.search.Budget}s (size, BOPs,
 *       latency and energy on any {@link bitlab.hardware.Target}, absolute or as a fraction between the
 *       cheapest and dearest policies), fixed layers and ties become an
 *       {@link bitlab.search.hawq.IlpProblem}.</li>
 *   <li>{@link bitlab.search.hawq.IlpSolver}: ojAlgo's branch and bound (up to 1,000 binaries), then
 *       an exact Lagrangian branch and bound ({@code Certificate}, iterative) that proves the answer
 *       optimal or corrects it; past the time limit (default 20 s) the best plan found and a proven
 *       lower bound on the optimum.</li>
 *   <li>{@link bitlab.search.hawq.Plan}: the policy, its perturbation, budget use and the uniform
 *       policies beside it; {@link bitlab.search.hawq.IlpJson} writes and reads the problem so that
 *       {@code ./bitlab ilp} replays it exactly.</li>
 * </ol>
 */
package bitlab.search.hawq;
