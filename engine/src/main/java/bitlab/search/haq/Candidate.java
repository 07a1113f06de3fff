package bitlab.search.haq;

import bitlab.quant.Policy;

/**
 * A policy a method found: its bit pairs per layer ({@link Policy}), accuracy (percent) on the images policies are ranked on
 * (validation images), mean cross-entropy on the same images (NaN where the oracle does not report one), cost
 * (base units of the budget's resource) and, once the search has chosen it, its accuracy (percent) on the test
 * images ({@code test}; NaN until then: test images never rank policies).
 */
public record Candidate(
    String method, Policy policy, double accuracy, double loss, double cost, double test) {
  public Candidate {
    java.util.Objects.requireNonNull(policy, "policy");
  }

  public Candidate(String method, Policy policy, double accuracy, double loss, double cost) {
    this(method, policy, accuracy, loss, cost, Double.NaN);
  }

  public Candidate(String method, Policy policy, double accuracy, double cost) {
    this(method, policy, accuracy, Double.NaN, cost);
  }

  /** This final policy with its accuracy (percent) on the test images. */
  public Candidate withTest(double testAccuracy) {
    return new Candidate(method, policy, accuracy, loss, cost, testAccuracy);
  }

  Candidate(String method, Policy policy, Score score, double cost) {
    this(method, policy, score.accuracy(), score.loss(), cost);
  }

  /**
   * The better of two: higher accuracy, then lower loss, then lower cost. The loss decides between
   * policies that tie on a few hundred scoring images (a residual net often scores 100% under many
   * policies); it measures how far the quantized logits moved even where no prediction flipped.
   */
  static Candidate better(Candidate a, Candidate b) {
    if (a == null) return b;
    if (b == null) return a;
    if (b.accuracy != a.accuracy) return b.accuracy > a.accuracy ? b : a;
    if (!Double.isNaN(a.loss) && !Double.isNaN(b.loss) && b.loss != a.loss)
      return b.loss < a.loss ? b : a;
    return b.cost < a.cost ? b : a;
  }

  Candidate as(String otherMethod) {
    return new Candidate(otherMethod, policy, accuracy, loss, cost, test);
  }
}
