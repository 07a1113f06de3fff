package bitlab.nn;

import bitlab.model.Model;
import bitlab.model.ModelException;
import bitlab.model.Node;
import bitlab.model.Op;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A model compiled for the float engine: the one definition of bitlab's floating-point forward pass,
 * with its backward pass and Hessian-vector products. It owns the model's parameters as live arrays
 * (PyTorch layouts) and a few compiled {@link Program}s, one per batch size and purpose, whose memory is
 * allocated once and freed by {@link #close()} (or {@link #release()}, after which programs are compiled
 * again on demand). A Net is used by one thread at a time (its methods are synchronized).
 *
 * <p>{@link Mode#TRAINING} uses each batch's statistics in BatchNorm; {@link Mode#INFERENCE} the running
 * ones. {@link Precision#FLOAT} runs on oneDNN's f32 primitives; {@link Precision#DOUBLE} on the
 * reference loops (slow, exact enough for finite differences).
 */
public final class Net implements AutoCloseable {
  public enum Mode {
    INFERENCE,
    TRAINING
  }

  public enum Precision {
    FLOAT,
    DOUBLE
  }

  /** Programs kept per network (one per batch size and purpose); the least recently used beyond this are closed. */
  private static final int PROGRAMS = 3;

  private final Model model;
  private final Mode mode;
  private final Precision precision;
  private final DataType type;
  private final Map<String, Tensor> params = new LinkedHashMap<>();
  private final Set<String> trainable;
  private final Map<String, Tensor> gradients = new HashMap<>();
  private final Map<String, Tensor> tangents = new HashMap<>();
  private final Map<String, Tensor> hessianVectors = new HashMap<>();
  private final Map<String, Transform> weightHooks = new HashMap<>();
  private final Map<String, Transform> outputHooks = new HashMap<>();
  private final Map<String, Transform> inputHooks = new HashMap<>();
  private final LinkedHashMap<String, Program> programs = new LinkedHashMap<>(8, 0.75f, true);
  private long version;
  private Program last;
  private boolean closed;

  private Net(
      Model model, Mode mode, Hooks hooks, Precision precision, Collection<String> trainable) {
    this.model = model;
    this.mode = mode;
    this.precision =
        precision == Precision.FLOAT && Dnnl.AVAILABLE ? Precision.FLOAT : Precision.DOUBLE;
    this.type = this.precision == Precision.FLOAT ? DataType.FLOAT : DataType.DOUBLE;
    for (Map.Entry<String, INDArray> e : model.params().entrySet()) {
      Tensor t = Tensor.plain(type, e.getValue().shape());
      t.assign(e.getValue());
      params.put(e.getKey(), t);
    }
    for (String k : trainable) {
      if (!params.containsKey(k))
        throw new ModelException("Model '" + model.name() + "' has no parameter '" + k + "'.");
    }
    this.trainable = Set.copyOf(trainable);
    for (Node n : model.nodes()) {
      if (n.quantizable()) {
        Transform w = hooks.weight(n);
        if (w != null) weightHooks.put(n.name(), w);
        Transform i = hooks.input(n);
        if (i != null) inputHooks.put(n.name(), i);
      }
      Transform o = hooks.output(n);
      if (o != null) outputHooks.put(n.name(), o);
    }
    if (this.precision == Precision.DOUBLE
        && !(weightHooks.isEmpty() && outputHooks.isEmpty() && inputHooks.isEmpty())) {
      throw new ModelException("Hooks run on the float engine only"
          + (Dnnl.AVAILABLE ? "; compile with Precision.FLOAT." : " (" + Dnnl.PROBLEM + ")."));
    }
  }

  /** Inference in float, no hooks. */
  public static Net compile(Model model, Mode mode) {
    return compile(model, mode, Hooks.NONE);
  }

  /** Float; in training mode every weight, bias and BatchNorm scale and shift is trainable. */
  public static Net compile(Model model, Mode mode, Hooks hooks) {
    return compile(
        model,
        mode,
        hooks,
        Precision.FLOAT,
        mode == Mode.TRAINING ? defaultTrainable(model) : List.of());
  }

  /** Everything explicit: which parameters get gradients (keys such as {@code conv1.weight}). */
  public static Net compile(
      Model model, Mode mode, Hooks hooks, Precision precision, Collection<String> trainable) {
    return new Net(model, mode, hooks, precision, trainable);
  }

  /**
   * {@code work} with every Net it compiles or runs on the calling thread alone, whatever the machine's load: the
   * same numbers on every run (a reduction shared among threads rounds with their number). Inside it no memory
   * layout is raced at a layer's first call: each takes a fixed one ({@link Fastest}), since a race between two
   * kernels about as fast picks either from run to run, and they round differently. Searches that train many
   * candidates use it, scoring several at once on their own threads.
   */
  public static <T> T oneThread(java.util.function.Supplier<T> work) {
    return Threads.oneThread(work);
  }

  /** Weights, biases and BatchNorm scales and shifts (not the running statistics). */
  public static List<String> defaultTrainable(Model model) {
    return model.params().keySet().stream()
        .filter(k -> !k.endsWith(".running_mean") && !k.endsWith(".running_var"))
        .toList();
  }

  /** The node whose output is the logits: the model's output, or the input of a final Softmax. */
  public static String logitsNode(Model model) {
    Node out = model.output();
    return out.op() instanceof Op.Softmax ? out.inputs().get(0) : out.name();
  }

  /** The name under which {@link #outputs} returns what a hooked node's consumers see (its output after the hook). */
  public static String hookedName(String node) {
    return node + "#hooked";
  }

  /** The name under which {@link #outputs} returns what a layer with an input hook computes with (its input after the hook). */
  public static String inputName(String layer) {
    return layer + "#input";
  }

  public Model model() {
    return model;
  }

  public Mode mode() {
    return mode;
  }

  public Precision precision() {
    return precision;
  }

  long version() {
    return version;
  }

  boolean hooked(String node) {
    return outputHooks.containsKey(node);
  }

  Transform weightHook(String node) {
    return weightHooks.get(node);
  }

  Transform outputHook(String node) {
    return outputHooks.get(node);
  }

  Transform inputHook(String layer) {
    return inputHooks.get(layer);
  }

  boolean trainable(String key) {
    return trainable.contains(key);
  }

  /** The trainable parameters' keys, in model order. */
  public List<String> trainable() {
    return params.keySet().stream().filter(trainable::contains).toList();
  }

  Tensor param(String key) {
    Tensor t = params.get(key);
    if (t == null)
      throw new ModelException("Model '" + model.name() + "' has no parameter '" + key + "'.");
    return t;
  }

  /** The live array of a parameter (PyTorch layout, this network's precision). After changing it in place call {@link #parametersChanged()}. */
  public synchronized INDArray parameter(String key) {
    return param(key).array().reshape(param(key).dims());
  }

  /** Replaces a parameter's values (any type; same shape). */
  public synchronized void setParameter(String key, INDArray value) {
    param(key).assign(value);
    version++;
  }

  /** Parameters were changed in place through {@link #parameter}: the programs lay out their weights again before the next pass. */
  public synchronized void parametersChanged() {
    version++;
  }

  /** The model with this network's current parameters (copies). */
  public synchronized Model snapshot() {
    Map<String, INDArray> p = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : params.entrySet())
      p.put(e.getKey(), e.getValue().toNd4j().castTo(DataType.FLOAT));
    return model.withParams(p);
  }

  Tensor gradientTensor(String key) {
    if (!trainable.contains(key)) return null;
    return gradients.computeIfAbsent(key, k -> Tensor.plain(type, param(k).dims()));
  }

  Tensor tangentTensor(String key) {
    return tangents.get(key);
  }

  Tensor hessianVectorTensor(String key) {
    if (!trainable.contains(key)) return null;
    return hessianVectors.computeIfAbsent(key, k -> Tensor.plain(type, param(k).dims()));
  }

  /** The gradient of the last backward pass (live array, overwritten by the next pass). */
  public synchronized INDArray gradient(String key) {
    Tensor g = gradients.get(key);
    if (g == null)
      throw new ModelException("No gradient for '" + key
          + "': it is not trainable in this network, or no backward pass ran yet.");
    return g.array().reshape(g.dims());
  }

  /** The Hessian-vector product of the last {@link #hessianVectorProduct} (live array). */
  public synchronized INDArray hessianVector(String key) {
    Tensor g = hessianVectors.get(key);
    if (g == null)
      throw new ModelException("No Hessian-vector product for '" + key
          + "': it is not trainable in this network, or none was computed.");
    return g.array().reshape(g.dims());
  }

  private Program program(Program.Kind kind, int batch, Set<String> fetch) {
    if (closed) throw new IllegalStateException("network of '" + model.name() + "' was closed");
    String key = kind + "/" + batch + "/" + new java.util.TreeSet<>(fetch);
    Program p = programs.get(key);
    if (p == null) {
      p = new Program(this, batch, kind, fetch);
      programs.put(key, p);
      if (programs.size() > PROGRAMS) {
        Iterator<Map.Entry<String, Program>> it = programs.entrySet().iterator();
        Program old = it.next().getValue();
        it.remove();
        if (old == last) last = null;
        old.close();
      }
    }
    return p;
  }

  /** The batch size of an input, after checking that its images have the model's input shape. */
  private int batchOf(INDArray x) {
    long[] got = x.shape();
    long[] want = model.inputShape().withBatch(got.length > 0 ? got[0] : 1);
    if (!java.util.Arrays.equals(got, want) || got[0] < 1) {
      throw new ModelException(
          "Model '" + model.name() + "' takes a batch of shape " + java.util.Arrays.toString(want)
              + " (images x " + model.inputShape() + "), not " + java.util.Arrays.toString(got)
              + ": reshape or resize the input, or use a model built for it.");
    }
    return (int) got[0];
  }

  /** Logits {@code [N, classes]} (float) for a batch {@code [N, ...input shape]}. */
  public synchronized INDArray logits(INDArray x) {
    Program p = program(Program.Kind.FORWARD, batchOf(x), Set.of());
    p.forward(x);
    last = p;
    return p.logits().toNd4j().castTo(DataType.FLOAT);
  }

  /**
   * Node outputs for a batch (NCHW), by node name: a node's own output (before its hook), or what its
   * consumers see under {@link #hookedName}. The model's output and logits are always available by name.
   */
  public synchronized Map<String, INDArray> outputs(INDArray x, Collection<String> nodes) {
    Set<String> fetch = new HashSet<>(nodes);
    String logits = logitsNode(model);
    String out = model.output().name();
    fetch.remove(out);
    fetch.remove(logits);
    for (String n : fetch) {
      String node = n.endsWith("#hooked")
          ? n.substring(0, n.length() - 7)
          : n.endsWith("#input") ? n.substring(0, n.length() - 6) : n;
      if (!model.has(node)) {
        throw new ModelException(
            "Model '" + model.name() + "' has no node '" + node + "'; its nodes are "
                + String.join(", ", model.nodes().stream().map(Node::name).toList()) + ".");
      }
    }
    Program p = program(Program.Kind.FORWARD, batchOf(x), fetch);
    p.forward(x);
    last = p;
    Map<String, INDArray> r = new LinkedHashMap<>(p.fetched());
    if (nodes.contains(logits)) r.put(logits, p.logits().toNd4j());
    if (nodes.contains(out)) r.put(out, p.output().toNd4j());
    return r;
  }

  /**
   * The mean softmax cross-entropy against {@code targets [N, classes]} (rows of one-hot labels or
   * any weights) and its gradients in the trainable parameters ({@link #gradient}).
   */
  public synchronized double lossAndGradients(INDArray x, INDArray targets) {
    if (trainable.isEmpty())
      throw new ModelException("Network of '" + model.name()
          + "' has no trainable parameters; name them when compiling.");
    Program p = program(Program.Kind.GRADIENT, batchOf(x), Set.of());
    p.forward(x);
    double loss = p.loss(targets);
    p.backward();
    last = p;
    return loss;
  }

  /** The logits of the last gradient or Hessian pass (float copy). */
  public synchronized INDArray lastLogits() {
    if (last == null) throw new IllegalStateException("no pass ran yet");
    return last.logits().toNd4j().castTo(DataType.FLOAT);
  }

  /** This batch's BatchNorm mean and biased variance per BatchNorm node, after a training pass (copies). */
  public synchronized Map<String, INDArray[]> batchStatistics() {
    Map<String, INDArray[]> out = new LinkedHashMap<>();
    if (last == null) return out;
    last.batchStatistics()
        .forEach((k, v) -> out.put(k, new INDArray[] {v[0].toNd4j(), v[1].toNd4j()}));
    return out;
  }

  /**
   * Loss, gradients and the Hessian-vector products {@code H·v} of the trainable parameters for a
   * direction {@code v} in the weights (keys of Conv and Linear weights; missing ones are zero), exactly:
   * forward over reverse, no finite differences. BatchNorm must use running statistics (inference mode).
   */
  public synchronized double hessianVectorProduct(
      INDArray x, INDArray targets, Map<String, INDArray> direction) {
    Program p = tangentPass(x, direction);
    double loss = p.loss(targets);
    p.backward();
    p.tangent();
    p.backwardTangent();
    return loss;
  }

  /** The logits' derivative along a direction in the weights (a Jacobian-vector product), {@code [N, classes]}. */
  public synchronized INDArray logitsTangent(INDArray x, Map<String, INDArray> direction) {
    Program p = tangentPass(x, direction);
    p.tangent();
    return p.logitsTangent().toNd4j();
  }

  private Program tangentPass(INDArray x, Map<String, INDArray> direction) {
    if (mode != Mode.INFERENCE)
      throw new ModelException(
          "Hessian-vector products need BatchNorm's running statistics: compile in INFERENCE mode.");
    for (String k : trainable) {
      String node = k.substring(0, k.lastIndexOf('.'));
      if (!model.has(node) || !model.node(node).quantizable()) {
        throw new ModelException(
            "Hessian-vector products are taken in Conv and Linear weights and biases; '" + k
                + "' is not one of them.");
      }
    }
    tangents.values().forEach(Tensor::zero);
    for (Map.Entry<String, INDArray> e : direction.entrySet()) {
      if (!e.getKey().endsWith(".weight")
          || !model.layerNames().contains(e.getKey().substring(0, e.getKey().length() - 7))) {
        throw new ModelException(
            "A direction for Hessian-vector products lives in Conv and Linear weights; '"
                + e.getKey() + "' is not one.");
      }
      tangents
          .computeIfAbsent(e.getKey(), k -> Tensor.plain(type, param(k).dims()))
          .assign(e.getValue());
    }
    Program p = program(Program.Kind.HESSIAN, batchOf(x), Set.of());
    p.forward(x);
    last = p;
    return p;
  }

  /** What oneDNN runs each layer of the inference program for this batch size on (for benches). */
  public synchronized List<String> kernels(int batch) {
    return program(Program.Kind.FORWARD, batch, Set.of()).describe();
  }

  /** Frees the compiled programs' memory now; the next call compiles again. */
  public synchronized void release() {
    for (Program p : programs.values()) p.close();
    programs.clear();
    last = null;
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    release();
    for (Tensor t : params.values()) t.close();
    for (Tensor t : gradients.values()) t.close();
    for (Tensor t : tangents.values()) t.close();
    for (Tensor t : hessianVectors.values()) t.close();
    closed = true;
  }
}
