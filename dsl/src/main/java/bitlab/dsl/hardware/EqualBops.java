package bitlab.dsl.hardware;

import bitlab.BitlabException;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import bitlab.hardware.Bits;
import bitlab.hardware.LayerWorkload;
import bitlab.hardware.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Why BOPs (and FLOPs) mislead: two policies with exactly the same bit operations
 * (sum of w x a x MACs) and different latency on a target. Two searches find such pairs:
 * <ul>
 *   <li>{@link #exchange}: start from a uniform policy and change two layers so that the BOPs one
 *       gains the other gives back exactly ({@code (p_i - p) M_i + (p_j - p) M_j = 0}); the
 *       fastest and the slowest of all such policies.</li>
 *   <li>{@link #orientation}: per layer, choose among pairs of one product (W2A8, W4A4, W8A2 all
 *       cost 16 x MACs); the fastest and the slowest choice per layer.</li>
 * </ul>
 *
 * @param how which search found the pair, in words
 */
public record EqualBops(CostReport fastest, CostReport slowest, String how) implements Renderable {

  /** The narrowest width the exchange search tries (binary layers are a different kind of network). */
  public static final int MIN_BITS = 2;

  public EqualBops {
    if (fastest.bops() != slowest.bops()) {
      throw new BitlabException(
          "Equal-BOPs policies differ in BOPs: " + fastest.bops() + " and " + slowest.bops() + ".");
    }
  }

  /**
   * Among the policies that differ from uniform {@code base} in exactly two layers and keep its
   * BOPs exactly, the fastest and the slowest on {@code target} (each changed layer takes the
   * pair of 2..8 bits with its new product that the target runs fastest, resp. slowest).
   */
  public static EqualBops exchange(
      Target target, String model, List<LayerWorkload> layers, Bits base) {
    int n = layers.size();
    int p0 = base.weights() * base.activations();
    // per layer and product: the fastest and slowest pair with that product, and their latencies
    List<TreeMap<Integer, Bits[]>> pick = new ArrayList<>();
    List<TreeMap<Integer, double[]>> time = new ArrayList<>();
    double[] baseTime = new double[n];
    for (int i = 0; i < n; i++) {
      TreeMap<Integer, Bits[]> pi = new TreeMap<>();
      TreeMap<Integer, double[]> ti = new TreeMap<>();
      for (int w = MIN_BITS; w <= 8; w++) {
        for (int a = MIN_BITS; a <= 8; a++) {
          Bits b = Bits.of(w, a);
          double s = target.layer(i, layers.get(i), b).cost().seconds();
          Bits[] pb = pi.computeIfAbsent(w * a, k -> new Bits[2]);
          double[] tb = ti.computeIfAbsent(
              w * a, k -> new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
          if (s < tb[0]) {
            tb[0] = s;
            pb[0] = b;
          }
          if (s > tb[1]) {
            tb[1] = s;
            pb[1] = b;
          }
        }
      }
      pick.add(pi);
      time.add(ti);
      baseTime[i] = target.layer(i, layers.get(i), base).cost().seconds();
    }
    double lo = 0;
    double hi = 0;
    int[] fast = null;
    int[] slow = null;
    for (int i = 0; i < n; i++) {
      long mi = layers.get(i).macs();
      for (int pi : pick.get(i).keySet()) {
        if (pi == p0) continue;
        for (int j = 0; j < n; j++) {
          if (j == i) continue;
          long mj = layers.get(j).macs();
          long rest = -(long) (pi - p0) * mi;
          if (rest % mj != 0) continue;
          long pj = p0 + rest / mj;
          if (pj < 1 || pj > 64 || !pick.get(j).containsKey((int) pj)) continue;
          double[] ti = time.get(i).get(pi);
          double[] tj = time.get(j).get((int) pj);
          double dFast = ti[0] + tj[0] - baseTime[i] - baseTime[j];
          double dSlow = ti[1] + tj[1] - baseTime[i] - baseTime[j];
          if (dFast < lo) {
            lo = dFast;
            fast = new int[] {i, pi, j, (int) pj};
          }
          if (dSlow > hi) {
            hi = dSlow;
            slow = new int[] {i, pi, j, (int) pj};
          }
        }
      }
    }
    List<Bits> uniform = Policies.uniform(layers, base);
    List<Bits> f = new ArrayList<>(uniform);
    List<Bits> s = new ArrayList<>(uniform);
    if (fast != null) {
      f.set(fast[0], pick.get(fast[0]).get(fast[1])[0]);
      f.set(fast[2], pick.get(fast[2]).get(fast[3])[0]);
    }
    if (slow != null) {
      s.set(slow[0], pick.get(slow[0]).get(slow[1])[1]);
      s.set(slow[2], pick.get(slow[2]).get(slow[3])[1]);
    }
    return new EqualBops(
        label(CostReport.price(target, model, layers, f), "fastest", base, f),
        label(CostReport.price(target, model, layers, s), "slowest", base, s),
        "two-layer exchanges from uniform " + base);
  }

  /**
   * For each layer, the pair among {@code choices} that {@code target} runs fastest, and the one it
   * runs slowest. The choices must share one product w x a, so both policies (and any mix of the
   * choices) have the same BOPs.
   */
  public static EqualBops orientation(
      Target target, String model, List<LayerWorkload> layers, List<Bits> choices) {
    if (choices.size() < 2) {
      throw new BitlabException(
          "Give at least two bit pairs with the same product w x a to choose among, "
              + "e.g. W2A8, W4A4, W8A2; got " + choices + ".");
    }
    int product = choices.get(0).weights() * choices.get(0).activations();
    for (Bits b : choices) {
      if (b.weights() * b.activations() != product) {
        throw new BitlabException("Bit pairs " + choices + " do not share one product w x a ("
            + choices.stream()
                .map(c -> c + "=" + c.weights() * c.activations())
                .collect(Collectors.joining(", "))
            + "), so their BOPs differ; choose pairs such as W2A8, W4A4, W8A2.");
      }
    }
    List<Bits> fast = new ArrayList<>();
    List<Bits> slow = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      Bits best = null;
      Bits worst = null;
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (Bits b : choices) {
        double s = target.layer(i, layers.get(i), b).cost().seconds();
        if (s < lo) {
          lo = s;
          best = b;
        }
        if (s > hi) {
          hi = s;
          worst = b;
        }
      }
      fast.add(best);
      slow.add(worst);
    }
    return new EqualBops(
        CostReport.price(target, model, layers, fast).withLabel("fastest choice per layer"),
        CostReport.price(target, model, layers, slow).withLabel("slowest choice per layer"),
        "per-layer choice among " + choices);
  }

  private static CostReport label(CostReport r, String which, Bits base, List<Bits> policy) {
    List<String> changed = new ArrayList<>();
    for (int i = 0; i < policy.size(); i++) {
      if (!policy.get(i).equals(base))
        changed.add(r.cost().layers().get(i).layer() + " " + policy.get(i));
    }
    return r.withLabel(
        which + ": " + base + (changed.isEmpty() ? "" : " but " + String.join(", ", changed)));
  }

  /** Slowest latency over fastest. */
  public double ratio() {
    return slowest.total().seconds() / fastest.total().seconds();
  }

  /** The two policies side by side (chart and per-layer table). */
  public Comparison compare() {
    return new Comparison(fastest, slowest);
  }

  public String summary() {
    return String.format(
        "%s on %s, %s: both policies have %.4f GBOPs per image, yet take %.3f ms (%s) and %.3f ms (%s) "
            + "per run: %.2fx",
        fastest.model(),
        fastest.target().name(),
        how,
        fastest.bops() / 1e9,
        fastest.total().millis(),
        fastest.label(),
        slowest.total().millis(),
        slowest.label(),
        ratio());
  }

  @Override
  public MimeBundle render() {
    return MimeBundle.html(
        summary() + "\n" + compare().table().printAll(),
        "<div class=\"bitlab-equal-bops\"><p>" + TableHtml.escape(summary()) + "</p>"
            + TableHtml.html(compare().table(), 200) + "</div>");
  }

  @Override
  public String toString() {
    return summary();
  }
}
