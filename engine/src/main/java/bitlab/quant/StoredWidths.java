package bitlab.quant;

import bitlab.hardware.TensorWidths;
import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Per weighted layer, the widths at which a policy's tensors are stored under a placement, from the graph alone:
 * what {@link QuantizedModel#tensorWidths()} gives once the model is quantized, without calibrating anything, so a
 * search can price every policy it considers as it would be deployed (under {@link Placement#INPUTS} a 4-bit layer
 * reading the 8-bit residual stream loads 8 bits, and a layer whose accumulator goes into a residual Add reads the
 * Add's other branch).
 */
public final class StoredWidths {
  private final Model folded;
  private final PtqConfig config;
  private final Map<String, List<Node>> readers;

  /** {@code model} as given (BatchNorm is folded here, as quantization folds it), quantized with {@code config}'s placement and stream width. */
  public StoredWidths(Model model, PtqConfig config) {
    this.folded = BatchNormFolding.fold(model);
    this.config = config;
    this.readers = ActivationPoints.readers(folded);
  }

  public Placement placement() {
    return config.placement();
  }

  /** Per layer in {@link Model#layers()} order, for a policy of the model given when made. */
  public List<TensorWidths> of(Policy policy) {
    Map<String, ActivationPoints.Point> points =
        ActivationPoints.of(folded, policy, config.placement(), config.streamBits(folded, policy));
    List<TensorWidths> out = new ArrayList<>();
    for (Node n : folded.layers()) {
      LayerBits b = policy.get(n.name());
      int own = b.activationsQuantized() ? b.activations() : LayerBits.FLOAT;
      String in = ActivationPoints.inputOf(folded, n.name(), points);
      int input = in == null ? LayerBits.FLOAT : stored(in, points);
      String o = Quantizer.outputOf(folded, n.name(), readers, points);
      int output = o == null ? LayerBits.FLOAT : points.containsKey(o) ? stored(o, points) : own;
      long addendElements = 0;
      int addend = 0;
      String add =
          points.containsKey(n.name()) ? null : ActivationPoints.addOf(folded, n.name(), readers);
      if (add != null) {
        Node a = folded.node(add);
        String other =
            a.inputs().get(0).equals(n.name()) ? a.inputs().get(1) : a.inputs().get(0);
        addendElements = folded.node(other).shape().elements();
        addend = stored(other, points);
      }
      out.add(new TensorWidths(input, output, addendElements, addend));
    }
    return out;
  }

  /**
   * Per operator without weights (an Add, a pooling, a Concat, a look-up, ...), in graph order, what it reads and writes
   * at the widths a policy of the model given when made stores its tensors at; see {@link WeightlessOps}. Priced apart
   * from the layers, so layer indices stay as policies, HAQ states and HAWQ tables use them.
   */
  public List<bitlab.hardware.TensorWorkload> weightless(Policy policy) {
    Map<String, ActivationPoints.Point> points =
        ActivationPoints.of(folded, policy, config.placement(), config.streamBits(folded, policy));
    return new WeightlessOps(folded, readers, points, this).workloads();
  }

  /** Bits per element of a tensor as stored (through MaxPool, Flatten and channel moves; 32 if float). */
  int stored(String node, Map<String, ActivationPoints.Point> points) {
    String cur = node;
    while (!points.containsKey(cur)) {
      Node n = folded.node(cur);
      if (!(n.op() instanceof Op.MaxPool
          || n.op() instanceof Op.Flatten
          || n.op() instanceof Op.ChannelMap)) return LayerBits.FLOAT;
      cur = n.inputs().get(0);
    }
    return points.get(cur).bits();
  }
}
