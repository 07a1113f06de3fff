package bitlab.hardware;

import java.util.List;

/**
 * Latency saved by taking one bit (activation by default, or weight) off every depthwise layer
 * versus every pointwise (1x1) layer of a model, from a base pair: the quantity behind HAQ's
 * edge-versus-cloud finding.
 */
record Specialisation(
    double depthwiseSeconds, double pointwiseSeconds, int depthwiseLayers, int pointwiseLayers) {

  static Specialisation of(Target t, List<LayerWorkload> layers, Bits base) {
    return of(t, layers, base, base.withActivations(base.activations() - 1));
  }

  static Specialisation ofWeights(Target t, List<LayerWorkload> layers, Bits base) {
    return of(t, layers, base, base.withWeights(base.weights() - 1));
  }

  static Specialisation of(Target t, List<LayerWorkload> layers, Bits base, Bits fewer) {
    double dw = 0;
    double pw = 0;
    int nd = 0;
    int np = 0;
    for (int i = 0; i < layers.size(); i++) {
      LayerWorkload l = layers.get(i);
      double saved =
          t.layer(i, l, base).cost().seconds() - t.layer(i, l, fewer).cost().seconds();
      if (l.depthwise()) {
        dw += saved;
        nd++;
      } else if (l.kind() == LayerWorkload.Kind.CONV && l.kernelH() == 1 && l.kernelW() == 1) {
        pw += saved;
        np++;
      }
    }
    return new Specialisation(dw, pw, nd, np);
  }

  double depthwisePerLayer() {
    return depthwiseSeconds / depthwiseLayers;
  }

  double pointwisePerLayer() {
    return pointwiseSeconds / pointwiseLayers;
  }

  /** Depthwise saving over pointwise saving (per layer; MobileNet has as many of each). */
  double ratio() {
    return depthwisePerLayer() / pointwisePerLayer();
  }
}
