package bitlab.search.haq;

/**
 * Where a search starts exploring and how its budget repair cuts.
 *
 * <p>{@link #PAPER} is HAQ as published: random warm-up episodes, then the actor's action plus
 * truncated-normal noise, and a repair that lowers bits from the last layer back.
 *
 * <p>{@link #FROM_UNIFORM} is made for short searches, which the paper's exploration loses to the
 * best uniform policy (a dozen episodes are mostly random). Its warm-up begins with the uniform
 * policies on the budget's frontier (every layer at one pair; for each weight width the widest
 * activations that fit: the policies the uniform baseline scores), so the search never returns a
 * policy worse than the best of them. Once warm-up is over, and again whenever an episode beats the
 * best policy so far, the actor is taught that policy (its output regressed onto the policy's
 * actions: self-imitation), so the exploration noise searches around the best policy found instead
 * of around an untrained actor's guess. The repair cuts the cheapest bit first
 * ({@link Repair.Order#CHEAPEST}), and a policy left under budget gets the margin back where a bit is worth most
 * ({@link Repair#fill}; {@code fill}). The uniform frontier itself is scored as it is, neither cut nor filled.
 *
 * <p>{@link #FROM_UNIFORM} with noise 0.3 is the default ({@link HaqConfig#of}), chosen on validation images: under
 * the paper's exploration HAQ lost to Deep Compression at the size of 2-bit weights on mobilenet-v2-mini (28.80%
 * against 33.07%; its repair put 1-bit weights on the stem and the classifier), with the frontier start it won on every
 * seed (54.23% against 32.44%); and noise 0.3 beat 0.1 and 0.5 there (54.23 / 47.23 / 48.50) and 0.1 on energy (34.83
 * / 33.44), tying on latency (engine README, "Measured: HAQ"). {@link #PAPER} stays to reproduce the paper
 * ({@link HaqConfig#paper}, noise 0.5).
 */
public record Exploration(boolean fromUniform, Repair.Order repair, boolean fill) {
  public static final Exploration PAPER =
      new Exploration(false, Repair.Order.LAST_LAYER_FIRST, false);
  public static final Exploration FROM_UNIFORM = new Exploration(true, Repair.Order.CHEAPEST, true);

  public Exploration {
    if (repair == null)
      throw new HaqException(
          "Give the repair an order: Repair.Order.CHEAPEST or LAST_LAYER_FIRST.");
  }

  /** The noise width measured for this exploration: 0.3 from the uniform frontier, the paper's 0.5 otherwise. */
  public double defaultSigma() {
    return fromUniform ? DdpgConfig.FRONTIER_SIGMA : DdpgConfig.PAPER_SIGMA;
  }

  /** HAQ's DDPG settings with this exploration's measured noise ({@link #defaultSigma}). */
  public DdpgConfig defaultDdpg() {
    return fromUniform ? DdpgConfig.DEFAULT : DdpgConfig.PAPER;
  }

  public Exploration withRepair(Repair.Order order) {
    return new Exploration(fromUniform, order, fill);
  }

  /** Whether a policy under budget gets its margin back ({@link Repair#fill}). */
  public Exploration withFill(boolean on) {
    return new Exploration(fromUniform, repair, on);
  }

  /** {@code paper} or {@code uniform} (the command line's and the bench's names), in one sentence if neither. */
  public static Exploration named(String name) {
    if (name.equalsIgnoreCase("paper")) return PAPER;
    if (name.equalsIgnoreCase("uniform") || name.equalsIgnoreCase("from-uniform"))
      return FROM_UNIFORM;
    throw new HaqException("Exploration '" + name
        + "' is not known; use 'paper' (HAQ as published) or 'uniform' (start from the best"
        + " uniform policy, explore around the best so far, cut the cheapest bit first).");
  }

  @Override
  public String toString() {
    return fromUniform
        ? "from the uniform frontier, around the best so far, " + repairText()
        : "the paper's (random warm-up), " + repairText();
  }

  private String repairText() {
    return (repair == Repair.Order.CHEAPEST
            ? "repair cuts the cheapest bit first"
            : "repair cuts from the last layer back")
        + (fill ? " and spends what is left of the budget" : "");
  }
}
