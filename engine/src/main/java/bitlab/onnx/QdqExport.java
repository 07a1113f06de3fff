package bitlab.onnx;

import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import bitlab.quant.ActivationQuant;
import bitlab.quant.LayerQuant;
import bitlab.quant.QuantSpec;
import bitlab.quant.QuantizedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;

/**
 * Writes a statically {@link QuantizedModel quantized model} as a standard ONNX QDQ graph (opset
 * {@value OnnxExport#OPSET}) that ONNX Runtime runs, and whose graph optimizer turns into integer
 * operators ({@code QLinearConv}, {@code QGemm}, {@code QLinearAdd}...):
 * <ul>
 *   <li>weights of quantized layers are 8-bit integer initializers (the codes bitlab computed, BatchNorm
 *       folded; uint8 offset by 128 by default, see {@link QdqOptions} for why, or int8) with a per-output-channel {@code DequantizeLinear} (axis 0);</li>
 *   <li>biases are int32 codes at scale {@code S_w·S_in} through {@code DequantizeLinear} where ONNX
 *       Runtime can fuse the layer (it reads a quantized tensor and writes an unclipped 8-bit one, or the
 *       logits), float elsewhere; either way the value is the quantized model's own bias, which is already
 *       on that int32 grid ({@link bitlab.quant.BiasGrid}), so the runtime adds what bitlab's integer program adds;</li>
 *   <li>every activation point gets a {@code QuantizeLinear -> DequantizeLinear} pair with its calibrated
 *       scale and zero point (uint8 when unsigned; signed ones uint8 offset by 128 by default, int8 if
 *       {@link QdqOptions} say so); a layer reading a narrower view of a wide tensor (the residual stream's
 *       4-bit copy) gets one more pair with the view's parameters; so do max pools and flattens of a quantized
 *       tensor (with its parameters: lossless), so that every integer operator finds its {@code DequantizeLinear}
 *       inputs;</li>
 *   <li>sub-8-bit codes are stored in 8-bit containers, and signed 8-bit codes use bitlab's narrow range -127..127
 *       inside a container that reaches -128: a {@code Clip} on the integer codes between {@code QuantizeLinear} and
 *       {@code DequantizeLinear} keeps each in its quantizer's range, so the file computes what bitlab computes and
 *       ONNX Runtime still fuses the layer that writes it ({@link QdqOptions} can put the Clip on the floats instead, or
 *       leave 8-bit signed codes unclipped);</li>
 *   <li>everything else (ReLU, pools, Add, Softmax...) is the FP32 operator of {@link OnnxExport}.</li>
 * </ul>
 * Provenance (model, policy, method, bitlab and Java versions) goes into {@code metadata_props}; the doc
 * string says what the containers hold. Differences from bitlab's simulation: ONNX Runtime's fused
 * operators requantize in float and the float ones sum in another order, so a code can land on the other side
 * of a rounding tie; predictions agree, bits need not.
 */
public final class QdqExport {
  static final String CONTAINERS =
      "Weight codes are %s, bias codes int32, activation codes uint8 (unsigned) or %s (signed); "
          + "quantizers with fewer codes than their 8-bit containers (below 8 bits; signed 8-bit ones use -127..127) are kept in their own range by a Clip%s.";

  private QdqExport() {}

  /** Writes the QDQ model to {@code path} with {@link QdqOptions#DEFAULT}, whole or not at all. */
  public static void write(QuantizedModel q, Path path) {
    write(q, path, QdqOptions.DEFAULT);
  }

  /** Writes the QDQ model to {@code path}, whole or not at all (a temporary file next to it, then an atomic rename). */
  public static void write(QuantizedModel q, Path path, QdqOptions options) {
    OnnxExport.checkWritable(path);
    OnnxExport.writeWhole(toBytes(q, options), path);
  }

  public static byte[] toBytes(QuantizedModel q) {
    return toBytes(q, QdqOptions.DEFAULT);
  }

  public static byte[] toBytes(QuantizedModel q, QdqOptions options) {
    return toProto(q, options).toByteArray();
  }

  public static ModelProto toProto(QuantizedModel q) {
    return toProto(q, QdqOptions.DEFAULT);
  }

