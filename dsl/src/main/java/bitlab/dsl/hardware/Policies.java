package bitlab.dsl.hardware;

import bitlab.hardware.Bits;
import bitlab.hardware.LayerWorkload;
import bitlab.hardware.PolicyException;
import bitlab.quant.Policy;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Per-layer bit lists: parsing "W4A8" / "4/8", uniform lists, BOPs and short descriptions. */
public final class Policies {

  private Policies() {}

  /**
   * A bit pair from text: {@code W4A8}, {@code 4/8} (weights/activations) or {@code 8} (both).
   * Widths 1..8 are quantized, 16 and 32 unquantized.
   */
  public static Bits parse(String text) {
    String s = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
    try {
      if (s.matches("W\\d+A\\d+")) {
        int a = s.indexOf('A');
        return Bits.of(Integer.parseInt(s.substring(1, a)), Integer.parseInt(s.substring(a + 1)));
      }
      if (s.matches("\\d+/\\d+")) {
        String[] p = s.split("/");
        return Bits.of(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
      }
      if (s.matches("\\d+")) return Bits.uniform(Integer.parseInt(s));
    } catch (NumberFormatException e) {
      // falls through to the sentence below: digits too long for an int
    }
    throw new PolicyException(
        "Bits '" + text + "' are not understood; write weights/activations as W4A8, "
            + "4/8, or one number such as 8 for both.");
  }

  /** The same pair for every layer. */
  public static List<Bits> uniform(List<LayerWorkload> layers, Bits bits) {
    return Collections.nCopies(layers.size(), bits);
  }

  /** Bit operations per image: the sum over layers of weight bits x activation bits x MACs. */
  public static long bops(List<LayerWorkload> layers, List<Bits> policy) {
    if (layers.size() != policy.size()) {
      throw new PolicyException("The policy has " + policy.size() + " bit pairs but the model has "
          + layers.size() + " quantizable layers; give one pair per layer, in layer order.");
    }
    long sum = 0;
    for (int i = 0; i < layers.size(); i++) {
      Bits b = policy.get(i);
      sum = Math.addExact(
          sum,
          Math.multiplyExact((long) b.weights() * b.activations(), layers.get(i).macs()));
    }
    return sum;
  }

  /** "W8A8" for a uniform policy, otherwise "mixed (W2..8, A4..8)": named as a {@link Policy} names itself. */
  public static String describe(List<Bits> policy) {
    return policy.isEmpty() ? "empty" : Policy.summary(policy);
  }

  /** The family a layer belongs to in tables and charts: depthwise, pointwise, conv KxK, grouped, linear. */
  public static String type(LayerWorkload w) {
    if (w.kind() == LayerWorkload.Kind.LINEAR) return "linear";
    if (w.depthwise()) return "depthwise";
    if (w.groups() > 1) return "grouped " + w.kernelH() + "x" + w.kernelW();
    if (w.kernelH() == 1 && w.kernelW() == 1) return "pointwise";
    return "conv " + w.kernelH() + "x" + w.kernelW();
  }
}
