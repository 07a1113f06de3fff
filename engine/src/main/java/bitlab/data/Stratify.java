package bitlab.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Stratified splitting by class with largest-remainder quotas (the rule tools/data/datatools.py
 * used to make the shipped splits): class {@code c} with {@code n_c} of {@code n} items gets
 * {@code floor(n_c * total / n)}, and the items left over go to the classes with the largest
 * remainders, ties to the smaller class index.
 */
final class Stratify {
  private Stratify() {}

  static int[] quotas(int[] counts, int total) {
    long n = 0;
    for (int c : counts) n += c;
    int[] take = new int[counts.length];
    long[] rem = new long[counts.length];
    int given = 0;
    for (int c = 0; c < counts.length; c++) {
      long num = (long) counts[c] * total;
      take[c] = (int) (num / n);
      rem[c] = num % n;
      given += take[c];
    }
    Integer[] order = new Integer[counts.length];
    for (int c = 0; c < order.length; c++) order[c] = c;
    Arrays.sort(
        order, (a, b) -> rem[a] != rem[b] ? Long.compare(rem[b], rem[a]) : Integer.compare(a, b));
    for (int k = 0; k < total - given; k++) take[order[k]]++;
    return take;
  }

  /** {@code {rest, heldOut}} index arrays, each ascending; {@code heldOutTotal} items held out. */
  static int[][] split(int[] labels, int classes, int heldOutTotal, long seed) {
    int[] counts = new int[classes];
    for (int l : labels) counts[l]++;
    int[] take = quotas(counts, heldOutTotal);
    Random rng = new Random(seed);
    List<Integer> rest = new ArrayList<>();
    List<Integer> held = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      int[] idx = new int[counts[c]];
      int k = 0;
      for (int i = 0; i < labels.length; i++) if (labels[i] == c) idx[k++] = i;
      shuffle(idx, rng);
      for (int j = 0; j < idx.length; j++) (j < take[c] ? held : rest).add(idx[j]);
    }
    int[] r = rest.stream().mapToInt(Integer::intValue).sorted().toArray();
    int[] h = held.stream().mapToInt(Integer::intValue).sorted().toArray();
    return new int[][] {r, h};
  }

  /**
   * {@code {rest, heldOut}} index arrays, each ascending: the last {@code quota} items of every class in the given
   * order. For data whose stored order is already a seeded shuffle (the shipped splits) this is a seeded stratified
   * draw that leaves every prefix of {@code rest} as it was in the whole split.
   */
  static int[][] tail(int[] labels, int classes, int heldOutTotal) {
    int[] counts = new int[classes];
    for (int l : labels) counts[l]++;
    int[] take = quotas(counts, heldOutTotal);
    int[] seen = new int[classes];
    List<Integer> rest = new ArrayList<>();
    List<Integer> held = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      int c = labels[i];
      (seen[c]++ >= counts[c] - take[c] ? held : rest).add(i);
    }
    return new int[][] {
      rest.stream().mapToInt(Integer::intValue).toArray(),
      held.stream().mapToInt(Integer::intValue).toArray()
    };
  }

  /** Fisher-Yates with {@link java.util.Random}, whose sequence the JDK specifies for every seed. */
  static void shuffle(int[] a, Random rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
