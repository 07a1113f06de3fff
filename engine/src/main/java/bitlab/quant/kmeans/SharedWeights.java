package bitlab.quant.kmeans;

import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.quant.BatchNormFolding;
import bitlab.quant.QuantException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A model whose layers share weights, Deep Compression style: BatchNorm folded into the layers first (the weights a
 * deployment stores), then each Conv and Linear layer's weights clustered by {@link KMeans} into {@code 2^b}
 * centroids, {@code b} chosen per layer. Biases and activations stay float. {@link #model()} computes with the
 * centroids looked up in float: a simulation of weight sharing. {@link #bytes()} is what the weights take stored:
 * every layer's packed indices plus its float32 codebook (biases left out, as HAQ's size budgets leave them out).
 */
public final class SharedWeights {
  private final Model folded;
  private final Map<String, Codebook> layers;

  private SharedWeights(Model folded, Map<String, Codebook> layers) {
    this.folded = folded;
    this.layers = layers;
  }

  /** Clusters every layer's folded weights at its width ({@code bits[i]} for the model's i-th layer). */
  public static SharedWeights of(Model model, int[] bits) {
    Model folded = BatchNormFolding.fold(model);
    List<Node> ls = folded.layers();
    if (bits.length != ls.size()) {
      throw new QuantException("Weight sharing for " + model.name() + " needs one width per layer ("
          + ls.size() + "), got " + bits.length + ".");
    }
    Map<String, Codebook> books = new LinkedHashMap<>();
    for (int i = 0; i < bits.length; i++) {
      Node n = ls.get(i);
      books.put(n.name(), KMeans.fit(weightsOf(folded, n), bits[i]));
    }
    return new SharedWeights(folded, books);
  }

  /** Every layer at the same width. */
  public static SharedWeights uniform(Model model, int bits) {
    int[] b = new int[BatchNormFolding.fold(model).layers().size()];
    java.util.Arrays.fill(b, bits);
    return of(model, b);
  }

  /** The bytes all layers take stored: packed indices plus float32 codebooks, without biases. */
  public static long bytes(Model model, int[] bits) {
    List<Node> ls = model.layers();
    if (bits.length != ls.size()) {
      throw new QuantException("Weight sharing for " + model.name() + " needs one width per layer ("
          + ls.size() + "), got " + bits.length + ".");
    }
    long sum = 0;
    for (int i = 0; i < ls.size(); i++)
      sum += Codebook.bytes(model.params().get(ls.get(i).param("weight")).length(), bits[i]);
    return sum;
  }

  public long bytes() {
    return layers.values().stream().mapToLong(Codebook::bytes).sum();
  }

  /** The layers' codebooks by layer name, in model order. */
  public Map<String, Codebook> codebooks() {
    return java.util.Collections.unmodifiableMap(layers);
  }

  /** The folded model the codebooks were fitted to (its float weights). */
  public Model folded() {
    return folded;
  }

  /** A copy with some layers' codebooks replaced (a fine-tune's result). */
  public SharedWeights with(Map<String, Codebook> replaced) {
    Map<String, Codebook> m = new LinkedHashMap<>(layers);
    m.putAll(replaced);
    return new SharedWeights(folded, m);
  }

  /** The folded model computing with each layer's centroids in place of its weights (float look-up, simulated). */
  public Model model() {
    Map<String, INDArray> p = new LinkedHashMap<>();
    for (Map.Entry<String, Codebook> e : layers.entrySet()) {
      String key = folded.node(e.getKey()).param("weight");
      long[] shape = folded.params().get(key).shape();
      p.put(key, Nd4j.createFromArray(e.getValue().weights()).reshape('c', shape));
    }
    return folded.withParams(p).withName(folded.name() + " (k-means " + describeBits() + ")");
  }

  /** E.g. "4/3/3/2 bits": each layer's index width. */
  public String describeBits() {
    StringBuilder s = new StringBuilder();
    for (Codebook c : layers.values()) s.append(s.length() == 0 ? "" : "/").append(c.bits());
    return s + " bits";
  }

  static float[] weightsOf(Model folded, Node n) {
    INDArray w = folded.params().get(n.param("weight"));
    return Nd4j.toFlattened('c', w).castTo(DataType.FLOAT).toFloatVector();
  }
}
