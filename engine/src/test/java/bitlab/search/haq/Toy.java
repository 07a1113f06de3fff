package bitlab.search.haq;

import bitlab.hardware.Bits;
import bitlab.hardware.LayerWorkload;
import java.util.ArrayList;
import java.util.List;

/** Test fixtures: small workload lists and synthetic accuracy functions with known optima. */
final class Toy {
  private Toy() {}

  /** A MobileNet-like stack: conv, then depthwise/pointwise pairs, then a classifier. */
  static List<LayerWorkload> layers(int blocks) {
    List<LayerWorkload> l = new ArrayList<>();
    int c = 16;
    int size = 28;
    l.add(new LayerWorkload(
        "conv0", LayerWorkload.Kind.CONV, 1, c, 3, 3, 1, 1, size, size, size, size));
    for (int b = 0; b < blocks; b++) {
      int stride = b % 2 == 1 ? 2 : 1;
      int out = size / stride;
      l.add(new LayerWorkload(
          "dw" + b, LayerWorkload.Kind.CONV, c, c, 3, 3, stride, c, size, size, out, out));
      l.add(new LayerWorkload(
          "pw" + b, LayerWorkload.Kind.CONV, c, 2 * c, 1, 1, 1, 1, out, out, out, out));
      c *= 2;
      size = out;
    }
    l.add(LayerWorkload.linear("fc", c, 10));
    return l;
  }

  /** A synthetic oracle: {@code accuracy} of each policy, an unquantized accuracy of 100. */
  static AccuracyOracle of(java.util.function.ToDoubleFunction<List<Bits>> accuracy) {
    return new AccuracyOracle() {
      @Override
      public double reference() {
        return 100;
      }

      @Override
      public double accuracy(List<Bits> p) {
        return accuracy.applyAsDouble(p);
      }
    };
  }

  /** Accuracy peaks at 100 when every layer sits at its target widths; each bit away costs a point. */
  static AccuracyOracle targets(int[] tw, int[] ta) {
    return of(p -> {
      double acc = 100;
      for (int i = 0; i < p.size(); i++) {
        acc -= Math.abs(p.get(i).weights() - tw[i]) + Math.abs(p.get(i).activations() - ta[i]);
      }
      return acc;
    });
  }

  /** Accuracy that grows with bits, more for some layers: under a budget the optimum spends bits where they count. */
  static AccuracyOracle sensitivity(double[] weightCost, double[] actCost) {
    return of(p -> {
      double acc = 100;
      for (int i = 0; i < p.size(); i++) {
        acc -= weightCost[i] * Math.pow(2, 8 - p.get(i).weights()) / 64
            + actCost[i] * Math.pow(2, 8 - p.get(i).activations()) / 64;
      }
      return acc;
    });
  }
}
