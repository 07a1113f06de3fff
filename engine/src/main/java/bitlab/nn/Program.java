package bitlab.nn;

import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A network compiled for one batch size: its steps in execution order and every tensor they use,
 * allocated once. A {@link Kind#FORWARD} program only runs the forward pass; values share memory as soon
 * as nothing reads them any more, and (at inference, on the fast backend) convolutions absorb the
 * BatchNorm, Add and activation after them. {@link Kind#GRADIENT} programs keep every value for the
 * backward pass; {@link Kind#HESSIAN} ones also carry tangents, for Hessian-vector products. Closing a
 * program frees all of its native memory at once.
 */
final class Program implements AutoCloseable {
  enum Kind {
    FORWARD,
    GRADIENT,
    HESSIAN
  }

  final Net net;
  final int batch;
  final Kind kind;
  final Backend backend;
  private final List<Step> steps = new ArrayList<>();
  /** By node name: the value the node's consumers see (after its output hook). */
  private final Map<String, Slot> slots = new LinkedHashMap<>();
  /** By node name, for hooked nodes: the node's own output, before the hook. */
  private final Map<String, Slot> raw = new HashMap<>();

  private final Map<Slot, Step> producers = new IdentityHashMap<>();
  private final Map<Slot, Integer> consumerCount = new IdentityHashMap<>();
  private final Set<String> fetch;
  private final Slot input;
  private final Slot logits;
  private final Slot output;
  private final List<Tensor> owned = new ArrayList<>();
  private final Map<Object, Tensor> scratch = new HashMap<>();
  private long loadedVersion;
  private Map<String, INDArray> fetched = new LinkedHashMap<>();
  private double[] probabilities;
  private double[] targets;

  Program(Net net, int batch, Kind kind, Set<String> fetch) {
    this.net = net;
    this.batch = batch;
    this.kind = kind;
    this.fetch = Set.copyOf(fetch);
    if (net.precision() == Net.Precision.FLOAT) Threads.measure();
    this.backend =
        net.precision() == Net.Precision.FLOAT ? new DnnlBackend() : new ReferenceBackend();
    this.loadedVersion = net.version();
    Model model = net.model();
    Node in = model.nodes().get(0);
    this.input = new Slot(in.name(), in.shape().withBatch(batch));
    Fusion fusion = kind == Kind.FORWARD && backend.fuses() && net.mode() == Net.Mode.INFERENCE
        ? Fusion.plan(model, net::hooked, this.fetch)
        : Fusion.NONE;
    String logitsName = Net.logitsNode(model);
    output(in, input);
    for (Node n : model.nodes()) {
      if (n.op() instanceof Op.Input || fusion.absorbed(n.name())) continue;
      if (kind != Kind.FORWARD && n == model.output() && n.op() instanceof Op.Softmax) continue;
      step(n, fusion.group(n.name()));
    }
    this.logits = slots.get(logitsName);
    Slot last = slots.get(model.output().name());
    this.output = last != null ? last : logits;
    if (kind == Kind.FORWARD) allocateShared();
    else allocateKept();
  }

  // ------------------------------------------------------------------ compiling

  private Slot slot(String node) {
    Slot s = slots.get(node);
    if (s == null) throw new IllegalStateException("no value for node '" + node + "' yet");
    return s;
  }

  /** Registers a node's output (made by the last step added), putting its output hook after it. */
  private void output(Node n, Slot made) {
    Transform hook = net.outputHook(n.name());
    if (hook == null) {
      slots.put(n.name(), made);
      return;
    }
    raw.put(n.name(), made);
    Slot hooked = new Slot(n.name(), made.dims);
    add(new HookStep(n, hook, made, hooked));
    slots.put(n.name(), hooked);
  }

  private void add(Step s) {
    steps.add(s);
    producers.put(s.output, s);
    for (Slot in : s.inputs) consumerCount.merge(in, 1, Integer::sum);
    boolean needs = kind != Kind.FORWARD
        && (s instanceof HookStep || trains(s) || s.inputs.stream().anyMatch(i -> i.needsGradient));
    s.output.needsGradient = needs;
    s.output.hasTangent = kind == Kind.HESSIAN
        && (s instanceof LayerStep || s.inputs.stream().anyMatch(i -> i.hasTangent));
  }

  private boolean trains(Step s) {
    if (s instanceof LayerStep || s instanceof NormStep) {
      for (Op.Param p : s.node.op().params())
        if (net.trainable(s.node.param(p.name()))) return true;
    }
    return false;
  }

  private void step(Node n, Fusion.Group g) {
    Op op = n.op();
    Slot out = new Slot(n.name(), n.shape().withBatch(batch));
    if (g != null) {
      Node layer = g.layer();
      Slot addend = g.addend() == null ? null : slot(g.addend());
      add(new LayerStep(this, layer, g.norm(), addend, g.activation(), layerInput(layer), out));
    } else if (op instanceof Op.Conv2d || op instanceof Op.Linear) {
      add(new LayerStep(this, n, null, null, Backend.Activation.Kind.NONE, layerInput(n), out));
    } else if (op instanceof Op.BatchNorm) {
      add(new NormStep(this, n, slot(n.inputs().get(0)), out));
    } else if (op instanceof Op.Relu || op instanceof Op.Relu6) {
      Backend.Activation.Kind k =
          op instanceof Op.Relu ? Backend.Activation.Kind.RELU : Backend.Activation.Kind.RELU6;
      add(new ActivationStep(this, n, k, slot(n.inputs().get(0)), out));
    } else if (op instanceof Op.Lrn) {
      add(new LrnStep(n, slot(n.inputs().get(0)), out));
    } else if (op instanceof Op.ChannelMap) {
      add(new ChannelMapStep(n, slot(n.inputs().get(0)), out));
    } else if (op instanceof Op.Pointwise) {
      add(new PointwiseStep(n, slot(n.inputs().get(0)), out));
    } else if (op instanceof Op.Mul) {
      Slot a = slot(n.inputs().get(0)), b = slot(n.inputs().get(1));
      boolean swap = size(a.dims) < size(b.dims); // the per-channel gate second
      add(new MulStep(n, swap ? b : a, swap ? a : b, out));
    } else if (op instanceof Op.Add) {
      add(new AddStep(n, slot(n.inputs().get(0)), slot(n.inputs().get(1)), out));
    } else if (op instanceof Op.Concat) {
      List<Slot> ins = new ArrayList<>();
      for (String i : n.inputs()) ins.add(slot(i));
      add(new ConcatStep(this, n, ins, out));
    } else if (op instanceof Op.MaxPool
        || op instanceof Op.AvgPool
        || op instanceof Op.GlobalAvgPool) {
      add(new PoolStep(this, n, slot(n.inputs().get(0)), out));
    } else if (op instanceof Op.Flatten) {
      add(new FlattenStep(n, slot(n.inputs().get(0)), out));
    } else if (op instanceof Op.Softmax) {
      add(new SoftmaxStep(n, slot(n.inputs().get(0)), out));
    } else {
      throw new bitlab.model.ModelException(
          "Node '" + n.name() + "': the float engine has no kernel for " + op.type() + ".");
    }
    output(n, out);
  }

  /** What a Conv or Linear layer reads: its input, or that input through the layer's input hook (for it alone). */
  private Slot layerInput(Node layer) {
    Slot x = slot(layer.inputs().get(0));
    Transform hook = net.inputHook(layer.name());
    if (hook == null) return x;
    Slot v = new Slot(Net.inputName(layer.name()), x.dims);
    add(new HookStep(layer, hook, x, v));
    return v;
  }

  Tensor plain(long... dims) {
    Tensor t = Tensor.plain(backend.type(), dims);
    owned.add(t);
    return t;
  }

  private Tensor activation(long[] dims) {
    Tensor t = Tensor.activation(backend.type(), dims);
    owned.add(t);
    return t;
  }

  /** A working tensor for a step's own use, made once per key. */
  Tensor scratch(long[] dims, Object key) {
    return scratch.computeIfAbsent(
        List.of(key, java.util.Arrays.toString(dims)), k -> activation(dims));
  }

  /** Forward-only: a value's memory goes back to a pool after its last reader; activations and residual sums write in place. */
  private void allocateShared() {
    Map<Slot, Integer> last = new IdentityHashMap<>();
    for (int i = 0; i < steps.size(); i++) for (Slot s : steps.get(i).inputs) last.put(s, i);
    last.put(output, Integer.MAX_VALUE);
    last.put(logits, Integer.MAX_VALUE);
    Map<Long, Deque<Tensor>> pool = new HashMap<>();
    input.value = activation(input.dims);
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      Slot reuse = null;
      if (s instanceof ActivationStep || s instanceof AddStep) reuse = s.inputs.get(0);
      if (s instanceof LayerStep && s.inputs.size() == 2) reuse = s.inputs.get(1);
      if (reuse != null
          && (last.get(reuse) != i
              || reuse == input
              || size(reuse.dims) != size(s.output.dims)
              || count(s, reuse) > 1)) reuse = null;
      if (reuse != null) {
        s.output.value = reuse.value.view(s.output.dims, true);
      } else {
        Deque<Tensor> free = pool.get(size(s.output.dims));
        s.output.value = free == null || free.isEmpty()
            ? activation(s.output.dims)
            : free.pop().view(s.output.dims, true);
      }
      Set<Slot> done = new HashSet<>();
      for (Slot in : s.inputs) {
        if (in == reuse || !done.add(in) || last.get(in) != i) continue;
        pool.computeIfAbsent(size(in.dims), k -> new ArrayDeque<>()).push(in.value);
      }
    }
  }

  private static int count(Step s, Slot x) {
    int n = 0;
    for (Slot in : s.inputs) if (in == x) n++;
    return n;
  }

  /** With a backward pass: every value kept; activations overwrite an input only they read, gradients alias where one value flows on unchanged. */
  private void allocateKept() {
    input.value = activation(input.dims);
    for (Step s : steps) {
      Slot in = s.inputs.get(0);
      boolean inPlace = s instanceof ActivationStep
          && in != input
          && consumerCount.get(in) == 1
          && !(producers.get(in) instanceof ActivationStep)
          && !(producers.get(in) instanceof SoftmaxStep);
      s.output.value = inPlace ? in.value : activation(s.output.dims);
    }
    for (int i = steps.size() - 1; i >= 0; i--) {
      Step s = steps.get(i);
      Slot out = s.output;
      if (!out.needsGradient) continue;
      if (out.gradient == null) out.gradient = activation(out.dims);
      boolean aliasable = s instanceof ActivationStep || s instanceof AddStep;
      for (Slot in : s.inputs) {
        if (!in.needsGradient || in.gradient != null) continue;
        if (aliasable && consumerCount.get(in) == 1 && in != input) {
          in.gradient = out.gradient;
          aliasable = s
              instanceof ActivationStep; // an Add hands its gradient on unchanged to one input only
        }
      }
    }
    for (Slot s : allSlots()) {
      if (s.needsGradient && s.gradient == null) s.gradient = activation(s.dims);
      if (kind == Kind.HESSIAN) {
        if (s.hasTangent) s.tangent = activation(s.dims);
        if (s.needsGradient) s.gradientTangent = activation(s.dims);
      }
    }
  }

  private Collection<Slot> allSlots() {
    List<Slot> all = new ArrayList<>();
    all.add(input);
    for (Step s : steps) all.add(s.output);
    return all;
  }

  private static long size(long[] dims) {
    long n = 1;
    for (long d : dims) n *= d;
    return n;
  }

  // ------------------------------------------------------------------ running

  /** Runs the forward pass on {@code x [batch, ...input shape]} (NCHW); fetched node outputs are copied out as they appear. */
  void forward(INDArray x) {
    if (loadedVersion != net.version()) {
      for (Step s : steps) if (s instanceof LayerStep l) l.reload(net);
      loadedVersion = net.version();
    }
    backend.load(x, input.value);
    fetched = new LinkedHashMap<>();
    if (fetch.contains(input.name)) fetched.put(input.name, backend.save(input.value));
    for (Step s : steps) {
      s.forward(this);
      if (!fetch.isEmpty()) fetchAfter(s);
    }
  }

  /** Copies out a value just made if it was asked for: a node's own output by its name, what its consumers see by {@link Net#hookedName}. */
  private void fetchAfter(Step s) {
    Slot o = s.output;
    boolean isRaw = raw.get(o.name) == o;
    boolean hooked = raw.containsKey(o.name);
    String after = Net.hookedName(o.name);
    boolean own = (isRaw || !hooked) && fetch.contains(o.name);
    boolean seen = !isRaw && fetch.contains(after);
    if (!own && !seen) return;
    INDArray v = backend.save(o.value);
    if (own) fetched.put(o.name, v);
    if (seen) fetched.put(after, v);
  }

  Map<String, INDArray> fetched() {
    return fetched;
  }

  Tensor logits() {
    return logits.value;
  }

  Tensor output() {
    return output.value;
  }

  /** The loss against targets {@code [batch, classes]} after a forward pass; leaves its gradient in the logits. */
  double loss(INDArray t) {
    double[] z = logits.value.toDoubles();
    targets =
        t.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup('c').data().asDouble();
    if (targets.length != z.length)
      throw new IllegalArgumentException(
          "targets " + java.util.Arrays.toString(t.shape()) + " for logits of " + z.length);
    probabilities = new double[z.length];
    double[] grad = new double[z.length];
    double loss = Loss.forwardBackward(z, targets, (int) logits.dims[1], probabilities, grad);
    for (Slot s : allSlots()) {
      s.gradientFilled = false;
      s.gradientTangentFilled = false;
    }
    if (logits.needsGradient) {
      SoftmaxStep.set(logits.gradient, grad);
      logits.gradientFilled = true;
    }
    return loss;
  }

  /** The backward pass from the loss's gradient: parameter gradients into the network's gradient tensors. */
  void backward() {
    for (int i = steps.size() - 1; i >= 0; i--) {
      Step s = steps.get(i);
      if (s.output.needsGradient) s.backward(this);
    }
  }

  /** The forward tangent along the network's weight tangents (after a forward pass). */
  void tangent() {
    if (kind != Kind.HESSIAN) throw new IllegalStateException("tangents need a Hessian program");
    for (Step s : steps) if (s.output.hasTangent) s.tangent(this);
  }

  Tensor logitsTangent() {
    return logits.tangent;
  }

  /** The backward pass's tangent (after forward, loss, backward and tangent): Hessian-vector products of the weights. */
  void backwardTangent() {
    double[] dz = logits.hasTangent ? logits.tangent.toDoubles() : new double[probabilities.length];
    double[] out = new double[dz.length];
    Loss.gradientTangent(probabilities, targets, dz, (int) logits.dims[1], out);
    SoftmaxStep.set(logits.gradientTangent, out);
    logits.gradientTangentFilled = true;
    for (int i = steps.size() - 1; i >= 0; i--) {
      Step s = steps.get(i);
      if (s.output.needsGradient) s.backwardTangent(this);
    }
  }

  /** This batch's BatchNorm statistics by node (training programs). */
  Map<String, Tensor[]> batchStatistics() {
    Map<String, Tensor[]> out = new LinkedHashMap<>();
    for (Step s : steps)
      if (s instanceof NormStep n && n.batchStatistics() != null)
        out.put(n.node.name(), n.batchStatistics());
    return out;
  }

  // ------------------------------------------------------------------ gradient bookkeeping

  /** A slot's gradient for reading: zero if nothing contributed to it in this pass. */
  Tensor gradientOf(Slot s) {
    return read(s, false);
  }

  /** Where a step writes its contribution to a slot's gradient: the gradient itself first, then a scratch tensor added in. */
  Tensor gradientTarget(Slot s) {
    return target(s, false);
  }

  void gradientDone(Slot s, Tensor written) {
    done(s, false, written);
  }

  Tensor gradientTangentOf(Slot s) {
    return read(s, true);
  }

  Tensor gradientTangentTarget(Slot s) {
    return target(s, true);
  }

  void gradientTangentDone(Slot s, Tensor written) {
    done(s, true, written);
  }

  private Tensor read(Slot s, boolean tangent) {
    Tensor t = s.sum(tangent);
    if (!s.filled(tangent)) {
      t.zero();
      s.fill(tangent);
    }
    return t;
  }

  private Tensor target(Slot s, boolean tangent) {
    return s.filled(tangent) ? scratch(s.dims, s) : s.sum(tangent);
  }

  private void done(Slot s, boolean tangent, Tensor written) {
    if (written != s.sum(tangent)) backend.accumulate(s.sum(tangent), written);
    s.fill(tangent);
  }

  /** What the layers run on (oneDNN's implementation names), for benches. */
  List<String> describe() {
    List<String> out = new ArrayList<>();
    for (Step s : steps) if (s instanceof LayerStep l) out.add(s.node.name() + ": " + l.describe());
    return out;
  }

  int steps() {
    return steps.size();
  }

  @Override
  public void close() {
    for (Step s : steps) s.close();
    backend.close();
    for (Tensor t : owned) t.close();
    owned.clear();
  }
}
