package bitlab.search.haq;

import bitlab.hardware.Bits;
import bitlab.hardware.Cost;
import bitlab.hardware.CostTable;
import bitlab.hardware.LayerWorkload;
import bitlab.hardware.Target;
import bitlab.hardware.TensorWidths;
import bitlab.model.Model;
import bitlab.quant.LayerBits;
import bitlab.quant.Placement;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.StoredWidths;
import bitlab.quant.kmeans.Codebook;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a policy costs: latency and energy from a target, size from the weight counts
 * ({@code sum(weights_i * w_i) / 8} bytes; biases stay 32-bit and are left out, as in HAQ).
 *
 * <p>Made from a model and a PTQ configuration ({@link #of(Model, Target, PtqConfig)}), every layer is priced with its
 * tensors moved at the widths the quantized model stores them at ({@link StoredWidths}): under the default placement
 * a 4-bit layer that reads the 8-bit residual stream loads 8 bits, and a layer whose accumulator goes into a residual
 * Add also reads the Add's other branch; each layer's price at one set of widths is computed once and kept. Made from
 * workloads alone ({@link #of(List, Target)}), each layer is priced at its own widths from the target's
 * {@link CostTable} (a sum of table reads), as if every tensor were stored at the width of the layer reading it.
 */
public final class Pricing {
  private final List<LayerWorkload> layers;
  private final Target target;
  private final CostTable table;
  private final long[] weights;
  private final Model model;
  private final StoredWidths stored;
  private final Map<Long, Cost> placed = new ConcurrentHashMap<>();
  private final PtqConfig config;
  private boolean codebooks;

  private Pricing(List<LayerWorkload> layers, Target target, Model model, PtqConfig config) {
    if (layers.isEmpty())
      throw new HaqException(
          "The model has no layer with weights (Conv or Linear): there is nothing to quantize.");
    this.layers = List.copyOf(layers);
    this.target = target;
    this.table = target == null ? null : target.table(layers);
    this.weights = layers.stream().mapToLong(LayerWorkload::weights).toArray();
    this.model = model;
    this.config = config;
    this.stored = model == null || target == null ? null : new StoredWidths(model, config);
  }

  /** Prices these layers on a target (null: only size budgets can be priced), each at its own widths. */
  public static Pricing of(List<LayerWorkload> layers, Target target) {
    return new Pricing(layers, target, null, null);
  }

  /**
   * Prices a model's layers on a target (null: only size budgets) with their tensors at the widths {@code config}'s
   * placement and residual stream width store them at, as the quantized model would move them.
   */
  public static Pricing of(Model model, Target target, PtqConfig config) {
    return new Pricing(model.workloads(), target, model, config);
  }

  /**
   * The same pricing with size counted as k-means weight sharing stores weights ({@code on}): each layer's packed
   * indices plus its codebook of {@code 2^w} float32 centroids ({@link Codebook#bytes(long, int)}).
   */
  public Pricing withCodebooks(boolean on) {
    Pricing p = new Pricing(layers, target, model, config);
    p.codebooks = on;
    return p;
  }

  /** True if size counts each layer's codebook (k-means weight sharing). */
  public boolean codebooks() {
    return codebooks;
  }

  /** The placement whose stored widths are priced, or null when each layer is priced at its own widths. */
  public Placement placement() {
    return stored == null ? null : stored.placement();
  }

  public List<LayerWorkload> layers() {
    return layers;
  }

  /** The target, or null when only size is priced. */
  public Target target() {
    return target;
  }

  public String targetName() {
    return target == null ? "(no target)" : target.name();
  }

  /** The cost of a policy in base units: seconds, joules or bytes. */
  public double cost(Resource r, int[] w, int[] a) {
    if (r == Resource.SIZE) {
      if (w.length != weights.length)
        throw new HaqException(
            "A policy for " + weights.length + " layers has " + w.length + " weight widths.");
      if (codebooks) {
        long bytes = 0;
        for (int i = 0; i < w.length; i++) bytes += Codebook.bytes(weights[i], w[i]);
        return bytes;
      }
      double bits = 0;
      for (int i = 0; i < w.length; i++) bits += (double) weights[i] * w[i];
      return bits / 8;
    }
    if (table == null) {
      throw new HaqException(
          "A " + r.label()
              + " budget needs a target to price it; add .on(hardware(\"bismo-edge\")) or use a size budget.");
    }
    if (stored == null) return r == Resource.LATENCY ? table.latency(w, a) : table.energy(w, a);
    List<Bits> policy = Policies.of(w, a);
    List<TensorWidths> widths = stored.of(Policy.of(model, policy));
    double sum = 0;
    for (int i = 0; i < w.length; i++) {
      Cost c = placed(i, policy.get(i), widths.get(i));
      sum += r == Resource.LATENCY ? c.seconds() : c.joules();
    }
    return sum;
  }

  /** One layer priced at its pair with its tensors at stored widths, computed once per distinct set. */
  private Cost placed(int i, Bits b, TensorWidths t) {
    long key = i;
    for (long v : new long[] {b.weights(), b.activations(), t.input(), t.output(), t.addend()})
      key = key * 64 + v;
    return placed.computeIfAbsent(
        key, k -> target.model().price(i, layers.get(i), b, t).cost());
  }

  /** Pairs in layer order as the public {@link Policy}, named for the model (unnamed when priced from workloads alone). */
  public Policy policy(List<Bits> pairs) {
    if (pairs.size() != layers.size())
      throw new HaqException(
          "A policy for " + layers.size() + " layers has " + pairs.size() + " bit pairs.");
    List<LayerBits> l = new ArrayList<>(pairs.size());
    for (int i = 0; i < pairs.size(); i++) {
      Bits b = pairs.get(i);
      l.add(new LayerBits(layers.get(i).name(), b.weights(), b.activations()));
    }
    return new Policy(model == null ? "" : model.name(), l);
  }

  public double cost(Resource r, List<Bits> policy) {
    return cost(r, Policies.weights(policy), Policies.activations(policy));
  }

  /** Every layer at the same widths. */
  public double uniform(Resource r, int wBits, int aBits) {
    int[] w = new int[layers.size()];
    int[] a = new int[layers.size()];
    Arrays.fill(w, wBits);
    Arrays.fill(a, aBits);
    return cost(r, w, a);
  }
}
