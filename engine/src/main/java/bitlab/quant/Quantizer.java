package bitlab.quant;

import bitlab.data.Samples;
import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Post-training quantization: static (activation ranges calibrated once) and dynamic (activation
 * ranges taken per batch at run time). Both fold BatchNorm first and quantize weights per the policy.
 */
public final class Quantizer {
  private Quantizer() {}

  /** Static PTQ: calibrate activation ranges on {@code calibration}, quantize weights, optionally correct biases. */
  public static QuantizedModel ptq(
      Model model, Policy policy, Samples calibration, PtqConfig config) {
    return ptq(
        Observations.of(model, calibration, config.bins(), config.equalization()), policy, config);
  }

  /**
   * Static PTQ with activation ranges from histograms observed before (or now, if a tensor was not
   * seen yet): the same result as {@link #ptq(Model, Policy, Samples, PtqConfig)} on the same
   * calibration images, without running them again.
   */
  public static QuantizedModel ptq(Observations observed, Policy policy, PtqConfig config) {
    if (observed.bins() != config.bins()) {
      throw new QuantException("These observations have " + observed.bins()
          + " histogram bins but the PTQ configuration asks for " + config.bins()
          + "; observe with Observations.of(model, images, config.bins()).");
    }
    if (observed.equalized() != config.equalization()) {
      throw new QuantException("These observations were made on the model "
          + (observed.equalized() ? "after" : "without")
          + " cross-layer equalization but the PTQ configuration asks "
          + (config.equalization() ? "for it" : "for none")
          + "; observe with Observations.of(model, images, config.bins(), config.equalization()).");
    }
    Model model = observed.source();
    Model folded = observed.folded();
    Samples calibration = observed.calibration();
    policy.validate(folded);
    Map<String, ActivationPoints.Point> points =
        ActivationPoints.of(folded, policy, config.placement(), config.streamBits(folded, policy));
    Map<String, Histogram> hist = observed.histograms(points.keySet());
    Map<String, ActivationQuant> acts = new LinkedHashMap<>();
    for (ActivationPoints.Point p : points.values()) {
      QuantSpec spec = config.activationSpec(p.bits(), p.signed());
      Histogram h = hist.get(p.node());
      // The model input is data with a known, bounded range: clipping it only destroys pixels, so
      // it keeps
      // its extremes; the clipping methods apply to the activations proper.
      Calibration method = folded.node(p.node()).op() instanceof bitlab.model.Op.Input
          ? Calibration.MINMAX
          : config.activations();
      Calibration.Range r = method.range(h, spec);
      acts.put(
          p.node(),
          new ActivationQuant(p, spec, QuantParams.fromRange(spec, r.lo(), r.hi()), r, h));
    }
    Map<String, ActivationQuant> views = views(folded, policy, config, points, acts);
    if (config.allocation().activations())
      ActivationAllocation.apply(folded, calibration, acts, views);
    Map<String, LayerQuant> layers = quantizeWeights(folded, policy, config, points);
    String method = "static PTQ (" + config.describe() + ")";
    if (config.adaRound() != null) {
      layers = AdaRound.round(
              folded,
              layers,
              calibration,
              config.adaRound(),
              ls -> new QuantizedModel(method, model, folded, policy, config, ls, acts, views))
          .layers();
    }
    if (config.biasCorrection()) {
      layers = BiasCorrection.correct(
          folded,
          layers,
          calibration,
          ls -> new QuantizedModel(method, model, folded, policy, config, ls, acts, views));
    }
    return new QuantizedModel(method, model, folded, policy, config, layers, acts, views);
  }