  /** The QDQ model as its protobuf message (for inspection and tests). */
  public static ModelProto toProto(QuantizedModel q, QdqOptions options) {
    check(q);
    Model m = q.model();
    Set<String> taken = new HashSet<>(m.params().keySet());
    m.nodes().forEach(n -> taken.add(n.name()));
    GraphProto.Builder g = GraphProto.newBuilder().setName(m.name());
    OnnxExport.Scalars scalars = new OnnxExport.Scalars(g, taken);
    QdqNodes qdq = new QdqNodes(g, taken, scalars, options);
    List<String> floatBias = new ArrayList<>();
    Set<String> integerParams = parameters(q, m, qdq, floatBias);
    m.params().forEach((k, v) -> {
      if (!integerParams.contains(k)) g.addInitializer(Tensors.floats(k, v));
    });

    Map<String, String> valueOf = new HashMap<>();
    Map<String, String> views = new HashMap<>();
    Map<String, ActivationQuant> gridOf = new HashMap<>();
    Node output = m.output();
    for (Node n : m.nodes()) {
      ActivationQuant point = q.activations().get(n.name());
      String value = n.name();
      if (n.op() instanceof Op.Input) {
        g.addInput(OnnxExport.valueInfo(n.name(), n.shape()));
      } else {
        List<String> in = new ArrayList<>();
        for (String i : n.inputs()) in.add(valueOf.get(i));
        ActivationQuant view = q.view(n.name());
        if (view != null) {
          // A narrower copy of a wide tensor for this layer alone (the residual stream's 4-bit
          // view): one more
          // QuantizeLinear -> DequantizeLinear on the dequantized wide values, shared by the layers
          // reading it.
          String key = in.get(0) + "@" + QuantizedModel.viewName(view);
          String narrow = views.computeIfAbsent(key, k -> qdq.activation(in.get(0), view, true));
          in.set(0, narrow);
        }
        if (n.op() instanceof Op.GlobalAvgPool && point != null) {
          // Quantized right after the pool (where ONNX Runtime fuses it), again after the flatten
          // (lossless).
          String pooled = OnnxExport.fresh(n.name() + ".nc11", taken);
          g.addNode(OnnxExport.node("GlobalAveragePool", n.name(), in, pooled));
          String dq = qdq.activation(pooled, point, true);
          g.addNode(OnnxExport.node(
              "Flatten",
              OnnxExport.fresh(n.name() + ".flatten", taken),
              List.of(dq),
              n.name(),
              OnnxExport.integer("axis", 1)));
          value = qdq.activation(n.name(), point, false);
          gridOf.put(n.name(), point);
          valueOf.put(n.name(), value);
          continue;
        }
        OnnxExport.nodes(g, m, n, in, scalars, taken);
      }
      if (n != output) {
        if (point != null) {
          value = qdq.activation(value, point, true);
          gridOf.put(n.name(), point);
        } else if ((n.op() instanceof Op.MaxPool
                || n.op() instanceof Op.Flatten
                || n.op() instanceof Op.ChannelMap)
            && gridOf.containsKey(n.inputs().get(0))) {
          ActivationQuant grid = gridOf.get(n.inputs().get(0));
          value = qdq.activation(value, grid, false);
          gridOf.put(n.name(), grid);
        }
      }
      valueOf.put(n.name(), value);
    }
    g.addOutput(OnnxExport.valueInfo(output.name(), output.shape()));
    return model(q, g, options, floatBias);
  }

  /**
   * The integer initializers and their {@code DequantizeLinear}s (written first: the graph is in
   * topological order); returns the parameter keys they replace. Layers ONNX Runtime could fuse whose
   * int32 bias would overflow keep it in float and are listed in {@code floatBias}.
   */
  private static Set<String> parameters(
      QuantizedModel q, Model m, QdqNodes qdq, List<String> floatBias) {
    Set<String> replaced = new HashSet<>();
    for (LayerQuant l : q.layers().values()) {
      Node n = m.node(l.layer());
      if (!l.quantized()) continue;
      qdq.weight(l, n.param("weight"));
      replaced.add(n.param("weight"));
      ActivationQuant in = q.inputQuant(l.layer());
      ActivationQuant out = l.output() == null ? null : q.activations().get(l.output());
      // An int32 bias where the layer's result goes straight into a full-range 8-bit QuantizeLinear
      // or is the logits. A layer writing a narrower quantizer (below 8 bits, or signed 8-bit in
      // -127..127) keeps its float bias: ONNX Runtime fuses it either way, and without
      // optimisations
      // the float bias computes what the integer program computes (with int32 codes times a float32
      // scale, mobilenet_v3_small's centred logits moved 0.258 from the integer program's).
      // A layer whose accumulator goes into a residual Add has no quantized output of its own:
      // nothing to fuse.
      boolean intoAdd = q.residualAdd(l.layer()) != null;
      boolean fusable = !intoAdd && (out == null || !qdq.narrowerThanContainer(out.spec()));
      if (l.bias() != null && in != null && fusable) {
        if (qdq.bias(l, n.param("bias"), in.params(), q.rounding())) replaced.add(n.param("bias"));
        else floatBias.add(l.layer());
      }
    }
    return replaced;
  }

