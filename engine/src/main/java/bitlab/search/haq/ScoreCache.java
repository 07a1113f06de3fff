package bitlab.search.haq;

import bitlab.hardware.Bits;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The score of each distinct policy, scored once; counts hits and the time spent scoring. */
final class ScoreCache {
  private final AccuracyOracle oracle;
  private final Map<List<Bits>, Score> scores = new HashMap<>();
  private long nanos;
  private int hits;
  private boolean lastHit;

  ScoreCache(AccuracyOracle oracle) {
    this.oracle = oracle;
  }

  Score score(List<Bits> policy) {
    Score known = scores.get(policy);
    lastHit = known != null;
    if (known != null) {
      hits++;
      return known;
    }
    long t = System.nanoTime();
    Score s = oracle.score(policy);
    nanos += System.nanoTime() - t;
    scores.put(List.copyOf(policy), s);
    return s;
  }

  boolean lastWasHit() { return lastHit; }

  int evaluations() { return scores.size(); }

  int hits() { return hits; }

  double seconds() { return nanos / 1e9; }

  AccuracyOracle oracle() { return oracle; }
}