  /** Dynamic PTQ: weights quantized now, each activation tensor quantized with its own batch's range at run time. */
  public static QuantizedModel dynamic(Model model, Policy policy, PtqConfig config) {
    if (config.allocation().activations()) {
      throw new QuantException(
          "Per-channel activation bit allocation shares widths out by each channel's range on calibration images, and "
              + "dynamic quantization has none; calibrate(data) for static PTQ, or allocate the weights only.");
    }
    if (config.biasCorrection()) {
      throw new QuantException(
          "Bias correction measures the quantized model on calibration images, and dynamic quantization has none; "
              + "calibrate(data) for static PTQ, or drop biasCorrection().");
    }
    if (config.adaRound() != null) {
      throw new QuantException(
          "AdaRound learns the rounding on calibration images, and dynamic quantization has none; "
              + "calibrate(data) for static PTQ, or drop adaRound().");
    }
    Model folded =
        config.equalization() ? CrossLayerEqualization.apply(model) : BatchNormFolding.fold(model);
    policy.validate(folded);
    Map<String, ActivationPoints.Point> points =
        ActivationPoints.of(folded, policy, config.placement(), config.streamBits(folded, policy));
    Map<String, ActivationQuant> acts = new LinkedHashMap<>();
    for (ActivationPoints.Point p : points.values()) {
      acts.put(
          p.node(),
          new ActivationQuant(
              p,
              config.withAsymmetricActivations(false).activationSpec(p.bits(), p.signed()),
              null,
              null,
              null));
    }
    Map<String, ActivationQuant> views =
        views(folded, policy, config.withAsymmetricActivations(false), points, acts);
    Map<String, LayerQuant> layers = quantizeWeights(folded, policy, config, points);
    String method = "dynamic PTQ (weights " + config.weights().name()
        + (config.perChannel() ? " per-channel" : " per-tensor") + ", activations per batch)";
    return new QuantizedModel(method, model, folded, policy, config, layers, acts, views);
  }

  static Map<String, LayerQuant> quantizeWeights(
      Model folded, Policy policy, PtqConfig config, Map<String, ActivationPoints.Point> points) {
    Map<String, List<Node>> readers = ActivationPoints.readers(folded);
    Map<String, LayerQuant> layers = new LinkedHashMap<>();
    for (Node n : folded.layers()) {
      LayerBits bits = policy.get(n.name());
      INDArray w = folded.param(n.param("weight"));
      INDArray bias = folded.params().get(n.param("bias"));
      String in = ActivationPoints.inputOf(folded, n.name(), points);
      String out = outputOf(folded, n.name(), readers, points);
      if (!bits.weightsQuantized()) {
        layers.put(n.name(), new LayerQuant(n.name(), bits, null, null, w, w, bias, in, out));
        continue;
      }
      WeightQuantizer.Result r = config.allocation().weights()
          ? WeightQuantizer.allocated(n.param("weight"), w, config.weightSpec(bits.weights()))
          : WeightQuantizer.quantize(
              n.param("weight"), w, config.weightSpec(bits.weights()), config.weights());
      layers.put(
          n.name(),
          new LayerQuant(n.name(), bits, r.params(), r.codes(), w, r.dequantized(), bias, in, out));
    }
    return layers;
  }

