package bitlab.search.haq;

import bitlab.hardware.LayerWorkload;
import java.util.List;

/**
 * The agent's observation, HAQ's 10 features per step: layer index, input channels, output
 * channels, kernel size, stride, input feature-map size, weight count, depthwise flag, the
 * weight/activation flag (1 when the step picks weight bits) and the previous action (bits divided
 * by the maximum). The first eight are min-max normalised over the model's layers (a feature that
 * is the same everywhere becomes 0); the last two are in [0, 1] by construction.
 */
public final class LayerStates {
  public static final int FEATURES = 10;
  static final String[] NAMES = {
    "index",
    "c_in",
    "c_out",
    "kernel",
    "stride",
    "feature_size",
    "params",
    "depthwise",
    "weight_step",
    "previous_action"
  };

  private final double[][] normalised;

  public LayerStates(List<LayerWorkload> layers) {
    int n = layers.size();
    double[][] raw = new double[n][8];
    for (int i = 0; i < n; i++) {
      LayerWorkload l = layers.get(i);
      boolean linear = l.kind() == LayerWorkload.Kind.LINEAR;
      raw[i] = new double[] {
        i,
        l.inChannels(),
        l.outChannels(),
        l.kernelH(),
        linear ? 0 : l.stride(),
        (double) l.inH() * l.inW(),
        l.weights(),
        l.depthwise() ? 1 : 0
      };
    }
    for (int f = 0; f < 8; f++) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (double[] r : raw) {
        lo = Math.min(lo, r[f]);
        hi = Math.max(hi, r[f]);
      }
      for (double[] r : raw) r[f] = hi > lo ? (r[f] - lo) / (hi - lo) : 0;
    }
    this.normalised = raw;
  }

  /** The names of the ten features, in order. */
  public static java.util.List<String> featureNames() {
    return java.util.List.of(NAMES);
  }

  public int layers() {
    return normalised.length;
  }

  /** Two steps per layer: step {@code 2i} picks layer i's weight bits, {@code 2i+1} its activation bits. */
  public int steps() {
    return 2 * normalised.length;
  }

  /** The observation at a step, given the previous action as a fraction (bits / max bits; 1 before the first step). */
  public double[] state(int step, double previousAction) {
    if (step < 0 || step >= steps())
      throw new IllegalArgumentException("Step " + step + " is outside 0.." + (steps() - 1) + ".");
    double[] s = new double[FEATURES];
    System.arraycopy(normalised[step / 2], 0, s, 0, 8);
    s[8] = step % 2 == 0 ? 1 : 0;
    s[9] = previousAction;
    return s;
  }
}
