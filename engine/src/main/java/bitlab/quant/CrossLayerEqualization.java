package bitlab.quant;

import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cross-layer equalization and bias absorption (Nagel et al. 2019, "Data-free quantization through weight
 * equalization and bias correction"), a data-free weight transform on the BatchNorm-folded model.
 *
 * <p>For two weighted layers in a chain {@code W1 -> [ReLU | pools | Flatten] -> W2} (each tensor on the way read
 * by one node only), output channel {@code i} of {@code W1} is divided by {@code s_i} and the weights of
 * {@code W2} reading that channel multiplied by it, with {@code s_i = sqrt(r1_i / r2_i)} so that both ranges
 * become {@code sqrt(r1_i·r2_i)}: per-tensor and per-channel weight grids then waste less of their range on a few
 * wide channels. ReLU is positively homogeneous, so the float function is unchanged; ReLU6 is not, and is
 * replaced by ReLU between equalized layers, as the paper does (the float accuracy may move; callers show it).
 * Chains of several layers are swept until the scales settle.
 *
 * <p>Bias absorption: where {@code W1} had a BatchNorm, its pre-activation channel is about
 * {@code N(β_i, γ_i²)}; {@code c_i = max(0, β_i − 3|γ_i|)} (after the equalization's scaling) is taken off
 * {@code W1}'s bias and {@code W2·c} added to {@code W2}'s, which narrows the activation range the quantizer
 * must cover. It is exact while the pre-activation stays above {@code c_i}; it is not done into a padded
 * convolution, whose zero padding would then stand for {@code c_i}. On the shipped minis no channel qualifies
 * (their BatchNorms have {@code β < 3|γ|} everywhere).
 */
public final class CrossLayerEqualization {
  private static final int MAX_SWEEPS = 100;
  private static final double SETTLED = 1e-6;

  private CrossLayerEqualization() {}

  /** A pair of layers with the nodes between them: {@code features} inputs of {@code second} per channel of {@code first}. */
  record Pair(String first, String second, List<String> between, int features) {}

  /** What the transform did, for the model's metadata and for users. */
  public record Summary(int pairs, int relu6Replaced, int absorbed) {
    public String describe() {
      return pairs + " layer pairs equalized"
          + (relu6Replaced > 0 ? ", " + relu6Replaced + " ReLU6 replaced by ReLU" : "")
          + ", bias absorbed into " + absorbed + " layers";
    }
  }

  /** Folds BatchNorm, equalizes every eligible pair and absorbs biases; the model keeps its layer names. */
  public static Model apply(Model source) {
    return apply(source, true);
  }

  /** The same, absorbing biases only when {@code absorb} (without it the float function is exactly kept on ReLU networks). */
  static Model apply(Model source, boolean absorb) {
    Map<String, double[][]> stats = preActivationStats(source);
    Model folded = BatchNormFolding.fold(source);
    List<Pair> pairs = pairs(folded);
    if (pairs.isEmpty())
      return folded.withMetadata("equalization", new Summary(0, 0, 0).describe());
    Map<String, double[]> w = new HashMap<>();
    Map<String, double[]> b = new HashMap<>();
    for (Node n : folded.layers()) {
      w.put(
          n.name(),
          folded
              .param(n.param("weight"))
              .castTo(DataType.DOUBLE)
              .dup('c')
              .data()
              .asDouble());
      INDArray bias = folded.params().get(n.param("bias"));
      b.put(
          n.name(),
          bias == null
              ? new double[outChannels(n)]
              : bias.castTo(DataType.DOUBLE).toDoubleVector());
    }
    Map<Pair, int[][]> columns = new HashMap<>();
    for (Pair p : pairs)
      columns.put(
          p, columns(folded.node(p.second()), outChannels(folded.node(p.first())), p.features()));
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      double moved = 0;
      for (Pair p : pairs)
        moved = Math.max(
            moved,
            equalize(
                folded.node(p.first()), p.second(), w, b, columns.get(p), stats.get(p.first())));
      if (moved < SETTLED) break;
    }
    int absorbed = 0;
    for (Pair p : pairs) {
      double[][] s = stats.get(p.first());
      if (!absorb || s == null || !hasRelu(folded, p) || padded(folded.node(p.second()))) continue;
      if (absorb(folded.node(p.first()), folded.node(p.second()), w, b, columns.get(p), s))
        absorbed++;
    }
    return rebuild(folded, pairs, w, b, absorbed);
  }

  /** Per layer whose BatchNorm gets folded: {mean, std} of its pre-activation channels, {@code β} and {@code |γ|}. */
  static Map<String, double[][]> preActivationStats(Model source) {
    Map<String, Integer> readers = new HashMap<>();
    for (Node n : source.nodes()) for (String i : n.inputs()) readers.merge(i, 1, Integer::sum);
    Map<String, double[][]> stats = new HashMap<>();
    for (Node n : source.nodes()) {
      if (!(n.op() instanceof Op.BatchNorm) || n.inputs().size() != 1) continue;
      Node layer = source.node(n.inputs().get(0));
      if (!layer.quantizable() || readers.getOrDefault(layer.name(), 0) != 1) continue;
      double[] beta = source.param(n.param("bias")).castTo(DataType.DOUBLE).toDoubleVector();
      double[] gamma = source.param(n.param("weight")).castTo(DataType.DOUBLE).toDoubleVector();
      for (int i = 0; i < gamma.length; i++) gamma[i] = Math.abs(gamma[i]);
      stats.put(layer.name(), new double[][] {beta, gamma});
    }
    return stats;
  }

  /**
   * The chains {@code layer -> (ReLU, ReLU6, MaxPool, AvgPool, GlobalAvgPool, Flatten)* -> layer} in which every
   * tensor has one reader: scaling the first layer's channels then reaches the second layer alone.
   */
  static List<Pair> pairs(Model m) {
    Map<String, List<Node>> readers = ActivationPoints.readers(m);
    List<Pair> pairs = new ArrayList<>();
    for (Node first : m.layers()) {
      List<String> between = new ArrayList<>();
      String cur = first.name();
      int features = 1;
      while (true) {
        List<Node> r = readers.getOrDefault(cur, List.of());
        if (r.size() != 1) break;
        Node next = r.get(0);
        if (next.quantizable()) {
          int in = next.op() instanceof Op.Conv2d c ? c.in() : ((Op.Linear) next.op()).in();
          if (in == outChannels(first) * features)
            pairs.add(new Pair(first.name(), next.name(), between, features));
          break;
        }
        Op op = next.op();
        if (op instanceof Op.Flatten) {
          features *= (int) (m.node(cur).shape().elements() / outChannels(first) / features);
        } else if (!(op instanceof Op.Relu
            || op instanceof Op.Relu6
            || op instanceof Op.MaxPool
            || op instanceof Op.AvgPool
            || op instanceof Op.GlobalAvgPool)) {
          break;
        }
        between.add(next.name());
        cur = next.name();
      }
    }
    return pairs;
  }

  /** For each output channel of the first layer, the flat indices of the second layer's weights that read it. */
  static int[][] columns(Node second, int channels, int features) {
    int[][] cols = new int[channels][];
    if (second.op() instanceof Op.Conv2d c) {
      int inPerGroup = c.in() / c.groups();
      int outPerGroup = c.out() / c.groups();
      int k = c.kernelH() * c.kernelW();
      for (int i = 0; i < channels; i++) {
        int g = i / inPerGroup;
        int local = i % inPerGroup;
        int[] idx = new int[outPerGroup * k];
        int n = 0;
        for (int o = g * outPerGroup; o < (g + 1) * outPerGroup; o++) {
          for (int j = 0; j < k; j++) idx[n++] = (o * inPerGroup + local) * k + j;
        }
        cols[i] = idx;
      }
    } else {
      Op.Linear l = (Op.Linear) second.op();
      for (int i = 0; i < channels; i++) {
        int[] idx = new int[l.out() * features];
        int n = 0;
        for (int o = 0; o < l.out(); o++)
          for (int f = 0; f < features; f++) idx[n++] = o * l.in() + i * features + f;
        cols[i] = idx;
      }
    }
    return cols;
  }

  /** One equalization step of a pair; returns the largest {@code |log s_i|} applied. */
  private static double equalize(
      Node first,
      String second,
      Map<String, double[]> w,
      Map<String, double[]> b,
      int[][] cols,
      double[][] stats) {
    double[] w1 = w.get(first.name());
    double[] b1 = b.get(first.name());
    double[] w2 = w.get(second);
    int channels = cols.length;
    int per = w1.length / channels;
    double moved = 0;
    for (int i = 0; i < channels; i++) {
      double r1 = 0;
      for (int j = i * per; j < (i + 1) * per; j++) r1 = Math.max(r1, Math.abs(w1[j]));
      double r2 = 0;
      for (int j : cols[i]) r2 = Math.max(r2, Math.abs(w2[j]));
      if (r1 == 0 || r2 == 0) continue;
      double s = Math.sqrt(r1 / r2);
      for (int j = i * per; j < (i + 1) * per; j++) w1[j] /= s;
      b1[i] /= s;
      for (int j : cols[i]) w2[j] *= s;
      if (stats != null) {
        stats[0][i] /= s;
        stats[1][i] /= s;
      }
      moved = Math.max(moved, Math.abs(Math.log(s)));
    }
    return moved;
  }

  /** Moves {@code c = max(0, mean − 3·std)} of each channel from the first layer's bias into the second's; true if any moved. */
  private static boolean absorb(
      Node first,
      Node second,
      Map<String, double[]> w,
      Map<String, double[]> b,
      int[][] cols,
      double[][] stats) {
    double[] b1 = b.get(first.name());
    double[] w2 = w.get(second.name());
    double[] b2 = b.get(second.name());
    int per2 = w2.length / b2.length;
    boolean any = false;
    for (int i = 0; i < cols.length; i++) {
      double c = Math.max(0, stats[0][i] - 3 * stats[1][i]);
      if (c == 0) continue;
      b1[i] -= c;
      for (int j : cols[i]) b2[j / per2] += w2[j] * c;
      any = true;
    }
    return any;
  }

  /** Zero padding of the second layer would read 0 where the first layer's output had been {@code c}: no absorption there. */
  private static boolean padded(Node n) {
    return n.op() instanceof Op.Conv2d c && (c.padH() > 0 || c.padW() > 0);
  }

  private static boolean hasRelu(Model m, Pair p) {
    return p.between().stream()
        .anyMatch(n -> m.node(n).op() instanceof Op.Relu || m.node(n).op() instanceof Op.Relu6);
  }

  private static Model rebuild(
      Model folded,
      List<Pair> pairs,
      Map<String, double[]> w,
      Map<String, double[]> b,
      int absorbed) {
    java.util.Set<String> relu6 = new java.util.HashSet<>();
    for (Pair p : pairs)
      for (String n : p.between()) if (folded.node(n).op() instanceof Op.Relu6) relu6.add(n);
    List<Node> nodes = new ArrayList<>();
    Map<String, INDArray> params = new LinkedHashMap<>(folded.params());
    for (Node n : folded.nodes()) {
      if (relu6.contains(n.name())) {
        nodes.add(new Node(n.name(), new Op.Relu(), n.inputs(), n.shape()));
        continue;
      }
      if (!n.quantizable()) {
        nodes.add(n);
        continue;
      }
      boolean hadBias = folded.params().containsKey(n.param("bias"));
      boolean needsBias =
          !hadBias && java.util.Arrays.stream(b.get(n.name())).anyMatch(v -> v != 0);
      nodes.add(
          needsBias
              ? new Node(n.name(), BatchNormFolding.withBias(n.op()), n.inputs(), n.shape())
              : n);
      INDArray old = folded.param(n.param("weight"));
      params.put(
          n.param("weight"),
          Nd4j.createFromArray(w.get(n.name())).reshape(old.shape()).castTo(DataType.FLOAT));
      if (hadBias || needsBias)
        params.put(n.param("bias"), Nd4j.createFromArray(b.get(n.name())).castTo(DataType.FLOAT));
    }
    Summary s = new Summary(pairs.size(), relu6.size(), absorbed);
    return folded.withNodes(nodes, params).withMetadata("equalization", s.describe());
  }

  private static int outChannels(Node n) {
    return n.op() instanceof Op.Conv2d c ? c.out() : ((Op.Linear) n.op()).out();
  }
}