  /**
   * A quantized model from trained folded weights: weights re-quantized (with learned per-channel steps
   * where given under {@code <layer>.weight_step}, else by their extremes), activations from
   * {@code start} unless a learned step is given under the point's node name.
   */
  static QuantizedModel assemble(
      String method,
      Model source,
      Model folded,
      Policy policy,
      PtqConfig config,
      QuantizedModel start,
      Map<String, INDArray> learned) {
    Map<String, LayerQuant> layers = new LinkedHashMap<>();
    for (Node n : folded.layers()) {
      LayerQuant s = start.layer(n.name());
      INDArray w = folded.param(n.param("weight"));
      INDArray bias = folded.params().get(n.param("bias"));
      if (!s.quantized()) {
        layers.put(
            n.name(),
            new LayerQuant(n.name(), s.bits(), null, null, w, w, bias, s.input(), s.output()));
        continue;
      }
      QuantSpec spec = s.weights().spec();
      INDArray step = learned.get(n.name() + ".weight_step");
      WeightQuantizer.Result r = step != null
          ? WeightQuantizer.quantize(
              n.param("weight"),
              w,
              new QuantParams(
                  spec,
                  step.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)
                      .dup()
                      .data()
                      .asFloat(),
                  new int[(int) step.length()]))
          : WeightQuantizer.quantize(n.param("weight"), w, spec, Calibration.MINMAX);
      layers.put(
          n.name(),
          new LayerQuant(
              n.name(),
              s.bits(),
              r.params(),
              r.codes(),
              w,
              r.dequantized(),
              bias,
              s.input(),
              s.output()));
    }
    Map<String, ActivationQuant> acts = new LinkedHashMap<>();
    for (ActivationQuant a : start.activations().values()) {
      INDArray step = learned.get(a.node());
      if (step == null) {
        acts.put(a.node(), a);
        continue;
      }
      QuantParams p = new QuantParams(a.spec(), new float[] {step.getFloat(0)}, new int[] {0});
      double[] r = p.range(0);
      acts.put(
          a.node(),
          new ActivationQuant(
              a.point(), a.spec(), p, new Calibration.Range(r[0], r[1]), a.histogram()));
    }
    return new QuantizedModel(method, source, folded, policy, config, layers, acts, start.views());
  }

  /**
   * The narrower views of wider tensors that layers read (see {@link ActivationPoints#inputBits}), by reading layer;
   * layers reading one tensor at one width share one view, calibrated on the tensor's histogram like a point of that
   * width (dynamic points have dynamic views).
   */
  static Map<String, ActivationQuant> views(
      Model folded,
      Policy policy,
      PtqConfig config,
      Map<String, ActivationPoints.Point> points,
      Map<String, ActivationQuant> acts) {
    Map<String, List<String>> readersOf = new LinkedHashMap<>();
    Map<String, String> viewOf = new LinkedHashMap<>();
    for (Node n : folded.layers()) {
      int bits = ActivationPoints.inputBits(folded, n.name(), policy, points, config.placement());
      if (bits == 0) continue;
      String name =
          ActivationPoints.viewName(ActivationPoints.inputOf(folded, n.name(), points), bits);
      readersOf.computeIfAbsent(name, k -> new ArrayList<>()).add(n.name());
      viewOf.put(n.name(), name);
    }
    Map<String, ActivationQuant> byName = new LinkedHashMap<>();
    Map<String, ActivationQuant> views = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : viewOf.entrySet()) {
      ActivationQuant v = byName.computeIfAbsent(e.getValue(), name -> {
        ActivationQuant src = acts.get(ActivationPoints.inputOf(folded, e.getKey(), points));
        int bits = policy.get(e.getKey()).activations();
        ActivationPoints.Point p = new ActivationPoints.Point(
            src.node(), bits, src.point().signed(), List.copyOf(readersOf.get(name)));
        QuantSpec spec = config.activationSpec(bits, src.point().signed());
        if (src.dynamic()) return new ActivationQuant(p, spec, null, null, null);
        Calibration method = folded.node(src.node()).op() instanceof Op.Input
            ? Calibration.MINMAX
            : config.activations();
        Calibration.Range r = method.range(src.histogram(), spec);
        return new ActivationQuant(
            p, spec, QuantParams.fromRange(spec, r.lo(), r.hi()), r, src.histogram());
      });
      views.put(e.getKey(), v);
    }
    return views;
  }

  /**
   * The activation point at the end of a layer's fused group (through ReLU/ReLU6, or through the residual Add
   * its accumulator goes into), or null (logits).
   */
  static String outputOf(
      Model folded,
      String layer,
      Map<String, List<Node>> readers,
      Map<String, ActivationPoints.Point> points) {
    String cur = layer;
    if (!points.containsKey(cur)) {
      String add = ActivationPoints.addOf(folded, layer, readers);
      if (add != null) cur = add;
    }
    List<Node> relus = folded.reluChain(folded.node(cur), x -> !points.containsKey(x.name()));
    if (!relus.isEmpty()) cur = relus.get(relus.size() - 1).name();
    return points.containsKey(cur) ? cur : null;
  }
}
