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
