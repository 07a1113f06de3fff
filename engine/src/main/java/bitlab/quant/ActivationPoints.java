package bitlab.quant;

import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where activations are quantized, following the integer-only contract and a {@link Placement}: the
 * model input, and the end of every fused group (Conv/Linear/BatchNorm/Add followed by its ReLU or
 * ReLU6), average pools and concatenations; under {@link Placement#INPUTS} not the output of a Conv or
 * Linear layer that only a residual Add reads (its accumulator goes into the Add). MaxPool and Flatten
 * keep the integer grid and are passed through; the final logits stay in the accumulator's scale (they
 * are only dequantized).
 *
 * <p>A point's bits are the largest input-activation bits of the layers that read it (directly or
 * through other activation ops); under {@link Placement#INPUTS} a tensor no weighted layer reads through
 * MaxPool or Flatten alone keeps at least {@link Placement#WIDE_BITS}, and a tensor that integer operators add up
 * (a residual Add's input, a concatenation's, an average pooling's) is the residual stream, kept at
 * {@link PtqConfig#streamBits} (8 to 16). Its sign is structural: unsigned after
 * ReLU/ReLU6, Sigmoid and HardSigmoid (and pools and channel moves of unsigned tensors), signed elsewhere. Channel
 * shuffles and slices keep the grid of their input, like MaxPool and Flatten.
 */
public final class ActivationPoints {
  /** One quantized tensor: the node whose output it is, its width and sign, and the layers reading it. */
  public record Point(String node, int bits, boolean signed, List<String> readers) {}

  private ActivationPoints() {}

  /** The points of a (BatchNorm-folded) model under a policy, placed at every node output. */
  public static Map<String, Point> of(Model m, Policy policy) {
    return of(m, policy, Placement.OUTPUTS);
  }

  /** The points of a (BatchNorm-folded) model under a policy with an 8-bit residual stream. */
  public static Map<String, Point> of(Model m, Policy policy, Placement placement) {
    return of(m, policy, placement, PtqConfig.MIN_STREAM_BITS);
  }

  /**
   * The points of a (BatchNorm-folded) model under a policy, in graph order; tensors all of whose readers keep float
   * are left out. Under {@link Placement#INPUTS} the tensors integer operators add up keep {@code streamBits}.
   */
  public static Map<String, Point> of(Model m, Policy policy, Placement placement, int streamBits) {
    Map<String, List<Node>> readers = readers(m);
    String logits = logitsNode(m);
    Map<String, Boolean> nonNegative = new HashMap<>();
    Map<String, Point> points = new LinkedHashMap<>();
    int maxBits = policy.layers().stream()
        .filter(LayerBits::activationsQuantized)
        .mapToInt(LayerBits::activations)
        .max()
        .orElse(0);
    for (Node n : m.nodes()) {
      Op op = n.op();
      boolean nn = op instanceof Op.Relu
          || op instanceof Op.Relu6
          || (op instanceof Op.Pointwise f && f.nonNegative())
          || (op instanceof Op.Mul
              && n.inputs().stream().allMatch(i -> nonNegative.getOrDefault(i, false)))
          || ((op instanceof Op.MaxPool
                  || op instanceof Op.AvgPool
                  || op instanceof Op.GlobalAvgPool
                  || op instanceof Op.Flatten
                  || op instanceof Op.ChannelMap)
              && nonNegative.getOrDefault(n.inputs().get(0), false))
          || (op instanceof Op.Concat
              && n.inputs().stream().allMatch(i -> nonNegative.getOrDefault(i, false)));
      nonNegative.put(n.name(), nn);
      if (!isPoint(n, readers, logits)) continue;
      if (placement == Placement.INPUTS && addOf(m, n.name(), readers) != null) continue;
      List<String> layers = new ArrayList<>();
      int bits = readingBits(n.name(), readers, policy, layers);
      if (layers.isEmpty()) bits = maxBits;
      if (bits == 0 || bits == LayerBits.FLOAT) continue;
      // Under INPUTS a tensor that an integer operator carries on (a residual Add, Concat, a
      // pooling) stays wide; the
      // weighted layers that read it narrower read a view of it at their own width (see inputBits).
      if (placement == Placement.INPUTS
          && (!readByLayer(n.name(), readers) || readByOperator(n.name(), readers))) {
        bits = Math.max(bits, Placement.WIDE_BITS);
        if (readByStream(n.name(), readers)) bits = Math.max(bits, streamBits);
      }
      points.put(n.name(), new Point(n.name(), bits, !nn, layers));
    }
    return points;
  }

  /** The name of the view of tensor {@code point} at {@code bits} (an integer program's tensor, not a node of the model). */
  public static String viewName(String point, int bits) {
    return point + "@a" + bits;
  }

  /** The node whose quantized output a layer reads (walking back through MaxPool and Flatten), or null if it reads float. */
  public static String inputOf(Model m, String layer, Map<String, Point> points) {
    String cur = m.node(layer).inputs().get(0);
    while (true) {
      if (points.containsKey(cur)) return cur;
      Op op = m.node(cur).op();
      if (op instanceof Op.MaxPool || op instanceof Op.Flatten || op instanceof Op.ChannelMap)
        cur = m.node(cur).inputs().get(0);
      else return null;
    }
  }

  /**
   * The residual Add a Conv or Linear layer adds its accumulator into under {@link Placement#INPUTS}, or null:
   * the layer's only reader is an Add, and it is the first such input of that Add (the other branch is a
   * quantized tensor, as in HAWQ-V3's residual blocks).
   */
  public static String addOf(Model m, String layer, Map<String, List<Node>> readers) {
    Node n = m.node(layer);
    if (!(n.op() instanceof Op.Conv2d || n.op() instanceof Op.Linear)) return null;
    List<Node> r = readers.getOrDefault(layer, List.of());
    if (r.size() != 1 || !(r.get(0).op() instanceof Op.Add)) return null;
    Node a = r.get(0);
    if (a.inputs().get(0).equals(a.inputs().get(1))) return null;
    for (String in : a.inputs()) {
      Node src = m.node(in);
      boolean fusable = (src.op() instanceof Op.Conv2d || src.op() instanceof Op.Linear)
          && readers.getOrDefault(in, List.of()).size() == 1;
      if (fusable) return in.equals(layer) ? a.name() : null;
    }
    return null;
  }

  /**
   * The width at which a weighted layer reads its input when that is narrower than the stored tensor, else 0: under
   * {@link Placement#INPUTS} each layer reads its own activation width, through a view of a wider tensor (the residual
   * stream kept at {@link Placement#WIDE_BITS}, or a tensor a wider layer reads too). {@link Placement#OUTPUTS} has no
   * views: every reader sees the tensor as stored.
   */
  public static int inputBits(
      Model m, String layer, Policy policy, Map<String, Point> points, Placement placement) {
    if (placement != Placement.INPUTS) return 0;
    String in = inputOf(m, layer, points);
    if (in == null) return 0;
    LayerBits b = policy.get(layer);
    if (!b.activationsQuantized() || b.activations() >= points.get(in).bits()) return 0;
    return b.activations();
  }

  /** Whether an integer operator other than a weighted layer (Add, Concat, a pooling, a ReLU) reads this tensor, directly or through MaxPool and Flatten. */
  private static boolean readByOperator(String node, Map<String, List<Node>> readers) {
    for (Node r : readers.getOrDefault(node, List.of())) {
      if (r.quantizable() || r.op() instanceof Op.Softmax) continue;
      if (r.op() instanceof Op.MaxPool
          || r.op() instanceof Op.Flatten
          || r.op() instanceof Op.ChannelMap) {
        if (readByOperator(r.name(), readers)) return true;
      } else {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether an operator that adds codes up reads this tensor (a residual Add, a Concat, an average pooling), directly
   * or through MaxPool, Flatten and channel moves: the residual stream, kept at {@link PtqConfig#streamBits}.
   */
  private static boolean readByStream(String node, Map<String, List<Node>> readers) {
    for (Node r : readers.getOrDefault(node, List.of())) {
      Op op = r.op();
      if (op instanceof Op.Add
          || op instanceof Op.Concat
          || op instanceof Op.AvgPool
          || op instanceof Op.GlobalAvgPool) return true;
      if ((op instanceof Op.MaxPool || op instanceof Op.Flatten || op instanceof Op.ChannelMap)
          && readByStream(r.name(), readers)) return true;
    }
    return false;
  }

  /** Whether a weighted layer reads this tensor directly or through MaxPool and Flatten only. */
  private static boolean readByLayer(String node, Map<String, List<Node>> readers) {
    for (Node r : readers.getOrDefault(node, List.of())) {
      if (r.quantizable()) return true;
      if ((r.op() instanceof Op.MaxPool
              || r.op() instanceof Op.Flatten
              || r.op() instanceof Op.ChannelMap)
          && readByLayer(r.name(), readers)) return true;
    }
    return false;
  }

  /** The node that gives a model's logits: its last node, or the input of a final Softmax. */
  static String logitsNode(Model m) {
    Node out = m.output();
    return out.op() instanceof Op.Softmax ? out.inputs().get(0) : out.name();
  }

  /** A global pool whose flattening is the logits (SqueezeNet): the logits, dequantized from the pool's sums. */
  private static boolean pooledLogits(Node n, Map<String, List<Node>> readers, String logits) {
    List<Node> r = readers.getOrDefault(n.name(), List.of());
    return n.op() instanceof Op.GlobalAvgPool
        && r.size() == 1
        && r.get(0).name().equals(logits)
        && r.get(0).op() instanceof Op.Flatten;
  }

  private static boolean isPoint(Node n, Map<String, List<Node>> readers, String logits) {
    Op op = n.op();
    if (n.name().equals(logits)
        || pooledLogits(n, readers, logits)
        || op instanceof Op.Softmax
        || op instanceof Op.MaxPool
        || op instanceof Op.Flatten
        || op instanceof Op.ChannelMap) return false;
    List<Node> r = readers.getOrDefault(n.name(), List.of());
    if (r.isEmpty()) return false;
    boolean fusable = op instanceof Op.Conv2d
        || op instanceof Op.Linear
        || op instanceof Op.BatchNorm
        || op instanceof Op.Add;
    if (fusable && r.size() == 1) {
      Op next = r.get(0).op();
      if (next instanceof Op.Relu || next instanceof Op.Relu6 || next instanceof Op.BatchNorm)
        return false;
    }
    return true;
  }

  private static int readingBits(
      String node, Map<String, List<Node>> readers, Policy policy, List<String> layers) {
    int bits = 0;
    Deque<String> queue = new ArrayDeque<>(List.of(node));
    Set<String> seen = new HashSet<>();
    while (!queue.isEmpty()) {
      for (Node r : readers.getOrDefault(queue.removeFirst(), List.of())) {
        if (!seen.add(r.name())) continue;
        if (r.quantizable()) {
          layers.add(r.name());
          int a = policy.get(r.name()).activations();
          if (a != LayerBits.FLOAT) bits = Math.max(bits, a);
        } else {
          queue.add(r.name());
        }
      }
    }
    // Readers that all keep float: the tensor stays float.
    return !layers.isEmpty() && bits == 0 ? LayerBits.FLOAT : bits;
  }

  /** The nodes reading each node's output ({@link Model#readers()}). */
  public static Map<String, List<Node>> readers(Model m) {
    return m.readers();
  }
}
