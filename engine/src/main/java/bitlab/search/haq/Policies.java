package bitlab.search.haq;

import bitlab.hardware.Bits;
import java.util.ArrayList;
import java.util.List;

/** Conversions between a policy as bit pairs per layer and the int arrays the search loops use. */
final class Policies {
  private Policies() {}

  static int[] weights(List<Bits> p) {
    return p.stream().mapToInt(Bits::weights).toArray();
  }

  static int[] activations(List<Bits> p) {
    return p.stream().mapToInt(Bits::activations).toArray();
  }

  static List<Bits> of(int[] w, int[] a) {
    List<Bits> p = new ArrayList<>(w.length);
    for (int i = 0; i < w.length; i++) p.add(new Bits(w[i], a[i]));
    return List.copyOf(p);
  }

  static List<Bits> uniform(int layers, int w, int a) {
    return java.util.Collections.nCopies(layers, new Bits(w, a));
  }

  /** "W8A8 W4A6 ..." */
  static String compact(List<Bits> p) {
    StringBuilder b = new StringBuilder();
    for (Bits x : p)
      b.append(b.length() == 0 ? "" : " ").append(x.weights()).append('/').append(x.activations());
    return b.toString();
  }
}
