package bitlab.quant;

import bitlab.data.Samples;
import bitlab.model.Evaluation;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.nn.Hooks;
import bitlab.nn.Net;
import bitlab.nn.Transform;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A quantized network, simulated in floating point (fake quantization) and carrying everything the
 * integer executor needs: per layer the folded weights, their codes, scales and bits, the bias;
 * per activation point its quantizer, scale and zero point; and the rounding mode, explicit so that
 * simulated and integer paths can agree exactly.
 *
 * <p>{@link #model()} is the BatchNorm-folded model with dequantized weights and its (corrected) biases on the int32
 * grid of each layer's input ({@link BiasGrid});
 * {@link #net()} runs it on the float engine with the activations fake-quantized (output hooks). Its integer-only
 * program, and the accuracy of what would be deployed, come from {@code bitlab.integer.Deployment} (the package above
 * this one); the notebook's {@code quantize(...).build()} returns a subclass that offers both as methods.
 */
public class QuantizedModel {
  private final String method;
  private final Model source;
  private final Model folded;
  private final Model simulated;
  private final Policy policy;
  private final PtqConfig config;
  private final Map<String, LayerQuant> layers;
  private final Map<String, ActivationQuant> activations;
  /** Per reading layer, the narrower view of a wider tensor it reads (see {@link ActivationPoints#inputBits}). */
  private final Map<String, ActivationQuant> views;

  private Net net;
  /** Values computed from this model by the packages above (its integer program), each made once: see {@link #derived}. */
  private final Map<Class<?>, Object> derived = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Each layer's bias moves to the int32 grid of what it reads ({@link BiasGrid}); the simulated model computes with
   * the dequantized weights and those biases.
   */
  QuantizedModel(
      String method,
      Model source,
      Model folded,
      Policy policy,
      PtqConfig config,
      Map<String, LayerQuant> layers,
      Map<String, ActivationQuant> activations,
      Map<String, ActivationQuant> views) {
    this.method = method;
    this.source = source;
    this.folded = folded;
    this.policy = policy;
    this.config = config;
    this.activations = Collections.unmodifiableMap(new LinkedHashMap<>(activations));
    this.views = Collections.unmodifiableMap(new LinkedHashMap<>(views));
    Map<String, LayerQuant> onGrid = new LinkedHashMap<>();
    for (LayerQuant l : layers.values()) {
      ActivationQuant in = views.containsKey(l.layer())
          ? views.get(l.layer())
          : l.input() == null ? null : activations.get(l.input());
      onGrid.put(l.layer(), BiasGrid.onGrid(l, in, config.rounding()));
    }
    this.layers = Collections.unmodifiableMap(onGrid);
    this.simulated = simulated(folded, onGrid);
  }

  private static Model simulated(Model folded, Map<String, LayerQuant> layers) {
    Map<String, INDArray> p = new LinkedHashMap<>();
    for (LayerQuant l : layers.values()) {
      p.put(l.layer() + ".weight", l.dequantized());
      if (l.bias() != null) p.put(l.layer() + ".bias", l.bias());
    }
    return folded.withParams(p);
  }

  /** The same quantized model, for a subclass that adds conveniences (nothing derived from {@code q} is shared). */
  protected QuantizedModel(QuantizedModel q) {
    this.method = q.method;
    this.source = q.source;
    this.folded = q.folded;
    this.simulated = q.simulated;
    this.policy = q.policy;
    this.config = q.config;
    this.layers = q.layers;
    this.activations = q.activations;
    this.views = q.views;
  }

  /** What produced it, e.g. {@code static PTQ (weights minmax per-channel, activations kl)}. */
  public String method() {
    return method;
  }

  /** The FP32 model it was made from. */
  public Model source() {
    return source;
  }

  /** The FP32 model with BatchNorm folded (the float reference of the quantized layers). */
  public Model folded() {
    return folded;
  }

  /** The folded model with dequantized weights (and corrected biases): what the simulation computes with. */
  public Model model() {
    return simulated;
  }

  public Policy policy() {
    return policy;
  }

  public PtqConfig config() {
    return config;
  }

  public Rounding rounding() {
    return config.rounding();
  }

  public boolean dynamic() {
    return activations.values().stream().anyMatch(ActivationQuant::dynamic);
  }

  /** Per layer, in graph order. */
  public Map<String, LayerQuant> layers() {
    return layers;
  }

  public LayerQuant layer(String name) {
    LayerQuant l = layers.get(name);
    if (l == null)
      throw new QuantException("Layer '" + name + "' is not in " + simulated.name()
          + "; its layers are " + String.join(", ", layers.keySet()) + ".");
    return l;
  }

  /**
   * The width the residual stream is stored at under {@link Placement#INPUTS}: the one set, or the one the policy gets
   * by default ({@link PtqConfig#streamBits(Model, Policy)}).
   */
  public int streamBits() {
    return config.streamBits(folded, policy);
  }

  /** Where activations are quantized (see {@link Placement}). */
  public Placement placement() {
    return config.placement();
  }

  /**
   * The residual Add a layer's int32 accumulator goes into (no quantizer at the layer's own output, as in
   * HAWQ-V3's residual blocks), or null.
   */
  public String residualAdd(String layer) {
    if (activations.containsKey(layer)) return null;
    return ActivationPoints.addOf(folded, layer, ActivationPoints.readers(folded));
  }

  /** Per activation point (node name), in graph order. */
  public Map<String, ActivationQuant> activations() {
    return activations;
  }

  /**
   * Per layer that reads a tensor narrower than it is stored, that narrower view (under {@link Placement#INPUTS}
   * the residual stream is kept at {@link PtqConfig#streamBits}, 8 to 16, and the layers reading it at 4 bits read a
   * 4-bit view of it); layers reading one tensor at one width share one view.
   */
  public Map<String, ActivationQuant> views() {
    return views;
  }

  /** How many distinct views the layers read. */
  public int viewCount() {
    return (int) views.values().stream().distinct().count();
  }

  /** The view a layer reads (see {@link #views()}), or null when it reads its input as stored. */
  public ActivationQuant view(String layer) {
    return views.get(layer);
  }

  /** The quantizer of what a layer computes with: its view, else its input's activation point (null: float input). */
  public ActivationQuant inputQuant(String layer) {
    ActivationQuant v = views.get(layer);
    if (v != null) return v;
    String in = layer(layer).input();
    return in == null ? null : activations.get(in);
  }

  /** The name of a view's tensor in the integer program and in {@link #pointValues}, e.g. {@code s1b1.relu@a4}. */
  public static String viewName(ActivationQuant view) {
    return ActivationPoints.viewName(view.node(), view.spec().bits());
  }

  /** The simulation on the float engine: the folded, dequantized model with its activations fake-quantized (compiled once). */
  public synchronized Net net() {
    if (net == null) net = Net.compile(simulated, Net.Mode.INFERENCE, hooks());
    return net;
  }

  /** Frees the simulation's working memory now (it is compiled again when needed). */
  public synchronized void release() {
    if (net != null) net.release();
  }

  /** Each activation point, and each narrower view a layer reads, fake-quantized with its calibrated parameters, or per batch (dynamic). */
  Hooks hooks() {
    return new Hooks() {
      @Override
      public Transform output(Node node) {
        ActivationQuant a = activations.get(node.name());
        if (a == null) return null;
        return quantizer(a);
      }

      @Override
      public Transform input(Node node) {
        ActivationQuant v = views.get(node.name());
        return v == null ? null : quantizer(v);
      }
    };
  }

  private static Transform quantizer(ActivationQuant a) {
    if (a.dynamic()) return FakeQuant.dynamic(a.spec());
    return a.allocated()
        ? FakeQuant.allocated(a.params(), a.channelBits())
        : FakeQuant.fixed(a.params(), false);
  }

  /** Whether some activation has per-channel widths (bit allocation): then only the simulation computes this model. */
  public boolean activationsAllocated() {
    return activations.values().stream().anyMatch(ActivationQuant::allocated)
        || views.values().stream().anyMatch(ActivationQuant::allocated);
  }

  /**
   * Top-1 accuracy of the fake-quantized float simulation (the graph quantization-aware training
   * differentiates). It computes what the integer program computes, up to float32 rounding near ties.
   */
  public Evaluation simulate(Samples samples) {
    Evaluation e = Inference.evaluate(simulated, samples, net()::logits);
    return new Evaluation(
        simulated.name() + " " + policy.summary() + " simulated",
        e.data(),
        e.correct(),
        e.total(),
        e.loss());
  }

  /**
   * A value computed from this model by a package that builds on this one (the integer program, which reads this
   * model): made by {@code make} the first time it is asked for, then kept with the model.
   */
  public <T> T derived(Class<T> kind, java.util.function.Function<QuantizedModel, T> make) {
    return kind.cast(derived.computeIfAbsent(kind, k -> make.apply(this)));
  }

  /** Logits of the simulated quantized network. */
  public INDArray predict(INDArray x) {
    return net().logits(x);
  }

  /**
   * The fake-quantized value of every activation point for a batch (node name to tensor), what the
   * simulation hands to the next layers; the integer executor's trace compares its codes with these.
   */
  public Map<String, INDArray> pointValues(INDArray x) {
    java.util.List<String> names = new java.util.ArrayList<>(
        activations.keySet().stream().map(Net::hookedName).toList());
    Map<String, String> viewReader = new LinkedHashMap<>();
    views.forEach((layer, v) -> viewReader.putIfAbsent(viewName(v), layer));
    viewReader.values().forEach(layer -> names.add(Net.inputName(layer)));
    Map<String, INDArray> out = net().outputs(x, names);
    Map<String, INDArray> byNode = new LinkedHashMap<>();
    for (String node : activations.keySet()) {
      INDArray v = out.get(Net.hookedName(node));
      if (v != null) byNode.put(node, v);
    }
    viewReader.forEach((view, layer) -> {
      INDArray v = out.get(Net.inputName(layer));
      if (v != null) byNode.put(view, v);
    });
    return byNode;
  }

  /** Bytes of the quantized layers (see {@link Policy#sizeBytes}). */
  public long sizeBytes() {
    return policy.sizeBytes(folded);
  }

  /** Bit operations per image (see {@link Policy#bops}). */
  public long bops() {
    return policy.bops(folded);
  }

  /**
   * Per layer, in {@link Model#workloads()} order, the widths at which its tensors are stored, what hardware cost
   * models move: the input as stored (8 bits for a residual stream that a 4-bit layer reads through a view), the
   * output as stored (int32 logits: 32), and the residual Add's other branch where the layer's accumulator goes
   * into the Add. A float tensor moves at 32 bits.
   */
  public java.util.List<bitlab.hardware.TensorWidths> tensorWidths() {
    // the same rules a search prices unquantized policies with, so the two cannot drift apart
    return new StoredWidths(folded, config).of(policy);
  }

  /** What a layer reads: its input tensor at its stored width and, through a view, at the layer's, e.g. {@code s1b1.relu A8 -> A4}. */
  public String reads(LayerQuant l) {
    if (l.input() == null) return "float";
    ActivationQuant a = activations.get(l.input());
    ActivationQuant v = views.get(l.layer());
    return l.input()
        + (a == null ? "" : " A" + a.spec().bits())
        + (v == null ? "" : " -> A" + v.spec().bits());
  }

  /** What a layer's output becomes: its activation point, the residual Add its accumulator goes into, or the logits. */
  public String writes(LayerQuant l) {
    if (l.output() == null) return "logits (int32, dequantized)";
    ActivationQuant a = activations.get(l.output());
    String point = l.output() + (a == null ? "" : " A" + a.spec().bits());
    String add = residualAdd(l.layer());
    return add == null ? point : "int32 into " + add + " -> " + point;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(
        "Quantized %s, %s, %s: %,d bytes, %,d BOPs/image, rounding %s, %d activation points%s%n",
        source.name(),
        policy.summary(),
        method,
        sizeBytes(),
        bops(),
        rounding().name().toLowerCase(),
        activations.size(),
        viewCount() == 0 ? "" : " and " + viewCount() + " narrower views"));
    for (LayerQuant l : layers.values()) {
      b.append(String.format(
          "  %-16s W%-2s A%-2s input %s, output %s%n",
          l.layer(),
          l.quantized() ? String.valueOf(l.bits().weights()) : "fp",
          l.bits().activationsQuantized() ? String.valueOf(l.bits().activations()) : "fp",
          reads(l),
          writes(l)));
    }
    java.util.List<ActivationQuant> all = new java.util.ArrayList<>(activations.values());
    views.values().stream().distinct().forEach(all::add);
    for (ActivationQuant a : all) {
      String name = activations.get(a.node()) == a ? a.node() : viewName(a);
      b.append(String.format(
          "  %-16s %s%s%n",
          name,
          a.spec(),
          a.dynamic()
              ? ", per-batch range"
              : String.format(", range [%.4g, %.4g]", a.range().lo(), a.range().hi())));
    }
    return b.toString();
  }
}