  private static ModelProto model(
      QuantizedModel q, GraphProto.Builder g, QdqOptions options, List<String> floatBias) {
    String containers = String.format(
        CONTAINERS,
        container(options.weights()),
        container(options.signedActivations()),
        options.clip() == QdqOptions.Clip.CODES
            ? " on the codes after each QuantizeLinear"
            : " before each QuantizeLinear");
    Set<Integer> bits = new TreeSet<>();
    q.layers().values().forEach(l -> {
      if (l.quantized()) bits.add(l.bits().weights());
    });
    q.activations().values().forEach(a -> bits.add(a.spec().bits()));
    q.views().values().forEach(a -> bits.add(a.spec().bits()));
    String doc = "bitlab model '" + q.source().name() + "', " + q.policy().summary() + ", "
        + q.method() + ", as an ONNX QDQ graph. " + containers
        + (bits.stream().anyMatch(b -> b < 8)
            ? " Widths below 8 bits in this model: "
                + bits.stream()
                    .filter(b -> b < 8)
                    .map(String::valueOf)
                    .reduce((a, b) -> a + ", " + b)
                    .orElse("")
                + "."
            : "")
        + (floatBias.isEmpty()
            ? ""
            : " Biases kept in float (int32 codes at S_w*S_in would overflow): "
                + String.join(", ", floatBias) + ".");
    ModelProto.Builder mp = ModelProto.newBuilder()
        .setIrVersion(OnnxExport.IR_VERSION)
        .setProducerName("bitlab")
        .setProducerVersion(OnnxExport.version())
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxExport.OPSET))
        .setGraph(g)
        .setDocString(doc);
    Map<String, String> meta = new LinkedHashMap<>(q.model().metadata());
    meta.put(OnnxExport.META_MODEL, q.source().name());
    meta.put("bitlab.version", OnnxExport.version());
    meta.put("bitlab.java", System.getProperty("java.version"));
    meta.put("bitlab.precision", "QDQ " + q.policy().summary());
    meta.put("bitlab.quantization", q.method());
    meta.put("bitlab.rounding", q.rounding().name().toLowerCase());
    meta.put("bitlab.policy", q.policy().toJson());
    meta.put("bitlab.containers", containers);
    meta.put("bitlab.qdq", options.describe());
    meta.forEach((k, v) -> mp.addMetadataProps(OnnxExport.entry(k, v)));
    return mp.build();
  }

  private static String container(QdqOptions.Container c) {
    return c == QdqOptions.Container.INT8
        ? "int8 (zero point 0)"
        : "uint8 (the signed code plus 128, zero point 128)";
  }

  /** Refuses what a QDQ graph cannot say, with the fix. */
  static void check(QuantizedModel q) {
    String name = q.source().name();
    if (q.dynamic()) {
      throw new OnnxException("Model '" + name
          + "' was quantized dynamically (activation ranges per batch); a QDQ graph needs fixed scales: "
          + "quantize it statically (calibrate(data)) and export that.");
    }
    if (q.activationsAllocated()) {
      throw new OnnxException("Model '" + name
          + "' has per-channel activation widths (bit allocation), which no runtime runs and a QDQ graph cannot say; "
          + "export it with the weights allocated only.");
    }
    for (LayerQuant l : q.layers().values()) {
      if (l.quantized() && l.bits().weights() > 8) {
        throw new OnnxException("Layer '" + l.layer() + "' of '" + name + "' has "
            + l.bits().weights() + "-bit weights; the QDQ export stores "
            + "weight codes in int8, so 1..8 bits: give it 8 bits or keep it in float (32).");
      }
    }
    List<ActivationQuant> all = new ArrayList<>(q.activations().values());
    all.addAll(q.views().values());
    for (ActivationQuant a : all) {
      QuantSpec s = a.spec();
      if (s.binary()) {
        throw new OnnxException("Activation '" + a.node() + "' of '" + name
            + "' is binary (sign, +-scale), which QuantizeLinear cannot express; "
            + "give its readers 2 or more activation bits.");
      }
    }
  }
}
