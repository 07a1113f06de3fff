package bitlab.search.haq;

/**
 * HAQ's budget repair: while a policy costs more than the budget, walk from the last layer back to
 * the first, lowering each layer's activation width by one bit and then its weight width by one
 * bit (never below the minimum), checking the budget after every single change; repeat passes
 * until the budget holds or every width is at the minimum.
 */
public final class Repair {
  /** The cost of a policy given as weight and activation widths per layer. */
  @FunctionalInterface
  public interface Cost {
    double of(int[] w, int[] a);
  }

  private Repair() {}

  /**
   * Lowers {@code w} and {@code a} in place until {@code cost <= limit}.
   *
   * @return the number of one-bit reductions made
   * @throws HaqException if the budget still does not hold with every width at {@code minBits}
   */
  public static int repair(int[] w, int[] a, int minBits, Cost cost, double limit) {
    int changes = 0;
    double c = cost.of(w, a);
    while (c > limit) {
      boolean lowered = false;
      for (int i = w.length - 1; i >= 0 && c > limit; i--) {
        if (a[i] > minBits) {
          a[i]--;
          changes++;
          lowered = true;
          c = cost.of(w, a);
          if (c <= limit) break;
        }
        if (w[i] > minBits) {
          w[i]--;
          changes++;
          lowered = true;
          c = cost.of(w, a);
        }
      }
      if (!lowered) {
        throw new HaqException(String.format(
            "The budget %.6g cannot be met: with every width at %d bits the policy still costs %.6g.",
            limit, minBits, c));
      }
    }
    return changes;
  }
}
