package bitlab.dsl.sweep.job;

import bitlab.dsl.hardware.Policies;
import bitlab.hardware.Bits;
import java.io.Serializable;
import java.util.Locale;

/**
 * What one job of a sweep does: a search (HAQ, HAWQ-V3, random search, the best uniform policy at the
 * budget) or the evaluation of one uniform policy ({@code W4A8}), which ignores the budget.
 *
 * @param weightBits     the policy's weight bits (0 for searches)
 * @param activationBits the policy's activation bits (0 for searches)
 */
public record Method(Kind kind, int weightBits, int activationBits) implements Serializable {
  /** The kinds of job. */
  public enum Kind {
    HAQ,
    HAWQ,
    RANDOM,
    UNIFORM,
    POLICY
  }

  public static final Method HAQ = new Method(Kind.HAQ, 0, 0);
  public static final Method HAWQ = new Method(Kind.HAWQ, 0, 0);
  public static final Method RANDOM = new Method(Kind.RANDOM, 0, 0);
  public static final Method UNIFORM = new Method(Kind.UNIFORM, 0, 0);

  public Method {
    if (kind == null) throw new SweepException("A method needs a kind.");
    if (kind == Kind.POLICY) Bits.of(weightBits, activationBits);
  }

  /** {@code "haq"}, {@code "hawq"}, {@code "random"}, {@code "uniform"}, or a uniform policy {@code "W4A8"} / {@code "4/8"}. */
  public static Method parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    switch (t) {
      case "haq":
        return HAQ;
      case "hawq":
      case "hawq-v3":
      case "hawqv3":
        return HAWQ;
      case "random":
      case "random-search":
        return RANDOM;
      case "uniform":
        return UNIFORM;
      default:
        if (t.matches("w\\d+a\\d+|\\d+/\\d+|\\d+")) {
          Bits b = Policies.parse(t);
          return new Method(Kind.POLICY, b.weights(), b.activations());
        }
        throw new SweepException("Method '" + text
            + "' is not known; use haq, hawq, random, uniform, or a uniform policy to "
            + "evaluate such as W4A8.");
    }
  }

  /** Whether the job depends on the budget (a fixed policy does not). */
  public boolean usesBudget() {
    return kind != Kind.POLICY;
  }

  /** Whether the job depends on the seed (the uniform baseline and a fixed policy do not). */
  public boolean usesSeed() {
    return kind == Kind.HAQ || kind == Kind.HAWQ || kind == Kind.RANDOM;
  }

  /** The policy of a {@code POLICY} job. */
  public Bits bits() {
    if (kind != Kind.POLICY) throw new IllegalStateException(kind + " has no fixed bits");
    return Bits.of(weightBits, activationBits);
  }

  /** {@code haq}, {@code hawq}, {@code random}, {@code uniform} or {@code W4A8}. */
  public String label() {
    return kind == Kind.POLICY
        ? "W" + weightBits + "A" + activationBits
        : kind.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return label();
  }
}
