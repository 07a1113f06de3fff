package bitlab.search.haq;

import bitlab.hardware.Bits;
import bitlab.task.ParallelMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/** The score of each distinct policy, scored once; counts hits and the time spent scoring. */
final class ScoreCache {
  /** A score and whether the cache already knew the policy when it was asked for it. */
  record Scored(Score score, boolean hit) {}

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

  /**
   * The scores of policies asked for one after the other, the ones not known yet scored on up to
   * {@code threads} threads at once: the same scores, hits and counts as calls of {@link #score} in
   * this order. After an interrupt the list is the finished prefix (see {@link ParallelMap}).
   * {@code scored} hears how many new policies are done.
   */
  List<Scored> scoreAll(List<List<Bits>> policies, int threads, IntConsumer scored) {
    Set<List<Bits>> known = new HashSet<>(scores.keySet());
    List<List<Bits>> fresh = new ArrayList<>();
    Set<List<Bits>> queued = new HashSet<>();
    for (List<Bits> p : policies) {
      if (!known.contains(p) && queued.add(p)) fresh.add(List.copyOf(p));
    }
    long t = System.nanoTime();
    List<Score> got = ParallelMap.map(fresh, threads, oracle::score, scored);
    nanos += System.nanoTime() - t;
    for (int i = 0; i < got.size(); i++) scores.put(fresh.get(i), got.get(i));
    List<Scored> out = new ArrayList<>(policies.size());
    Set<List<Bits>> asked = new HashSet<>(known);
    for (List<Bits> p : policies) {
      Score s = scores.get(p);
      if (s == null) break; // not scored: the batch was interrupted
      boolean hit = !asked.add(p);
      if (hit) hits++;
      lastHit = hit;
      out.add(new Scored(s, hit));
    }
    return out;
  }

  /** The score of a policy already scored (null if it was not). */
  Score known(List<Bits> policy) {
    return scores.get(policy);
  }

  boolean lastWasHit() {
    return lastHit;
  }

  int evaluations() {
    return scores.size();
  }

  int hits() {
    return hits;
  }

  /** Seconds the scored policies spent fine-tuning (summed over threads; part of {@link #seconds} when one thread scores). */
  double finetuneSeconds() {
    return scores.values().stream().mapToDouble(Score::finetuneSeconds).sum();
  }

  double seconds() {
    return nanos / 1e9;
  }

  AccuracyOracle oracle() {
    return oracle;
  }
}
