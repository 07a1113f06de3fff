package bitlab.quant;

import bitlab.data.Batch;
import bitlab.data.Samples;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.nn.Net;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * AdaRound (Nagel et al. 2020, "Up or down? Adaptive rounding for post-training quantization"): each weight is
 * rounded down or up, not to the nearest code, as a small optimization over calibration images decides. Layer by
 * layer in graph order, on the scales the weight calibration chose:
 *
 * <ul>
 *   <li>the layer's input is what it reads in the quantized model (activations clipped and rounded as deployed,
 *       earlier layers already rounded), its target the FP32 layer's output on the same images, so the rounding also
 *       makes up for the error that reaches the layer;</li>
 *   <li>weight {@code w = s·(⌊w/s⌋ + h(V))} with the rectified sigmoid {@code h(V) = clip(σ(V)(ζ−γ)+γ, 0, 1)},
 *       {@code ζ = 1.1}, {@code γ = −0.1}, {@code V} started where {@code h} is the fraction that nearest rounding
 *       looks at;</li>
 *   <li>Adam minimizes the output's mean squared error plus {@code λ Σ (1 − |2h − 1|^β)}, which is off for the first
 *       20% of the steps and then pushes every {@code h} to 0 or 1 as {@code β} falls from 20 to 2;</li>
 *   <li>a weight is rounded up where {@code h ≥ 1/2}. Per output channel, the learned rounding is kept only where its
 *       output error on the calibration images is below nearest rounding's.</li>
 * </ul>
 *
 * <p>The output error is a quadratic form in the weights ({@link LayerGram}), summed once per layer over the images,
 * so each step costs one product with the layer's input Gram matrix, and the result does not depend on any random
 * draw: the same images give the same codes.
 */
public final class AdaRound {
  private static final double ZETA = 1.1;
  private static final double GAMMA = -0.1;
  private static final double WARM_UP = 0.2;
  private static final double BETA_START = 20;
  private static final double BETA_END = 2;

  /**
   * One layer's outcome: the mean squared error of its output (per output element, on the calibration images, against
   * the FP32 layer) with nearest rounding and with the rounding kept, and how many weights round the other way.
   */
  public record LayerResult(
      String layer, double nearestError, double error, int flipped, int weights) {}

  /** The layers with their rounding learned, and what it did per layer. */
  public record Result(Map<String, LayerQuant> layers, List<LayerResult> report) {}

  private AdaRound() {}

  /** Learns the rounding of every quantized layer (above one bit); {@code quantized} makes the quantized model of a set of layers. */
  static Result round(
      Model folded,
      Map<String, LayerQuant> layers,
      Samples calibration,
      AdaRoundConfig config,
      Function<Map<String, LayerQuant>, QuantizedModel> quantized) {
    if (calibration == null || calibration.size() == 0) {
      throw new QuantException(
          "AdaRound learns each layer's rounding on calibration images, and none were given; calibrate(data) first.");
    }
    Samples images =
        calibration.size() > config.images() ? calibration.take(config.images()) : calibration;
    List<LayerQuant> todo = layers.values().stream()
        .filter(l -> l.quantized() && !l.weights().spec().binary())
        .toList();
    Map<String, LayerQuant> out = new LinkedHashMap<>(layers);
    List<LayerResult> report = new ArrayList<>();
    for (LayerQuant l : todo) {
      bitlab.task.Work.progress(
          String.format("AdaRound: layer %d / %d (%s)", report.size() + 1, todo.size(), l.layer()));
      QuantizedModel q = quantized.apply(out);
      LayerGram gram;
      try {
        gram = gram(folded, q, l, images);
      } finally {
        q.release();
      }
      Rounded r = learn(l, gram, config);
      out.put(l.layer(), r.layer());
      report.add(r.result());
    }
    return new Result(out, report);
  }

  /** The output-error form of a layer: its input in the quantized model, its output in the FP32 one. */
  private static LayerGram gram(Model folded, QuantizedModel q, LayerQuant l, Samples images) {
    Node n = folded.node(l.layer());
    String in = n.inputs().get(0);
    String read = q.view(l.layer()) != null
        ? Net.inputName(l.layer())
        : q.activations().containsKey(in) ? Net.hookedName(in) : in;
    float[] bias =
        l.bias() == null ? null : l.bias().castTo(DataType.FLOAT).dup().data().asFloat();
    LayerGram gram = LayerGram.of(n.op());
    for (Batch b : images.batches(128)) {
      INDArray x = q.net().outputs(b.x(), List.of(read)).get(read);
      INDArray y = Inference.outputs(folded, b.x(), List.of(l.layer())).get(l.layer());
      gram.add(n.op(), x, y, bias);
    }
    gram.finish();
    return gram;
  }

  private record Rounded(LayerQuant layer, LayerResult result) {}

