package bitlab.search.haq;

import bitlab.hardware.LayerWorkload;
import bitlab.quant.Policy;
import bitlab.search.Budget;
import java.util.List;

/**
 * HAQ's environment without the reward: states, the action-to-bits mapping, the budget and its
 * repair. An episode is {@link #steps()} actions (weight then activation bits, layer by layer);
 * {@link #finish} turns the chosen widths into a policy that meets the budget.
 */
public final class Environment {
  private final LayerStates states;
  private final Pricing pricing;
  private final Budget budget;
  private final int minBits;
  private final int maxBits;
  private final double eightBit;
  private final double limit;
  private final Repair.Order repair;
  private final boolean fill;

  /** A finished episode: the repaired policy, its cost (base units) and how many one-bit cuts the repair made. */
  public record Outcome(Policy policy, double cost, int repairs) {}

  public Environment(Pricing pricing, Budget budget, int minBits, int maxBits) {
    this(pricing, budget, minBits, maxBits, Repair.Order.LAST_LAYER_FIRST, false);
  }

  /**
   * An environment whose repair lowers widths in the given order and, with {@code fill}, raises the widths of a
   * policy under budget until the budget is spent ({@link Repair#fill}).
   */
  public Environment(
      Pricing pricing, Budget budget, int minBits, int maxBits, Repair.Order repair, boolean fill) {
    if (minBits < 1 || maxBits > 8 || minBits > maxBits) {
      throw new HaqException("Bit range " + minBits + ".." + maxBits
          + " is not allowed; use widths within 1..8 with min <= max (default 2..8).");
    }
    this.pricing = pricing;
    this.budget = budget;
    this.minBits = minBits;
    this.maxBits = maxBits;
    this.repair = java.util.Objects.requireNonNull(repair, "repair");
    this.fill = fill;
    this.states = new LayerStates(pricing.layers());
    Resource r = Resource.of(budget.metric());
    if (budget.target() != null
        && pricing.target() != null
        && !budget.target().name().equals(pricing.target().name())) {
      throw new HaqException("The budget " + budget + " names another target than the search's "
          + pricing.targetName()
          + "; HAQ prices on one target: drop the budget's .on(...) or search on "
          + budget.target().name() + ".");
    }
    this.eightBit = pricing.uniform(r, 8, 8);
    if (!(eightBit > 0)) {
      throw new HaqException(
          "Target " + pricing.targetName() + " reports no " + r.label() + " for this model; use a "
              + (r == Resource.ENERGY ? "latency or size" : "size") + " budget.");
    }
    this.limit = budget.limit(new Budget.Reach(
        eightBit,
        pricing.uniform(r, minBits, minBits),
        pricing.uniform(r, maxBits, maxBits),
        0,
        "every layer at " + minBits + " bits on " + pricing.targetName()));
  }

  public LayerStates states() {
    return states;
  }

  public Pricing pricing() {
    return pricing;
  }

  public Budget budget() {
    return budget;
  }

  public int minBits() {
    return minBits;
  }

  public int maxBits() {
    return maxBits;
  }

  public int layers() {
    return states.layers();
  }

  public int steps() {
    return states.steps();
  }

  /** The budget in base units. */
  public double limit() {
    return limit;
  }

  /** The cost of the all-8-bit policy in base units. */
  public double eightBitCost() {
    return eightBit;
  }

  public List<LayerWorkload> workloads() {
    return pricing.layers();
  }

  /** The observation at a step, given the bits chosen at the step before ({@code maxBits} before the first). */
  public double[] state(int step, int previousBits) {
    return states.state(step, (double) previousBits / maxBits);
  }

  /** The order in which the repair lowers widths. */
  public Repair.Order repairOrder() {
    return repair;
  }

  /** The action at the middle of the interval that maps to {@code bits}: {@code bits(action(b)) == b}. */
  public double action(int bits) {
    double lo = minBits - 0.5;
    double hi = maxBits + 0.5;
    return (bits - lo) / (hi - lo);
  }

  /** HAQ's mapping: [0, 1] split into equal intervals, one per width from min to max. */
  public int bits(double action) {
    double a = Math.min(1, Math.max(0, action));
    double lo = minBits - 0.5;
    double hi = maxBits + 0.5;
    long b = Math.round((hi - lo) * a + lo);
    return (int) Math.min(maxBits, Math.max(minBits, b));
  }

  /** The cost of a policy in base units. */
  public double cost(int[] w, int[] a) {
    return pricing.cost(Resource.of(budget.metric()), w, a);
  }

  /** Repairs the chosen widths (copies) until the budget holds. */
  public Outcome finish(int[] w, int[] a) {
    int[] rw = w.clone();
    int[] ra = a.clone();
    int cuts = Repair.repair(rw, ra, minBits, this::cost, limit, repair);
    if (fill) Repair.fill(rw, ra, maxBits, this::cost, limit);
    return new Outcome(pricing.policy(Policies.of(rw, ra)), cost(rw, ra), cuts);
  }

  /** Whether {@link #finish} spends what a policy leaves of the budget. */
  public boolean fills() {
    return fill;
  }

  /** A policy that meets the budget, as it is (neither cut nor filled). */
  public Outcome exactly(int[] w, int[] a) {
    double c = cost(w, a);
    if (c > limit)
      throw new IllegalArgumentException("The policy costs " + c + ", over the budget " + limit);
    return new Outcome(pricing.policy(Policies.of(w, a)), c, 0);
  }
}
