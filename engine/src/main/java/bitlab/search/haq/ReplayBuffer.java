package bitlab.search.haq;

import java.util.Random;

/** A ring buffer of transitions (state, action, reward, next state, done) with seeded uniform sampling. */
final class ReplayBuffer {
  /** A sampled mini-batch as flat row-major arrays. */
  record Batch(
      double[] states,
      double[] actions,
      double[] rewards,
      double[] next,
      double[] done,
      int size) {}

  private final int capacity;
  private final int features;
  private final double[][] s;
  private final double[] a;
  private final double[] r;
  private final double[][] s2;
  private final boolean[] done;
  private int start;
  private int size;

  ReplayBuffer(int capacity, int features) {
    this.capacity = capacity;
    this.features = features;
    s = new double[capacity][];
    a = new double[capacity];
    r = new double[capacity];
    s2 = new double[capacity][];
    done = new boolean[capacity];
  }

  int size() {
    return size;
  }

  void add(double[] state, double action, double reward, double[] next, boolean terminal) {
    int i = (start + size) % capacity;
    if (size < capacity) size++;
    else start = (start + 1) % capacity;
    s[i] = state.clone();
    a[i] = action;
    r[i] = reward;
    s2[i] = next.clone();
    done[i] = terminal;
  }

  /** Without replacement when the buffer holds enough transitions, with replacement otherwise. */
  Batch sample(int n, Random rng) {
    int[] idx = new int[n];
    if (size >= n) {
      int[] all = new int[size];
      for (int i = 0; i < size; i++) all[i] = i;
      for (int i = 0; i < n; i++) {
        int j = i + rng.nextInt(size - i);
        int t = all[i];
        all[i] = all[j];
        all[j] = t;
        idx[i] = all[i];
      }
    } else {
      for (int i = 0; i < n; i++) idx[i] = rng.nextInt(size);
    }
    double[] bs = new double[n * features];
    double[] bs2 = new double[n * features];
    double[] ba = new double[n];
    double[] br = new double[n];
    double[] bd = new double[n];
    for (int k = 0; k < n; k++) {
      int i = (start + idx[k]) % capacity;
      for (int f = 0; f < features; f++) {
        bs[k * features + f] = s[i][f];
        bs2[k * features + f] = s2[i][f];
      }
      ba[k] = a[i];
      br[k] = r[i];
      bd[k] = done[i] ? 1 : 0;
    }
    return new Batch(bs, ba, br, bs2, bd, n);
  }
}
