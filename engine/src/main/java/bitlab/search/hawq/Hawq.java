package bitlab.search.hawq;

import bitlab.hardware.Bits;
import bitlab.hardware.CostTable;
import bitlab.hardware.LayerWorkload;
import bitlab.model.Model;
import bitlab.search.Budget;
import bitlab.search.BudgetException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HAWQ-V3 bit allocation for one model: its Hessian traces, the candidate bit pairs, budgets, fixed
 * layers and ties become an {@link IlpProblem}; {@link #solve()} returns the optimal {@link Plan}.
 * Each {@code with}/{@code budget}/{@code fix}/{@code tie} call returns a new planner, so a planner can
 * be shared and varied (a Pareto sweep varies one budget).
 */
public final class Hawq {
  private final Model model;
  private final Traces traces;
  private final List<Bits> candidates;
  private final List<Budget> budgets;
  private final Map<String, Bits> fixed;
  private final List<List<String>> ties;
  private final LossChange damage;
  private final java.time.Duration timeLimit;

  private Hawq(
      Model model,
      Traces traces,
      List<Bits> candidates,
      List<Budget> budgets,
      Map<String, Bits> fixed,
      List<List<String>> ties,
      LossChange damage,
      java.time.Duration timeLimit) {
    this.model = model;
    this.traces = traces;
    this.candidates = List.copyOf(candidates);
    this.budgets = List.copyOf(budgets);
    this.fixed = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fixed));
    this.ties = List.copyOf(ties);
    this.damage = damage;
    this.timeLimit = timeLimit;
  }

  /** A planner for this model with these traces; candidates W4A4 and W8A8 until told otherwise. */
  public static Hawq of(Model model, Traces traces) {
    if (!traces.model().equals(model.name())
        || traces.layers().size() != model.layers().size()) {
      throw new HawqException("The traces are of model '" + traces.model() + "' ("
          + traces.layers().size() + " layers) but the model is '" + model.name() + "' ("
          + model.layers().size() + " layers); trace this model first.");
    }
    return new Hawq(
        model,
        traces,
        List.of(Bits.W4A4, Bits.W8A8),
        List.of(),
        Map.of(),
        List.of(),
        null,
        IlpSolver.DEFAULT_TIME_LIMIT);
  }

  public Model model() {
    return model;
  }

  public Traces traces() {
    return traces;
  }

  public List<Bits> candidates() {
    return candidates;
  }

  public List<Budget> budgets() {
    return budgets;
  }

  /** Candidate pairs every layer chooses from. */
  public Hawq candidates(List<Bits> pairs) {
    if (pairs == null || pairs.isEmpty())
      throw new HawqException("Give at least one candidate bit pair.");
    for (Bits b : pairs) {
      if (!b.quantized())
        throw new HawqException("Candidate " + b + " is not a quantized pair; use widths 1..8.");
    }
    return new Hawq(
        model, traces, pairs.stream().distinct().toList(), budgets, fixed, ties, damage, timeLimit);
  }

  /** Candidates with weights and activations at the same width, e.g. {@code bits(4, 8)}. */
  public Hawq bits(int... widths) {
    return candidates(Arrays.stream(widths).mapToObj(Bits::uniform).toList());
  }

  /**
   * Adds a budget (a second budget of the same metric and target replaces the first). A latency or energy
   * budget names its target: {@code Budget.latencyOf8Bit(0.6).on(edge)}.
   */
  public Hawq budget(Budget b) {
    if (b.metric().onTarget() && b.target() == null) {
      throw new BudgetException(
          "HAWQ-V3 prices a " + b.metric().label() + " budget on the target it names; write " + b
              + " on a target, e.g. .on(hardware(\"bismo-edge\")).");
    }
    List<Budget> out = new ArrayList<>();
    for (Budget old : budgets) if (!old.name().equals(b.name())) out.add(old);
    out.add(b);
    return new Hawq(model, traces, candidates, out, fixed, ties, damage, timeLimit);
  }

  /**
   * Replaces the second-order estimate by the measured damage: each layer's Ω at a width becomes
   * {@code 2 * max(0, L(W + dW) - L(W))}, the loss increase when that layer alone is rounded (as PTQ
   * rounds it) on these images, doubled to stay in Ω's units ({@code Omega / 2} is HAWQ-V3's estimate
   * of that increase). This is no longer HAWQ-V3: it costs one forward pass per layer and width instead
   * of Hessian traces, and it holds at 2 bits, where the Taylor estimate underrates the damage by up to
   * an order of magnitude ({@code tutorials/10-hawq-sensitivity.ipynb}). Layers still add independently.
   */
  public Hawq measuredDamage(bitlab.data.Samples images) {
    return new Hawq(
        model, traces, candidates, budgets, fixed, ties, LossChange.on(model, images), timeLimit);
  }

  /**
   * How long the ILP may search (default {@link IlpSolver#DEFAULT_TIME_LIMIT}); after it, the plan is
   * the best found, with its proven distance from the optimum.
   */
  public Hawq timeLimit(java.time.Duration limit) {
    if (limit == null || limit.isZero() || limit.isNegative())
      throw new HawqException("The ILP's time limit must be positive, got " + limit + ".");
    return new Hawq(model, traces, candidates, budgets, fixed, ties, damage, limit);
  }

  public java.time.Duration timeLimit() {
    return timeLimit;
  }

  /** True if Ω is the measured loss increase ({@link #measuredDamage}) rather than the Hessian estimate. */
  public boolean measured() {
    return damage != null;
  }

  /** Keeps a layer at one pair (added to its candidates if it is not one). */
  public Hawq fix(String layer, Bits bits) {
    model.node(layer);
    if (!model.node(layer).quantizable())
      throw new HawqException(
          "Layer '" + layer + "' has no weights to fix; layers with weights are "
              + String.join(", ", model.layerNames()) + ".");
    Map<String, Bits> f = new LinkedHashMap<>(fixed);
    f.put(layer, bits);
    return new Hawq(model, traces, candidates, budgets, f, ties, damage, timeLimit);
  }

  /** Makes layers share one pair (e.g. a residual block's downsample convolution and its first convolution). */
  public Hawq tie(String... layers) {
    for (String l : layers) model.node(l);
    List<List<String>> t = new ArrayList<>(ties);
    t.add(List.of(layers));
    return new Hawq(model, traces, candidates, budgets, fixed, t, damage, timeLimit);
  }

  /**
   * Ties every residual downsample convolution ({@code <block>.down}) to its block's first convolution
   * ({@code <block>.conv1}), so both branches into the block's Add share bits.
   */
  public Hawq tieDownsamples() {
    Hawq h = this;
    for (String l : model.layerNames()) {
      if (l.endsWith(".down")) {
        String first = l.substring(0, l.length() - ".down".length()) + ".conv1";
        if (model.has(first)) h = h.tie(l, first);
      }
    }
    return h;
  }

  /** The integer program this planner solves: perturbations, costs, resolved limits, fixed layers, ties. */
  public IlpProblem problem() {
    IlpProblem open = new IlpProblem(layers(), List.of(), fixed, ties);
    List<IlpProblem.Limit> limits = new ArrayList<>();
    for (Budget b : budgets)
      limits.add(new IlpProblem.Limit(b.name(), b.metric().unit(), limit(open, b)));
    return new IlpProblem(open.layers(), limits, fixed, ties);
  }

  public Plan solve() {
    IlpProblem p = problem();
    return new Plan(model, traces, p, IlpSolver.solve(p, timeLimit), budgets, damage != null);
  }

  /**
   * Optimal plans with one budget's metric (and target) swept over points from the cheapest policy (0) to the
   * dearest (1), other budgets kept.
   */
  public List<Plan> sweep(Budget varied, double... points) {
    double[] fractions = points;
    List<Plan> out = new ArrayList<>();
    for (double f : fractions) {
      out.add(budget(new Budget(varied.metric(), Budget.Scale.BETWEEN, f, varied.target()))
          .solve());
      bitlab.task.Work.progress(String.format(
          "HAWQ-V3 Pareto sweep of %s: %d of %d budgets",
          model.name(), out.size(), fractions.length));
    }
    return out;
  }

  private double limit(IlpProblem open, Budget b) {
    IlpProblem priced = new IlpProblem(
        open.layers(), List.of(new IlpProblem.Limit(b.name(), b.metric().unit(), 1)), fixed, ties);
    IlpSolution.Usage range = IlpSolver.ranges(priced, priced.groups()).get(0);
    String kept = fixed.isEmpty() && ties.isEmpty()
        ? ""
        : fixed.isEmpty()
            ? ", ties kept"
            : ties.isEmpty() ? ", fixed layers kept" : ", fixed layers and ties kept";
    if (b.scale() == Budget.Scale.ABSOLUTE) {
      // an amount: the sentence gives the whole feasible range in the budget's unit
      double v = b.value();
      if (v < range.low() * (1 - 1e-12) || v > range.high() * (1 + 1e-12)) {
        throw new BudgetException(String.format(
            "The %s budget of %s lies %s the range policies of these candidates span; the feasible range is %s "
                + "(every layer at its lowest candidate%s) to %s (every layer at its highest).",
            b.name(),
            IlpSolver.fmt(v, b.metric().unit()),
            v < range.low() ? "below" : "above",
            IlpSolver.fmt(range.low(), b.metric().unit()),
            kept,
            IlpSolver.fmt(range.high(), b.metric().unit())));
      }
      return v;
    }
    return b.limit(reach(b, range, "every layer at its lowest candidate" + kept));
  }

  /** What these candidates reach under a budget's metric, and the model's all-8-bit cost (size: its fixed part too). */
  private Budget.Reach reach(Budget b, IlpSolution.Usage range, String cheapestIs) {
    List<LayerWorkload> work = model.workloads();
    Map<String, CostTable> tables = new HashMap<>();
    if (b.target() != null) tables.put(b.target().name(), b.target().table(work));
    double eight = 0, fixedPart = 0;
    for (int i = 0; i < work.size(); i++) {
      eight += cost(b, tables, i, work.get(i), Bits.W8A8);
      if (b.metric() == Budget.Metric.SIZE)
        fixedPart += sizeBytes(work.get(i), Bits.W8A8) - work.get(i).weights();
    }
    return new Budget.Reach(eight, range.low(), range.high(), fixedPart, cheapestIs);
  }

  private List<IlpProblem.Layer> layers() {
    List<LayerWorkload> work = model.workloads();
    Map<String, CostTable> tables = new HashMap<>();
    for (Budget b : budgets) {
      if (b.target() != null)
        tables.computeIfAbsent(b.target().name(), n -> b.target().table(work));
    }
    List<IlpProblem.Layer> out = new ArrayList<>();
    for (int i = 0; i < work.size(); i++) {
      LayerWorkload w = work.get(i);
      List<Bits> cand = new ArrayList<>(candidates);
      Bits f = fixed.get(w.name());
      if (f != null && !cand.contains(f)) cand.add(f);
      double avg = Math.max(traces.layer(w.name()).average(), 0); // see Perturbation.omega
      double[] omega = new double[cand.size()];
      Map<String, double[]> costs = new LinkedHashMap<>();
      for (Budget b : budgets) costs.put(b.name(), new double[cand.size()]);
      Map<Integer, Double> omegaAt = new HashMap<>();
      for (int k = 0; k < cand.size(); k++) {
        Bits c = cand.get(k);
        omega[k] = omegaAt.computeIfAbsent(
            c.weights(),
            bits -> damage != null
                ? 2
                    * Math.max(
                        0,
                        damage.measured(
                            w.name(),
                            bits)) // a rounding that happens to lower the loss is not rewarded
                : avg * Perturbation.squaredError(model.param(w.name() + ".weight"), bits));
        for (Budget b : budgets) costs.get(b.name())[k] = cost(b, tables, i, w, c);
      }
      out.add(new IlpProblem.Layer(w.name(), cand, omega, costs));
    }
    return out;
  }

  /** Bytes of one layer as {@link bitlab.quant.Policy#sizeBytes} counts them (the one definition, {@link bitlab.quant.Policy#layerBytes}). */
  private double sizeBytes(LayerWorkload w, Bits c) {
    return bitlab.quant.Policy.layerBytes(
        w.weights(), w.outChannels(), c.weights(), model.params().containsKey(w.name() + ".bias"));
  }

  private double cost(Budget b, Map<String, CostTable> tables, int i, LayerWorkload w, Bits c) {
    switch (b.metric()) {
      case SIZE:
        return sizeBytes(w, c);
      case BOPS:
        return (double) c.weights() * c.activations() * w.macs();
      case LATENCY:
        return tables.get(b.target().name()).latency(i, c.weights(), c.activations());
      case ENERGY:
        return tables.get(b.target().name()).energy(i, c.weights(), c.activations());
      default:
        throw new IllegalStateException(b.metric().name());
    }
  }
}
