package bitlab.quant;

import bitlab.hardware.Bits;
import bitlab.hardware.LayerWorkload;
import bitlab.model.Model;
import bitlab.model.Node;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A mixed-precision policy: weight and input-activation bits for every quantizable layer of a model,
 * in layer order. Shared by quantization, hardware pricing ({@link #bits()}) and the searches.
 * Serialises to versioned JSON ({@code {"format":"bitlab.policy","version":1,...}}).
 *
 * @param model the model's name it was made for (informational; {@link #validate} checks layers)
 */
public record Policy(String model, List<LayerBits> layers) {
  public static final String FORMAT = "bitlab.policy";
  public static final int VERSION = 1;
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  public Policy {
    model = model == null ? "" : model;
    if (layers == null || layers.isEmpty())
      throw new QuantException("A policy needs at least one layer.");
    layers = List.copyOf(layers);
    Set<String> seen = new LinkedHashSet<>();
    for (LayerBits l : layers) {
      if (l == null) throw new QuantException("A policy entry is missing (null).");
      if (!seen.add(l.layer()))
        throw new QuantException("The policy names layer '" + l.layer() + "' twice.");
    }
  }

  /** Every layer at the same widths. */
  public static Policy uniform(Model model, int weightBits, int activationBits) {
    List<LayerBits> l = new ArrayList<>();
    for (String n : model.layerNames()) l.add(new LayerBits(n, weightBits, activationBits));
    return new Policy(model.name(), l);
  }

  /** One pair per layer, in the model's layer order (the form searches produce). */
  public static Policy of(Model model, List<Bits> bits) {
    List<String> names = model.layerNames();
    if (bits.size() != names.size()) {
      throw new QuantException("Model '" + model.name() + "' has " + names.size() + " layers but "
          + bits.size() + " bit pairs were given.");
    }
    List<LayerBits> l = new ArrayList<>();
    for (int i = 0; i < names.size(); i++)
      l.add(new LayerBits(names.get(i), bits.get(i).weights(), bits.get(i).activations()));
    return new Policy(model.name(), l).validate(model);
  }

  /** Checks that the policy covers exactly the model's layers; the message names the unknown or missing ones. */
  public Policy validate(Model m) {
    List<String> names = m.layerNames();
    List<String> unknown = new ArrayList<>();
    for (LayerBits l : layers) if (!names.contains(l.layer())) unknown.add(l.layer());
    Set<String> given = new LinkedHashSet<>();
    for (LayerBits l : layers) given.add(l.layer());
    List<String> missing = names.stream().filter(n -> !given.contains(n)).toList();
    if (!unknown.isEmpty()) {
      throw new QuantException("The policy names " + (unknown.size() == 1 ? "layer " : "layers ")
          + quote(unknown) + ", not in model '" + m.name() + "'; its layers are "
          + String.join(", ", names) + ".");
    }
    if (!missing.isEmpty()) {
      throw new QuantException("The policy gives no bits for "
          + (missing.size() == 1 ? "layer " : "layers ") + quote(missing) + " of model '" + m.name()
          + "'; give every layer a pair (Policy.uniform(model, w, a) covers all).");
    }
    return this;
  }

  /** The entry of a layer. */
  public LayerBits get(String layer) {
    for (LayerBits l : layers) if (l.layer().equals(layer)) return l;
    List<String> names = layers.stream().map(LayerBits::layer).toList();
    throw new QuantException(
        "The policy has no layer '" + layer + "'; it covers " + String.join(", ", names) + ".");
  }

  /** A copy with one layer's widths changed. */
  public Policy with(String layer, int weightBits, int activationBits) {
    get(layer);
    List<LayerBits> l = new ArrayList<>();
    for (LayerBits e : layers)
      l.add(e.layer().equals(layer) ? new LayerBits(layer, weightBits, activationBits) : e);
    return new Policy(model, l);
  }

  /** The pairs in layer order, for {@code Target.cost(model.workloads(), policy.bits())}. */
  public List<Bits> bits() {
    return layers.stream().map(LayerBits::bits).toList();
  }

  /** Bit operations per image: sum over layers of {@code MACs x weight bits x activation bits}. */
  public long bops(Model m) {
    validate(m);
    long total = 0;
    for (LayerWorkload w : m.workloads()) {
      LayerBits b = get(w.name());
      total += w.macs() * b.weights() * b.activations();
    }
    return total;
  }

  /**
   * Storage of the quantized layers in bytes: weights packed at their widths (rounded up to a byte per
   * layer), plus 32-bit biases and one 32-bit scale per output channel. Other parameters are not counted.
   */
  public long sizeBytes(Model m) {
    validate(m);
    long total = 0;
    for (Node n : m.layers()) {
      LayerBits b = get(n.name());
      total += layerBytes(
          m.param(n.param("weight")).length(),
          m.param(n.param("weight")).size(0),
          b.weights(),
          m.params().containsKey(n.param("bias")));
    }
    return total;
  }

  /**
   * Bytes of one layer with its weights at {@code weightBits}: the weights packed at their width (rounded up to a
   * byte), a 32-bit bias per output channel if it has one and, when quantized, a 32-bit scale per output channel. The
   * one definition of a layer's size: {@link #sizeBytes} and HAWQ-V3's size budget both count with it.
   */
  public static long layerBytes(long weights, long outChannels, int weightBits, boolean bias) {
    long bytes = (weights * weightBits + 7) / 8;
    if (bias) bytes += 4 * outChannels;
    if (weightBits != LayerBits.FLOAT) bytes += 4 * outChannels;
    return bytes;
  }

  /** Versioned JSON. */
  public String toJson() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("format", FORMAT);
    doc.put("version", VERSION);
    doc.put("model", model);
    doc.put("layers", layers);
    return GSON.toJson(doc);
  }

  /** Reads {@link #toJson()} output; rejects other formats and newer versions with a sentence. */
  public static Policy fromJson(String json) {
    Doc d;
    try {
      d = GSON.fromJson(json, Doc.class);
    } catch (JsonParseException e) {
      throw new QuantException(
          "This is not a bitlab policy (malformed JSON: " + e.getMessage() + ").", e);
    }
    if (d == null || !FORMAT.equals(d.format)) {
      throw new QuantException("This JSON is not a bitlab policy: its \"format\" is "
          + (d == null ? "missing" : "'" + d.format + "'") + ", expected '" + FORMAT + "'.");
    }
    if (d.version != VERSION) {
      throw new QuantException(
          "This policy is version " + d.version + "; this bitlab reads version " + VERSION + ".");
    }
    if (d.layers == null) throw new QuantException("This policy has no \"layers\" list.");
    List<LayerBits> l = new ArrayList<>();
    for (LayerDoc e : d.layers) {
      if (e == null || e.layer == null)
        throw new QuantException("A policy entry has no \"layer\" name.");
      l.add(new LayerBits(e.layer, e.weights, e.activations));
    }
    return new Policy(d.model, l);
  }

  /** Writes the JSON whole or not at all, keeping an existing file's permissions and links ({@link bitlab.files.WholeFile}). */
  public void write(Path path) {
    try {
      bitlab.files.WholeFile.write(path, toJson());
    } catch (IOException e) {
      throw new QuantException("Could not write the policy to " + path + ": " + e.getMessage(), e);
    }
  }

  public static Policy read(Path path) {
    return fromJson(bitlab.files.TextFile.read(
        path, "the policy file", "There is no policy file at " + path + ".", QuantException::new));
  }

  /** E.g. {@code W4A8} when uniform, {@code mixed (W2..8, A4..8)} otherwise. */
  public String summary() {
    return summary(bits());
  }

  /** The one way a policy is named, from its pairs: {@code W4A8} when all are equal, else {@code mixed (W2..8, A4..8)}. */
  public static String summary(List<Bits> pairs) {
    int wmin = pairs.stream().mapToInt(Bits::weights).min().orElse(0);
    int wmax = pairs.stream().mapToInt(Bits::weights).max().orElse(0);
    int amin = pairs.stream().mapToInt(Bits::activations).min().orElse(0);
    int amax = pairs.stream().mapToInt(Bits::activations).max().orElse(0);
    if (wmin == wmax && amin == amax) return "W" + wmin + "A" + amin;
    return "mixed (W" + wmin + ".." + wmax + ", A" + amin + ".." + amax + ")";
  }

  @Override
  public String toString() {
    StringBuilder b =
        new StringBuilder("Policy " + summary() + (model.isEmpty() ? "" : " for " + model) + "\n");
    for (LayerBits l : layers) b.append("  ").append(l).append('\n');
    return b.toString();
  }

  private static String quote(List<String> names) {
    return "'" + String.join("', '", names) + "'";
  }

  private static final class Doc {
    String format;
    int version;
    String model;
    List<LayerDoc> layers;
  }

  private static final class LayerDoc {
    String layer;
    int weights;
    int activations;
  }
}
