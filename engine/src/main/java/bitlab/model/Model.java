package bitlab.model;

import bitlab.data.Dataset;
import bitlab.data.Inputs;
import bitlab.data.Normalization;
import bitlab.data.Preprocessing;
import bitlab.hardware.LayerWorkload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An immutable network: a topologically ordered graph of {@link Node}s with one input and one
 * output (the last node), plus its parameters. Passes (training, folding, quantization) return new
 * models; the constructor verifies the graph and every parameter's shape.
 */
public final class Model {
  private final String name;
  private final List<Node> nodes;
  private final Map<String, Node> byName;
  private final Map<String, INDArray> params;
  private final Map<String, String> metadata;
  /** Made on first use: see {@link #readers()}. */
  private volatile Map<String, List<Node>> readers;

  Model(String name, List<Node> nodes, Map<String, INDArray> params, Map<String, String> metadata) {
    if (name == null || name.isBlank()) throw new ModelException("A model needs a name.");
    if (nodes.isEmpty() || !(nodes.get(0).op() instanceof Op.Input)) {
      throw new ModelException("Model '" + name + "' must start with its input node.");
    }
    this.name = name;
    this.nodes = List.copyOf(nodes);
    Map<String, Node> index = new LinkedHashMap<>();
    for (Node n : this.nodes) {
      for (String in : n.inputs()) {
        if (!index.containsKey(in)) {
          throw new ModelException("Node '" + n.name() + "' of model '" + name + "' reads '" + in
              + "', which is not defined before it.");
        }
      }
      if (index.put(n.name(), n) != null)
        throw new ModelException("Model '" + name + "' has two nodes named '" + n.name() + "'.");
    }
    this.byName = Collections.unmodifiableMap(index);
    this.params = Collections.unmodifiableMap(checkParams(name, this.nodes, params));
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** Starts a model whose input has this per-image shape. */
  public static ModelBuilder builder(String name, Shape input) {
    return new ModelBuilder(name, input);
  }

  public String name() {
    return name;
  }

  public List<Node> nodes() {
    return nodes;
  }

  /**
   * The nodes reading each node's output, in graph order (a node nobody reads is absent). Made once per model, the
   * one place the graph's edges are turned round: quantization's activation points, the integer compiler and the
   * float engine's fusion all walk forward with it.
   */
  public Map<String, List<Node>> readers() {
    Map<String, List<Node>> r = readers;
    if (r == null) {
      Map<String, List<Node>> made = new LinkedHashMap<>();
      for (Node n : nodes)
        for (String i : n.inputs())
          made.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
      made.replaceAll((k, v) -> List.copyOf(v));
      readers = r = Collections.unmodifiableMap(made);
    }
    return r;
  }

  /**
   * The ReLU and ReLU6 nodes after {@code from}, each the only reader of the node before it, followed for as long as
   * {@code through} accepts the node reached so far; the walk stops at the first node it refuses, or whose value has
   * several readers or a reader that is not a ReLU. The one walk of ReLU fusion: quantization and the integer
   * compiler follow it to a layer's activation point, the float program fuses its first step as an activation post-op.
   */
  public List<Node> reluChain(Node from, Predicate<Node> through) {
    List<Node> chain = new ArrayList<>();
    Node cur = from;
    while (through.test(cur)) {
      List<Node> r = readers().getOrDefault(cur.name(), List.of());
      if (r.size() != 1 || !(r.get(0).op() instanceof Op.Relu || r.get(0).op() instanceof Op.Relu6))
        break;
      chain.add(cur = r.get(0));
    }
    return List.copyOf(chain);
  }

  public Map<String, INDArray> params() {
    return params;
  }

  /** Provenance and notes: where the weights come from, the command that made them, their accuracy. */
  public Map<String, String> metadata() {
    return metadata;
  }

  public Shape inputShape() {
    return nodes.get(0).shape();
  }

  public Shape outputShape() {
    return output().shape();
  }

  public Node output() {
    return nodes.get(nodes.size() - 1);
  }

  public Node node(String node) {
    Node n = byName.get(node);
    if (n == null) {
      throw new ModelException("Layer '" + node + "' is not in model '" + name
          + "'; its layers are " + String.join(", ", byName.keySet()) + ".");
    }
    return n;
  }

  public boolean has(String node) {
    return byName.containsKey(node);
  }

  public INDArray param(String key) {
    INDArray a = params.get(key);
    if (a == null) throw new ModelException("Model '" + name + "' has no parameter '" + key + "'.");
    return a;
  }

  /** The layers that carry weights (Conv and Linear), in graph order: what a quantization policy assigns bits to. */
  public List<Node> layers() {
    return nodes.stream().filter(Node::quantizable).toList();
  }

  public List<String> layerNames() {
    return layers().stream().map(Node::name).toList();
  }

  /** Per quantizable layer, what it asks of hardware (for one image). */
  public List<LayerWorkload> workloads() {
    List<LayerWorkload> w = new ArrayList<>();
    for (Node n : layers()) {
      Shape in = byName.get(n.inputs().get(0)).shape();
      if (n.op() instanceof Op.Conv2d c) {
        w.add(new LayerWorkload(
            n.name(),
            LayerWorkload.Kind.CONV,
            c.in(),
            c.out(),
            c.kernelH(),
            c.kernelW(),
            Math.max(c.strideH(), c.strideW()),
            c.groups(),
            in.height(),
            in.width(),
            n.shape().height(),
            n.shape().width()));
      } else if (n.op() instanceof Op.Linear l) {
        w.add(LayerWorkload.linear(n.name(), l.in(), l.out()));
      }
    }
    return w;
  }

  /** Total multiply-accumulates per image over all layers with weights. */
  public long macs() {
    return workloads().stream().mapToLong(LayerWorkload::macs).sum();
  }

  /** Number of trainable values (weights, biases, BatchNorm scale and shift; not running statistics). */
  public long parameterCount() {
    long n = 0;
    for (Map.Entry<String, INDArray> e : params.entrySet()) {
      if (!e.getKey().endsWith(".running_mean") && !e.getKey().endsWith(".running_var"))
        n += e.getValue().length();
    }
    return n;
  }

  /** A copy with some parameters replaced (for example after training); shapes are checked. */
  public Model withParams(Map<String, INDArray> replaced) {
    Map<String, INDArray> p = new LinkedHashMap<>(params);
    for (String k : replaced.keySet()) {
      if (!p.containsKey(k))
        throw new ModelException("Model '" + name + "' has no parameter '" + k + "' to replace.");
    }
    p.putAll(replaced);
    return new Model(name, nodes, p, metadata);
  }

  public Model withName(String newName) {
    return new Model(newName, nodes, params, metadata);
  }

  public Model withMetadata(String key, String value) {
    Map<String, String> m = new LinkedHashMap<>(metadata);
    m.put(key, value);
    return new Model(name, nodes, params, m);
  }

  /** A copy of the graph with other nodes (a graph pass); parameters of removed nodes are dropped. */
  public Model withNodes(List<Node> newNodes, Map<String, INDArray> newParams) {
    return new Model(name, newNodes, newParams, metadata);
  }

  /**
   * What the model does to pixels before its first layer (per-channel mean and std, channel order), read from
   * its metadata ({@link Preprocessing#KEY}); empty if the model does not say, and then each data set's own
   * normalisation is used as it is.
   */
  public Optional<Preprocessing> preprocessing() {
    String v = metadata.get(Preprocessing.KEY);
    return v == null
        ? Optional.empty()
        : Optional.of(Preprocessing.parse(v, "Model '" + name + "'"));
  }

  /** A copy that declares its preprocessing (kept in its metadata, weight files and ONNX exports). */
  public Model withPreprocessing(Preprocessing p) {
    int channels = inputShape().channels();
    if (p.channels() != channels) {
      throw new ModelException("Model '" + name + "' takes " + channels
          + "-channel images; a normalisation for " + p.channels()
          + " channel(s) does not fit: give one mean and one std per input channel.");
    }
    return withMetadata(Preprocessing.KEY, p.format());
  }

  /** Declares the per-channel mean and std the model expects, for pixels scaled to [0, 1] (torchvision's convention). */
  public Model normalize(double[] mean, double[] std) {
    if (mean == null || std == null || mean.length != std.length) {
      throw new ModelException(
          "normalize(mean, std) needs as many means as standard deviations, one per input channel.");
    }
    float[] m = new float[mean.length];
    float[] s = new float[std.length];
    for (int c = 0; c < m.length; c++) {
      m[c] = (float) mean[c];
      s[c] = (float) std[c];
    }
    return withPreprocessing(Preprocessing.of(m, s));
  }

  /** Declares one mean and std for every input channel. */
  public Model normalize(double mean, double std) {
    return withPreprocessing(Preprocessing.of(inputShape().channels(), (float) mean, (float) std));
  }

  /** Declares named constants: {@code "mnist"}, {@code "cifar10"}, {@code "imagenet"} or {@code "none"} (pixels in [0, 1]). */
  public Model normalize(String name) {
    return withPreprocessing(Preprocessing.named(name, inputShape().channels()));
  }

  /** Declares that the model takes its colour channels as BGR (or RGB), keeping its mean and std. */
  public Model channelOrder(String order) {
    Normalization.ChannelOrder o;
    try {
      o = Normalization.ChannelOrder.valueOf(order.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (RuntimeException e) {
      throw new ModelException("Channel order '" + order + "' is not known; use RGB or BGR.");
    }
    Preprocessing p =
        preprocessing().orElse(Preprocessing.named("none", inputShape().channels()));
    return withPreprocessing(p.withOrder(o));
  }

  /** {@code data} as this model takes it: shape checked, values brought to its preprocessing ({@link Inputs#prepare}). */
  public Dataset prepare(Dataset data) {
    Shape in = inputShape();
    if (!in.isImage()) return data; // a model of vectors: Inference.checkFits names the mismatch
    return Inputs.prepare(
        data, preprocessing().orElse(null), name, in.channels(), in.height(), in.width());
  }

  /** The metadata key that records the data a model's weights were trained on (a data set's provenance line). */
  public static final String TRAINED_ON = "trained_on";

  /**
   * A copy that records what its weights were trained on ({@link #TRAINED_ON}: the data set's parts and how they were
   * made) and, if it declared no preprocessing, the data set's normalisation as its own: the inputs it learned from.
   */
  public Model trainedOn(Dataset data) {
    Model m = withMetadata(TRAINED_ON, data.provenance());
    if (preprocessing().isPresent()
        || !data.normalization().fromPixels()
        || !inputShape().isImage()) return m;
    return m.withPreprocessing(new Preprocessing(data.normalization()));
  }

  /** Top-1 accuracy on the data set's test split, with the model's preprocessing applied. */
  public Evaluation evaluate(Dataset data) {
    return Inference.evaluate(this, prepare(data).test());
  }

  /** Logits {@code [N, classes]} for a batch of inputs. */
  public INDArray predict(INDArray x) {
    return Inference.logits(this, x);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(
        "Model %s: input %s, output %s, %d layers with weights, %,d parameters, %,d MACs/image%n",
        name, inputShape(), outputShape(), layers().size(), parameterCount(), macs()));
    for (Node n : nodes) {
      b.append(String.format(
          "  %-16s %-14s %-12s <- %s%n",
          n.name(), n.op().type(), n.shape(), String.join(", ", n.inputs())));
    }
    return b.toString();
  }

  private static Map<String, INDArray> checkParams(
      String model, List<Node> nodes, Map<String, INDArray> given) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    Set<String> expected = new HashSet<>();
    for (Node n : nodes) {
      for (Op.Param p : n.op().params()) {
        String key = n.param(p.name());
        expected.add(key);
        INDArray a = given.get(key);
        if (a == null)
          throw new ModelException("Model '" + model + "' is missing parameter '" + key + "' "
              + Arrays.toString(p.shape()) + ".");
        if (!Arrays.equals(a.shape(), p.shape())) {
          throw new ModelException("Parameter '" + key + "' of model '" + model + "' has shape "
              + Arrays.toString(a.shape()) + " but node '" + n.name() + "' ("
              + n.op().type() + ") needs " + Arrays.toString(p.shape()) + ".");
        }
        out.put(key, a);
      }
    }
    List<String> extra = given.keySet().stream()
        .filter(k -> !expected.contains(k))
        .sorted()
        .collect(Collectors.toList());
    if (!extra.isEmpty()) {
      throw new ModelException("Model '" + model + "' was given parameters no node uses: "
          + String.join(", ", extra) + ".");
    }
    return out;
  }
}
