package bitlab.dsl.hawq;

import bitlab.data.Dataset;
import bitlab.hardware.Bits;
import bitlab.hardware.Target;
import bitlab.model.Model;
import bitlab.quant.Observations;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.Quantizer;
import bitlab.search.Budget;
import bitlab.search.hawq.Hawq;
import bitlab.search.hawq.HawqException;
import bitlab.search.hawq.HessianTraces;
import bitlab.search.hawq.Plan;
import bitlab.search.hawq.TraceOptions;
import bitlab.search.hawq.Traces;
import bitlab.task.ParallelMap;
import bitlab.task.Work;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * {@code hawq(net, data).bits(4, 8).size(0.5).latency(edge, 0.7).solve()}: the notebook face of
 * HAWQ-V3. Every call returns a new builder; the Hessian traces are computed once (on first
 * {@link #solve()}, {@link #pareto} or {@link #traces()}) and shared by builders that differ only in
 * candidates, budgets, fixed layers and ties.
 */
public final class HawqBuilder {
  /** Calibration images for PTQ accuracies (the first training images). */
  static final int CALIBRATION = 256;

  private final Model model;
  private final Dataset data;
  private final TraceOptions options;
  private final TraceCache cache;
  private final UnaryOperator<Hawq> plan;
  private final int threads;

  /** Traces shared by builders with the same model, data and trace options. */
  private static final class TraceCache {
    private Traces traces;

    synchronized Traces get(Model m, Dataset d, TraceOptions o) {
      if (traces == null) traces = HessianTraces.estimate(m, d.train(), o);
      return traces;
    }
  }

  private HawqBuilder(
      Model model,
      Dataset data,
      TraceOptions options,
      TraceCache cache,
      UnaryOperator<Hawq> plan,
      int threads) {
    this.model = model;
    this.data = data;
    this.options = options;
    this.cache = cache;
    this.plan = plan;
    this.threads = threads;
  }

  public static HawqBuilder of(Model model, Dataset data) {
    if (model == null || data == null)
      throw new HawqException(
          "hawq(net, data) needs a model and a data set, e.g. hawq(zoo(\"lenet5\"), mnist()).");
    return new HawqBuilder(
        model,
        model.prepare(data),
        TraceOptions.DEFAULT,
        new TraceCache(),
        h -> h,
        ParallelMap.defaultThreads());
  }

  private HawqBuilder then(UnaryOperator<Hawq> step) {
    UnaryOperator<Hawq> before = plan;
    return new HawqBuilder(model, data, options, cache, h -> step.apply(before.apply(h)), threads);
  }

  private HawqBuilder traceOptions(TraceOptions o) {
    return new HawqBuilder(model, data, o, new TraceCache(), plan, threads);
  }

  // ---- candidates ----

  /** Candidate widths, weights and activations alike: {@code bits(4, 8)}, {@code bits(2, 3, 4, 5, 6, 7, 8)}. */
  public HawqBuilder bits(int... widths) {
    return then(h -> h.bits(widths));
  }

  /** Candidate pairs, e.g. {@code candidates(bits(4, 8), bits(8, 8))}. */
  public HawqBuilder candidates(Bits... pairs) {
    return then(h -> h.candidates(List.of(pairs)));
  }

  /** Weight widths with activations fixed at one width: {@code weightBits(8, 2, 4, 8)} is W2A8, W4A8, W8A8. */
  public HawqBuilder weightBits(int activations, int... weights) {
    return then(h -> h.candidates(
        Arrays.stream(weights).mapToObj(w -> Bits.of(w, activations)).toList()));
  }

  // ---- budgets ----

  /**
   * Model size at this point from every layer at its lowest candidate (0) to every layer at its highest (1):
   * {@code Budget.sizeBetween(point)}. This is what {@code .size(0.5)} has always meant in HAWQ-V3 (HAQ's
   * {@code .size(0.5)} is a fraction of the all-8-bit size instead); {@link #budget(Budget)} takes any budget,
   * e.g. {@code Budget.sizeOf8Bit(0.5)}.
   */
  public HawqBuilder size(double point) {
    return budget(Budget.sizeBetween(point));
  }

  /** Model size in bytes, KB, MB (decimal) or KiB, MiB: {@code size(0.04, "MB")}, i.e. {@code Budget.sizeBytes}. */
  public HawqBuilder size(double amount, String unit) {
    return budget(Budget.amount(Budget.Metric.SIZE, amount, unit));
  }

  /** BOPs at this point from the cheapest policy (0) to the dearest (1): {@code Budget.bopsBetween(point)}. */
  public HawqBuilder bops(double point) {
    return budget(Budget.bopsBetween(point));
  }

  /** Bit operations per image, absolute ({@code b_w * b_a * MACs} summed): {@code Budget.bops(bops)}. */
  public HawqBuilder bopsAtMost(double bops) {
    return budget(Budget.bops(bops));
  }

  /** Latency on a target at this point from the cheapest policy (0) to the dearest (1): {@code Budget.latencyBetween(point).on(target)}. */
  public HawqBuilder latency(Target target, double point) {
    return budget(Budget.latencyBetween(point).on(target));
  }

  /** Latency on a target at most this many milliseconds: {@code Budget.latencyMs(millis).on(target)}. */
  public HawqBuilder latencyMs(Target target, double millis) {
    return budget(Budget.latencyMs(millis).on(target));
  }

  /** Energy on a target at this point from the cheapest policy (0) to the dearest (1). */
  public HawqBuilder energy(Target target, double point) {
    return budget(Budget.energyBetween(point).on(target));
  }

  /** Energy on a target at most this many millijoules: {@code Budget.energyMj(millijoules).on(target)}. */
  public HawqBuilder energyMj(Target target, double millijoules) {
    return budget(Budget.energyMj(millijoules).on(target));
  }

  /**
   * Any budget: {@code Budget.sizeOf8Bit(0.5)}, {@code Budget.latencyOf8Bit(0.6).on(edge)},
   * {@code Budget.sizeKib(30)}... A second budget of the same metric (and target) replaces the first.
   */
  public HawqBuilder budget(Budget b) {
    return then(h -> h.budget(b));
  }

  // ---- constraints ----

  /** Keeps a layer at one width (weights and activations). */
  public HawqBuilder fix(String layer, int bits) {
    return fix(layer, Bits.uniform(bits));
  }

  public HawqBuilder fix(String layer, Bits bits) {
    return then(h -> h.fix(layer, bits));
  }

  /** Keeps the first and last layers with weights at one width (common practice: 8). */
  public HawqBuilder fixFirstAndLast(int bits) {
    List<String> l = model.layerNames();
    return fix(l.get(0), bits).fix(l.get(l.size() - 1), bits);
  }

  /** Layers that must share one pair. */
  public HawqBuilder tie(String... layers) {
    return then(h -> h.tie(layers));
  }

  /** Ties each residual downsample convolution to its block's first convolution. */
  public HawqBuilder tieDownsamples() {
    return then(Hawq::tieDownsamples);
  }

  /**
   * How long the ILP may search, in seconds (default 20): after it the plan is the best found, and
   * says how far above the optimum it may be.
   */
  public HawqBuilder timeLimit(double seconds) {
    java.time.Duration limit = bitlab.search.hawq.IlpSolver.timeLimit(seconds);
    return then(h -> h.timeLimit(limit));
  }

  // ---- Hutchinson ----

  /** Training images the Hessian is averaged over (default 256). */
  public HawqBuilder images(int n) {
    return traceOptions(options.withImages(n));
  }

  /** At most this many Hutchinson probes (default 100; at least 8 unless fewer). */
  public HawqBuilder probes(int max) {
    return traceOptions(options.withIterations(Math.min(options.minIterations(), max), max));
  }

  public HawqBuilder tolerance(double relative) {
    return traceOptions(options.withTolerance(relative));
  }

  public HawqBuilder seed(long seed) {
    return traceOptions(options.withSeed(seed));
  }

  /**
   * Rademacher probes in the images' logits (the default): one gradient per probe gives every layer's
   * sample, exact for piecewise-linear networks.
   */
  public HawqBuilder outputProbes() {
    return traceOptions(options.withProbes(TraceOptions.Probes.OUTPUT));
  }

  /**
   * One Rademacher probe per layer in its weights: one forward pass per layer and probe
   * ({@code curvature("exact")}: one Hessian-vector product; {@code "gradients"}: two gradients).
   */
  public HawqBuilder perLayerProbes() {
    return traceOptions(options.withProbes(TraceOptions.Probes.PER_LAYER));
  }

  /**
   * One joint probe over all layers, one exact Hessian-vector product per probe whatever the number of
   * layers: cheaper on deep models, noisier (each layer's estimate also carries cross terms with the other layers).
   */
  public HawqBuilder jointProbes() {
    return traceOptions(options.withProbes(TraceOptions.Probes.JOINT));
  }

  /**
   * How a per-layer or joint probe's {@code v^T H v} is computed: {@code "jacobian"} (the per-layer default:
   * from the logits' exact derivative, exact for piecewise-linear networks), {@code "exact"} (the joint
   * default: an exact Hessian-vector product, any network) or {@code "gradients"} (central differences of
   * gradients in double, kept as a check; also sees the ReLU kinks within its step). Output probes are
   * always jacobian.
   */
  public HawqBuilder curvature(TraceOptions.Curvature how) {
    if (how == null)
      throw new HawqException(
          "Give a curvature: Curvature.JACOBIAN, Curvature.EXACT or Curvature.GRADIENTS.");
    return traceOptions(options.withCurvature(how));
  }

  /** The same by name: {@code "jacobian"}, {@code "exact"} or {@code "gradients"} (read by {@code Curvature.parse}). */
  public HawqBuilder curvature(String how) {
    return curvature(TraceOptions.Curvature.parse(how));
  }

  /**
   * PTQ accuracies of a Pareto sweep scored this many at once (default one per core,
   * {@code -Dbitlab.search.threads=N}); the accuracies are the same for any number.
   */
  public HawqBuilder threads(int n) {
    if (n < 1)
      throw new HawqException("Accuracies are scored on at least 1 thread, got " + n + ".");
    return new HawqBuilder(model, data, options, cache, plan, n);
  }

  // ---- results ----

  public Traces traces() {
    return cache.get(model, data, options);
  }

  /**
   * Hutchinson's estimates beside the exact traces of the layers that have a closed form (the final
   * Linear classifier, and the Linear layer before it when one ReLU joins them), on the same images.
   */
  public TraceCheck exactCheck() {
    Traces t = traces();
    return new TraceCheck(
        t, bitlab.search.hawq.ExactTraces.lastLayers(model, data.train().take(options.images())));
  }

  /** {@code Omega_i(b)} of every layer at these weight widths, e.g. {@code perturbations(2, 4, 8)}. */
  public Perturbations perturbations(int... widths) {
    return new Perturbations(model, traces(), widths);
  }

  /**
   * Omega's prediction of the loss change ({@code Omega / 2}) against the change measured by rounding
   * one layer's weights at a time, at these widths, on the images the traces were taken on, with the
   * two Taylor terms along the actual rounding ({@code g'dW} and {@code 1/2 dW'H dW}).
   */
  public OmegaCheck omegaCheck(int... widths) {
    return new OmegaCheck(model, data.train().take(options.images()), perturbations(widths));
  }

  /**
   * Plans with measured damage instead of the Hessian's Ω: each layer's Ω at a width is twice the
   * loss increase when that layer alone is rounded, on as many validation images as the traces take
   * (images the model never trained on; see {@code Hawq.measuredDamage}).
   * Use it with 2- or 3-bit candidates, where the second-order estimate underrates the damage.
   */
  public HawqBuilder measuredDamage() {
    return then(h -> h.measuredDamage(data.validation(options.images())));
  }

  /** The engine planner with everything declared so far. */
  public Hawq planner() {
    return plan.apply(Hawq.of(model, traces()));
  }

  /** The optimal plan. */
  public HawqResult solve() {
    return new HawqResult(planner().solve(), this);
  }

  /**
   * Optimal plans at {@code points} budgets evenly spaced from the cheapest to the dearest policy,
   * sweeping the first declared budget (model size if none), with perturbation and, when
   * {@code accuracy} is true, PTQ accuracy on the validation images, uniform policies beside them.
   */
  public ParetoResult pareto(int points, boolean accuracy) {
    if (points < 2)
      throw new HawqException("A Pareto sweep needs at least 2 budgets, got " + points + ".");
    double[] f = new double[points];
    for (int i = 0; i < points; i++) f[i] = (double) i / (points - 1);
    return pareto(accuracy, f);
  }

  /**
   * Optimal plans with the first declared budget (model size between the extremes if none) at these
   * values of its own scale (see {@link #pareto(int, boolean)}).
   */
  public ParetoResult pareto(boolean accuracy, double... fractions) {
    Hawq h = planner();
    Budget swept = h.budgets().isEmpty() ? Budget.sizeBetween(1) : h.budgets().get(0);
    List<Plan> plans = h.sweep(swept, fractions);
    if (!accuracy || plans.isEmpty())
      return new ParetoResult(swept, fractions.clone(), plans, List.of(), List.of(), 0);
    List<Policy> policies = new ArrayList<>();
    for (Plan p : plans) policies.add(p.policy());
    Plan any = plans.get(plans.size() - 1);
    for (Plan.Uniform u : any.uniform())
      policies.add(Policy.of(any.model(), Collections.nCopies(any.layers().size(), u.bits())));
    List<Double> acc = ptqAccuracies(policies);
    return new ParetoResult(
        swept,
        fractions.clone(),
        plans,
        acc.subList(0, plans.size()),
        acc.subList(plans.size(), acc.size()),
        data.validation().size());
  }

  /**
   * PTQ accuracies of several policies (as {@link #ptqAccuracy}), calibrated once and scored on
   * {@link #threads} threads at once, in the order given.
   */
  public List<Double> ptqAccuracies(List<Policy> policies) {
    bitlab.data.Samples validation = data.validation();
    Observations observed =
        Observations.of(model, data.calibration(CALIBRATION), PtqConfig.DEFAULT.bins());
    List<Double> out = ParallelMap.map(
        policies,
        threads,
        p -> bitlab.integer.Deployment.evaluate(
                Quantizer.ptq(observed, p, PtqConfig.DEFAULT), validation)
            .accuracy(),
        n -> Work.report(String.format(
            "HAWQ-V3 Pareto sweep of %s: %d of %d policies scored",
            model.name(), n, policies.size())));
    Work.checkpoint();
    return out;
  }

  public ParetoResult pareto(int points) {
    return pareto(points, false);
  }

  /**
   * Top-1 accuracy of the model on the validation images after static PTQ under a policy (min-max, per channel,
   * 256 calibration images): what a sweep compares policies by.
   */
  public double ptqAccuracy(Policy policy) {
    return bitlab.integer.Deployment.evaluate(
            Quantizer.ptq(model, policy, data.calibration(CALIBRATION), PtqConfig.DEFAULT),
            data.validation())
        .accuracy();
  }

  /** As {@link #ptqAccuracy} on the test images: for a policy already chosen. */
  public double testAccuracy(Policy policy) {
    return testEvaluation(policy).accuracy();
  }

  /** {@link #testAccuracy} with its counts, for the interval ({@code interval95Text()}). */
  public bitlab.model.Evaluation testEvaluation(Policy policy) {
    return bitlab.integer.Deployment.evaluate(
        Quantizer.ptq(model, policy, data.calibration(CALIBRATION), PtqConfig.DEFAULT),
        data.test());
  }

  public Model model() {
    return model;
  }

  public Dataset data() {
    return data;
  }
}
