package bitlab.dsl.exercise;

import bitlab.BitlabException;
import bitlab.hardware.Bits;
import bitlab.hardware.LayerWorkload;
import bitlab.model.Model;
import bitlab.quant.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Write the BOPs of a mixed-precision policy, {@code Σ MACs × weight bits × activation bits} per image, from each
 * layer's shape; then the limit of a BOPs budget given as a fraction, {@code low + f · (high − low)} between the
 * all-lowest and all-highest policies. Checked against {@link Policy#bops}, the count every budget and table of
 * bitlab uses, on the model's uniform policies and 20 random mixed ones.
 */
public final class BopsExercise {
  /** One layer as the student sees it: its name, its number of weights and its multiply-accumulates per image. */
  public record Layer(String name, long weights, long macs) {}

  @FunctionalInterface
  public interface BopsCount {
    long bops(List<Layer> layers, List<Bits> policy);
  }

  static final String NAME = "BOPs budget";
  private final Model model;
  private final List<Layer> layers;

  public BopsExercise(Model model) {
    if (model == null)
      throw new BitlabException(
          "Exercises.bops(net) needs a model, e.g. Exercises.bops(zoo(\"lenet5\")).");
    this.model = model;
    List<Layer> out = new ArrayList<>();
    for (LayerWorkload w : model.workloads())
      out.add(new Layer(
          w.name(), model.param(model.node(w.name()).param("weight")).length(), w.macs()));
    this.layers = List.copyOf(out);
  }

  /** The layers the student's function receives, in order. */
  public List<Layer> layers() {
    return layers;
  }

  /** bitlab's BOPs of a policy given as one pair per layer. */
  public long bops(List<Bits> policy) {
    return Policy.of(model, policy).bops(model);
  }

  /** bitlab's limit of a BOPs budget at {@code fraction} between all layers at {@code low} and all at {@code high} bits. */
  public double limit(int low, int high, double fraction) {
    double lo = Policy.uniform(model, low, low).bops(model),
        hi = Policy.uniform(model, high, high).bops(model);
    return lo + fraction * (hi - lo);
  }

  public Verdict check(BopsCount mine) {
    if (mine == null)
      return Verdict.wrong(
          NAME, 0, "there is no function to check; write one, e.g. (layers, policy) -> ...");
    Random r = new Random(3);
    List<List<Bits>> policies = new ArrayList<>();
    for (int b : new int[] {2, 4, 8}) policies.add(uniform(b, b));
    policies.add(uniform(8, 4));
    for (int k = 0; k < 20; k++) {
      List<Bits> p = new ArrayList<>();
      for (int i = 0; i < layers.size(); i++) p.add(Bits.of(2 + r.nextInt(7), 2 + r.nextInt(7)));
      policies.add(p);
    }
    int cases = 0;
    for (List<Bits> p : policies) {
      cases++;
      long expected = bops(p), got;
      try {
        got = mine.bops(layers, List.copyOf(p));
      } catch (RuntimeException e) {
        return Verdict.threw(NAME, cases, "the policy " + p, e);
      }
      if (got == expected) continue;
      long weightOnly = 0, byWeights = 0, sumBits = 0;
      for (int i = 0; i < layers.size(); i++) {
        Layer l = layers.get(i);
        weightOnly += l.macs() * p.get(i).weights();
        byWeights += l.weights() * p.get(i).weights() * p.get(i).activations();
        sumBits += l.macs() * (p.get(i).weights() + p.get(i).activations());
      }
      String why = got == weightOnly
          ? " You count weight bits only; a product of a w-bit weight and an a-bit activation costs w × a bit operations."
          : got == byWeights
              ? " You multiply by the number of weights; BOPs count operations, so it is the MACs per image (a convolution reuses each weight many times)."
              : got == sumBits
                  ? " You add the two widths; a w-bit by a-bit product costs w × a bit operations."
                  : "";
      return Verdict.wrong(
          NAME,
          cases,
          String.format(
              Locale.ROOT,
              "for the policy %s you count %,d BOPs, bitlab %,d.%s",
              p,
              got,
              expected,
              why));
    }
    return Verdict.right(
        NAME,
        cases,
        "your count equals bitlab's for all " + cases + " policies of " + model.name()
            + String.format(
                Locale.ROOT,
                " (uniform W8A8: %,d BOPs per image). A BOPs budget of 0.3 with candidates 4 and 8 bits is then %,.0f BOPs.",
                bops(uniform(8, 8)),
                limit(4, 8, 0.3)));
  }

  private List<Bits> uniform(int w, int a) {
    List<Bits> p = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) p.add(Bits.of(w, a));
    return p;
  }
}