  /** Adam on the rounding variables of one layer, then the hard rounding, channel by channel the better of it and nearest. */
  static Rounded learn(LayerQuant l, LayerGram gram, AdaRoundConfig config) {
    QuantParams p = l.weights();
    QuantSpec spec = p.spec();
    float[] wf = l.folded().castTo(DataType.FLOAT).dup('c').data().asFloat();
    int n = wf.length;
    int k = gram.k();
    int[] floor = new int[n];
    int[] nearest = new int[n];
    float[] scale = new float[n];
    int[] zero = new int[n];
    double[] v = new double[n];
    int[] bound = channelBounds(l, spec);
    for (int i = 0; i < n; i++) {
      int c = p.channels() == 1 ? 0 : i / k;
      scale[i] = p.scale(c);
      zero[i] = p.zeroPoint(c);
      float x = wf[i] / scale[i];
      double fl = Math.floor(x);
      floor[i] = (int) fl + zero[i];
      nearest[i] = p.quantize(wf[i], c);
      double target = ((x - fl) - GAMMA) / (ZETA - GAMMA); // σ(V) that makes h the fraction
      v[i] = Math.log(target / (1 - target));
    }
    double[] w = new double[n];
    double[] r = new double[n];
    double[] chain = new double[n];
    double[] penalty = new double[n];
    double[] m1 = new double[n];
    double[] m2 = new double[n];
    int warm = (int) Math.round(WARM_UP * config.iterations());
    for (int it = 0; it < config.iterations(); it++) {
      if (it % 100 == 0) bitlab.task.Work.checkpoint();
      boolean regularized = it >= warm && config.regularization() > 0;
      double beta = BETA_END
          + (BETA_START - BETA_END)
              * (1 - (it - warm) / (double) Math.max(1, config.iterations() - warm));
      for (int i = 0; i < n; i++) {
        double sig = 1 / (1 + Math.exp(-v[i]));
        double raw = sig * (ZETA - GAMMA) + GAMMA;
        double h = Math.min(1, Math.max(0, raw));
        double dh = raw > 0 && raw < 1 ? sig * (1 - sig) * (ZETA - GAMMA) : 0;
        double code = floor[i] + h;
        double dcode = dh;
        int top = bound[i / k];
        if (code < -top || code > top) {
          code = Math.min(top, Math.max(-top, code));
          dcode = 0;
        }
        w[i] = (code - zero[i]) * scale[i];
        chain[i] = dcode * scale[i];
        double d = 2 * h - 1;
        penalty[i] = regularized
            ? -config.regularization()
                * beta
                * Math.pow(Math.abs(d), beta - 1)
                * Math.signum(d)
                * 2
                * dh
            : 0;
      }
      gram.residual(w, r);
      double lr = config.learningRate();
      double c1 = 1 - Math.pow(0.9, it + 1), c2 = 1 - Math.pow(0.999, it + 1);
      for (int i = 0; i < n; i++) {
        double g = 2 * r[i] * chain[i] + penalty[i]; // dE/dw · dw/dV + the penalty's gradient
        m1[i] = 0.9 * m1[i] + 0.1 * g;
        m2[i] = 0.999 * m2[i] + 0.001 * g * g;
        v[i] -= lr * (m1[i] / c1) / (Math.sqrt(m2[i] / c2) + 1e-8);
      }
    }
    int[] learned = new int[n];
    for (int i = 0; i < n; i++)
      learned[i] = Math.min(bound[i / k], Math.max(-bound[i / k], floor[i] + (v[i] >= 0 ? 1 : 0)));
    double[] before = gram.errors(values(nearest, scale, zero));
    double[] after = gram.errors(values(learned, scale, zero));
    int[] kept = new int[n];
    double sumBefore = 0, sumAfter = 0;
    int flipped = 0;
    for (int oc = 0; oc < before.length; oc++) {
      boolean better = after[oc] < before[oc];
      for (int i = oc * k; i < (oc + 1) * k; i++) {
        kept[i] = better ? learned[i] : nearest[i];
        if (kept[i] != nearest[i]) flipped++;
      }
      sumBefore += before[oc];
      sumAfter += Math.min(before[oc], after[oc]);
    }
    float[] deq = new float[n];
    for (int i = 0; i < n; i++) deq[i] = p.dequantize(kept[i], p.channels() == 1 ? 0 : i / k);
    long[] shape = l.folded().shape();
    LayerQuant rounded = new LayerQuant(
        l.layer(),
        l.bits(),
        p,
        Nd4j.createFromArray(kept).reshape(shape),
        l.folded(),
        Nd4j.createFromArray(deq).reshape(shape),
        l.bias(),
        l.input(),
        l.output());
    return new Rounded(
        rounded,
        new LayerResult(
            l.layer(), sumBefore / before.length, sumAfter / before.length, flipped, n));
  }

  /**
   * Per output channel, the largest code AdaRound may give: the spec's {@code qmax}, or with per-channel weights the top
   * code of the channel's own width (the narrowest symmetric width holding its nearest codes), so that a channel given
   * fewer bits by {@link BitAllocation} keeps them. Weight codes are symmetric: the smallest is its negative.
   */
  static int[] channelBounds(LayerQuant l, QuantSpec spec) {
    int out = (int) l.folded().size(0);
    int[] bound = new int[out];
    java.util.Arrays.fill(bound, spec.qmax());
    if (l.weights().channels() == 1) return bound;
    int[] bits = WeightQuantizer.channelBits(l.codes());
    for (int c = 0; c < out; c++) bound[c] = Math.min(spec.qmax(), (1 << (bits[c] - 1)) - 1);
    return bound;
  }

  /** The dequantized values of codes, in double. */
  private static double[] values(int[] codes, float[] scale, int[] zero) {
    double[] w = new double[codes.length];
    for (int i = 0; i < codes.length; i++) w[i] = (float) ((codes[i] - zero[i]) * scale[i]);
    return w;
  }
}
