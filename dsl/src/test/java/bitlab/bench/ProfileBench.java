package bitlab.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import bitlab.data.Datasets;
import bitlab.data.Samples;
import bitlab.integer.ConvStep;
import bitlab.integer.IntegerModel;
import bitlab.integer.LogitsStep;
import bitlab.integer.Profile;
import bitlab.integer.Step;
import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import bitlab.model.Zoo;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@code ./bitlab bench integer profile MODEL[@SIZE] [W/A] [BATCH]}: the integer model's per-layer profile
 * ({@code iq.profile}) beside ONNX Runtime's own per-node times ({@code SessionOptions.enableProfiling}) on the
 * QDQ export of the same quantized model and the same images. ONNX Runtime fuses each DequantizeLinear, Conv,
 * QuantizeLinear group into one QLinearConv named after the layer; its nodes are matched to bitlab's steps by
 * the model nodes each step covers. Nodes of its own (layout transposes) are summed in a line of their own.
 */
final class ProfileBench {
  private ProfileBench() {}

  static void run(String[] args) throws Exception {
    if (args.length < 1)
      throw new IllegalArgumentException(
          "usage: ./bitlab bench integer profile MODEL[@SIZE] [W/A] [BATCH], e.g. resnet18@224 8/8 8");
    String[] p = args[0].split("@");
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 8, rounds = 9;
    Model net = p.length > 1 ? bitlab.dsl.Bitlab.zoo(p[0], Integer.parseInt(p[1])) : Zoo.load(p[0]);
    Samples calib = p.length > 1
        ? IntegerBench.random(net, Math.max(8, batch))
        : Datasets.mnist().train().take(64);
    IntegerModel iq = IntegerBench.uniform(net, args.length > 1 ? args[1] : "8/8", calib);
    INDArray x = p.length > 1
        ? calib.images().get(NDArrayIndex.interval(0, batch)).dup()
        : Datasets.mnist().test().images().get(NDArrayIndex.interval(0, batch)).dup();
    Profile ours = iq.profile(x, rounds);
    Path file = Files.createTempFile("bitlab-profile-", ".onnx");
    Map<String, List<Long>> nodes;
    try (OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      iq.exportOnnx(file.toString());
      opts.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
      opts.enableProfiling(Files.createTempFile("bitlab-ort-", "").toString());
      float[] data = x.dup('c').data().asFloat();
      try (OrtSession s = env.createSession(file.toString(), opts)) {
        for (int i = 0; i < WARM + rounds; i++) IntegerBench.run(env, s, data, x.shape());
        Path json = Path.of(s.endProfiling());
        nodes = nodeTimes(json);
        Files.deleteIfExists(json);
      }
    } finally {
      Files.deleteIfExists(file);
    }
    Map<String, String> owner = owners(iq);
    Map<String, Double> ms = new HashMap<>();
    Map<String, Double> unmatched = new LinkedHashMap<>();
    for (Map.Entry<String, List<Long>> e : nodes.entrySet()) {
      double median = median(e.getValue()) / 1e3;
      String step = owner.get(base(e.getKey()));
      if (step == null) unmatched.merge(e.getKey(), median, Double::sum);
      else ms.merge(step, median, Double::sum);
    }
    Profile both = ours.withReference(
        "ONNX Runtime " + OrtEnvironment.getEnvironment().getVersion() + " QDQ", ms);
    System.out.print(both);
    double ortTotal = ms.values().stream().mapToDouble(Double::doubleValue).sum()
        + unmatched.values().stream().mapToDouble(Double::doubleValue).sum();
    System.out.printf(
        "  ONNX Runtime nodes with no bitlab step: %s%n", unmatched.isEmpty() ? "none" : unmatched);
    System.out.printf(
        "  sums of per-step medians: bitlab %.2f ms, ONNX Runtime %.2f ms (its per-node kernel times; the wall time of a call is higher)%n",
        ours.totalMs(), ortTotal);
  }

  /** ONNX Runtime calls dropped from each node's times (its own warm-up). */
  private static final int WARM = 5;

  /** Per node, its kernel times in microseconds, in call order, the warm-up calls dropped. */
  static Map<String, List<Long>> nodeTimes(Path json) throws Exception {
    Map<String, List<Long>> out = new LinkedHashMap<>();
    JsonArray events = JsonParser.parseString(Files.readString(json)).getAsJsonArray();
    for (JsonElement el : events) {
      JsonObject e = el.getAsJsonObject();
      if (!"Node".equals(e.get("cat").getAsString())
          || !e.get("name").getAsString().endsWith("_kernel_time")) continue;
      String name = e.get("name").getAsString();
      out.computeIfAbsent(
              name.substring(0, name.length() - "_kernel_time".length()), k -> new ArrayList<>())
          .add(e.get("dur").getAsLong());
    }
    out.replaceAll((k, v) -> v.subList(Math.min(WARM, v.size() - 1), v.size()));
    return out;
  }

  /** An ONNX Runtime node's name without the suffix its optimiser adds ({@code s1b1.conv1_token_6} is bitlab's {@code s1b1.conv1}). */
  static String base(String node) {
    int t = node.indexOf("_token_");
    return t < 0 ? node : node.substring(0, t);
  }

  /**
   * For each node of the folded model (and the names the QDQ export gives the input and pooling), the step that
   * computes it: a layer or addition and the ReLU fused into it belong to the step named after the last of them.
   */
  static Map<String, String> owners(IntegerModel iq) {
    Model m = iq.source().folded();
    Map<String, String> owner = new HashMap<>();
    for (Step s : iq.steps()) {
      owner.put(s.node(), s.node());
      if (s instanceof ConvStep c) owner.put(c.layer().layer(), s.node());
      if (s instanceof LogitsStep l) owner.put(l.layer().layer(), s.node());
      owner.put(s.node() + "_quantized", s.node());
      owner.put(s.node() + ".flatten", s.node());
      // walk back through fused activations to the layer or addition they follow; a step that is
      // no node of the model (a wide stream's narrow view, say) owns only its own time
      Node n = m.has(s.node()) ? m.node(s.node()) : null;
      while (n != null
          && (n.op() instanceof Op.Relu || n.op() instanceof Op.Relu6)
          && n.inputs().size() == 1) {
        n = m.node(n.inputs().get(0));
        owner.putIfAbsent(n.name(), s.node());
      }
    }
    return owner;
  }

  private static double median(List<Long> v) {
    long[] s = v.stream().mapToLong(Long::longValue).sorted().toArray();
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
  }
}
