package bitlab.search.haq;

import bitlab.hardware.Bits;
import java.util.List;

/** A policy a method found: its bit pairs per layer, accuracy (percent) and cost (base units of the budget's resource). */
public record Candidate(String method, List<Bits> policy, double accuracy, double cost) {
  public Candidate {
    policy = List.copyOf(policy);
  }

  /** The better of two: higher accuracy, then lower cost. */
  static Candidate better(Candidate a, Candidate b) {
    if (a == null) return b;
    if (b == null) return a;
    if (b.accuracy > a.accuracy) return b;
    if (b.accuracy == a.accuracy && b.cost < a.cost) return b;
    return a;
  }

  Candidate as(String otherMethod) {
    return new Candidate(otherMethod, policy, accuracy, cost);
  }
}
