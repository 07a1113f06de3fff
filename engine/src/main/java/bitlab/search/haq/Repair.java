package bitlab.search.haq;

/**
 * HAQ's budget repair: while a policy costs more than the budget, lower one width by one bit, never
 * below the minimum, until the budget holds or every width is at the minimum. {@link Order} says
 * which width goes first.
 */
public final class Repair {
  /** The cost of a policy given as weight and activation widths per layer. */
  @FunctionalInterface
  public interface Cost {
    double of(int[] w, int[] a);
  }

  /** Which width the repair lowers next. */
  public enum Order {
    /**
     * The reference's order: walk from the last layer back to the first, lowering each layer's
     * activation width by one bit and then its weight width (checking the budget after every
     * change), and repeat passes. Blind to cost and accuracy: a proposal over budget by a little
     * loses its bits in the last layers.
     */
    LAST_LAYER_FIRST,
    /**
     * The cut that costs least accuracy for the cost it saves: each time, of every width above the
     * minimum, the one whose one-bit cut has the largest {@code saving x 4^bits}. A uniform
     * quantizer's rounding noise grows about fourfold per bit removed, so {@code 4^-bits} stands
     * for the damage: a bit off an 8-bit width is nearly free, a bit off a 3-bit width is not. Ties
     * go to the later layer and to activations before weights, as in the reference.
     */
    CHEAPEST
  }

  private Repair() {}

  /** {@link #repair(int[], int[], int, Cost, double, Order)} in the reference's order. */
  public static int repair(int[] w, int[] a, int minBits, Cost cost, double limit) {
    return repair(w, a, minBits, cost, limit, Order.LAST_LAYER_FIRST);
  }

  /**
   * Lowers {@code w} and {@code a} in place until {@code cost <= limit}.
   *
   * @return the number of one-bit reductions made
   * @throws HaqException if the budget still does not hold with every width at {@code minBits}
   */
  public static int repair(int[] w, int[] a, int minBits, Cost cost, double limit, Order order) {
    return order == Order.CHEAPEST
        ? cheapest(w, a, minBits, cost, limit)
        : lastLayerFirst(w, a, minBits, cost, limit);
  }

  private static int lastLayerFirst(int[] w, int[] a, int minBits, Cost cost, double limit) {
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
      if (!lowered) throw cannotMeet(limit, minBits, c);
    }
    return changes;
  }

  private static int cheapest(int[] w, int[] a, int minBits, Cost cost, double limit) {
    int changes = 0;
    double c = cost.of(w, a);
    while (c > limit) {
      Step cut = best(
          w,
          a,
          -1,
          minBits,
          cost,
          c,
          (bits, before, after) -> Math.max(0, before - after) * Math.pow(4, bits));
      if (cut == null) throw cannotMeet(limit, minBits, c);
      cut.widths()[cut.layer()]--;
      changes++;
      c = cut.cost();
    }
    return changes;
  }

  /**
   * Spends what a policy leaves of the budget: while some width below {@code maxBits} can take one more bit with
   * the policy still within {@code limit}, raise the one whose extra bit removes the most rounding noise per unit of
   * cost added ({@code 4^-bits / increase}; a bit that adds no cost first; between equals the narrower width, then
   * the later layer). The mirror of {@link Order#CHEAPEST}: a policy the repair leaves under budget by a margin
   * gets the margin back where it is worth most, instead of leaving it unused.
   *
   * @return the number of one-bit raises made
   */
  public static int fill(int[] w, int[] a, int maxBits, Cost cost, double limit) {
    int raises = 0;
    double c = cost.of(w, a);
    while (true) {
      Step raise = best(
          w,
          a,
          +1,
          maxBits,
          cost,
          c,
          (bits, before, after) -> after > limit
              ? Double.NaN
              : after <= before ? Double.POSITIVE_INFINITY : Math.pow(4, -bits) / (after - before));
      if (raise == null) return raises;
      raise.widths()[raise.layer()]++;
      raises++;
      c = raise.cost();
    }
  }

  /** One width to change by one bit: the array it is in (weights or activations), its layer, the cost after. */
  private record Step(int[] widths, int layer, double cost) {}

  /** What a one-bit change is worth, from the width before it and the policy's cost before and after; NaN: not allowed. */
  @FunctionalInterface
  private interface Value {
    double of(int bits, double before, double after);
  }

  /**
   * Of every width not yet at {@code bound}, the one whose change by {@code delta} (one bit down or up) is worth most;
   * between equal values a cut takes the wider width and a raise the narrower, then the later layer, activations
   * before weights. Null if no change is allowed.
   */
  private static Step best(
      int[] w, int[] a, int delta, int bound, Cost cost, double c, Value value) {
    Step best = null;
    double bestValue = Double.NEGATIVE_INFINITY;
    int bestTie = Integer.MIN_VALUE;
    for (int i = w.length - 1; i >= 0; i--) {
      for (int[] widths : new int[][] {a, w}) {
        int bits = widths[i];
        if (delta < 0 ? bits <= bound : bits >= bound) continue;
        widths[i] = bits + delta;
        double after = cost.of(w, a);
        widths[i] = bits;
        double v = value.of(bits, c, after);
        int tie = -delta * bits;
        if (Double.isNaN(v)) continue;
        if (v > bestValue || (v == bestValue && tie > bestTie)) {
          best = new Step(widths, i, after);
          bestValue = v;
          bestTie = tie;
        }
      }
    }
    return best;
  }

  private static HaqException cannotMeet(double limit, int minBits, double c) {
    return new HaqException(String.format(
        "The budget %.6g cannot be met: with every width at %d bits the policy still costs %.6g.",
        limit, minBits, c));
  }
}
