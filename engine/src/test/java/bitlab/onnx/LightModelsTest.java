package bitlab.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import bitlab.model.Model;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.ValueInfoProto;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The nine classic ImageNet models the {@code onnx} Python package ships for its backend tests
 * ({@code onnx/backend/test/data/light/light_*.onnx}, Caffe2 exports at opset 9 whose weights are
 * ConstantOfShape fills). Each is imported and, when it imports, its output compared with ONNX
 * Runtime's on one seeded normal 1 x 3 x 224 x 224 image; the test prints the table that the engine
 * README quotes. The files are not part of bitlab: the test looks for them in the directory named by
 * {@code -Dbitlab.onnx.light=DIR} or in the worktree's {@code .venv} (where {@code ./bitlab setup} installs
 * the onnx package), and is skipped when there are none.
 */
@Tag("slow")
class LightModelsTest {
  /** The models that import today; a regression in any of them fails the test. */
  private static final Set<String> IMPORTS = Set.of(
      "light_bvlc_alexnet",
      "light_densenet121",
      "light_inception_v1",
      "light_inception_v2",
      "light_resnet50",
      "light_shufflenet",
      "light_squeezenet",
      "light_vgg19",
      "light_zfnet512");

  @Test
  void lightModelsImportAndMatchOnnxRuntime() throws Exception {
    List<Path> files = lightFiles();
    Assumptions.assumeFalse(
        files.isEmpty(),
        "No light_*.onnx was found: ./bitlab setup installs the onnx package into .venv when the wheel index has it (or give -Dbitlab.onnx.light=DIR).");
    StringBuilder table = new StringBuilder(
        "| model | imports | bitlab nodes | max abs difference from ONNX Runtime / max abs value | what stops it |\n|---|---|---|---|---|\n");
    List<String> failures = new ArrayList<>();
    for (Path f : files) {
      String name = f.getFileName().toString().replace(".onnx", "");
      byte[] bytes = Files.readAllBytes(f);
      Model m;
      try {
        m = OnnxImport.read(bytes, name);
      } catch (OnnxException e) {
        table
            .append("| ")
            .append(name)
            .append(" | no | | | ")
            .append(e.getMessage().replaceAll("; it imports .*", "."))
            .append(" |\n");
        if (IMPORTS.contains(name)) failures.add(name + " no longer imports: " + e.getMessage());
        continue;
      }
      INDArray x = Checks.normal(11, 1, 3, 224, 224);
      // All of them end in a Softmax, which saturates: the logits before it are compared too.
      List<INDArray> expected = ort(bytes, x);
      String logits = m.node(m.output().name()).inputs().get(0);
      Map<String, INDArray> got =
          bitlab.model.Inference.outputs(m, x, List.of(logits, m.output().name()));
      double[] rel = new double[2];
      String[] which = {logits, m.output().name()};
      for (int i = 0; i < 2; i++) {
        // SqueezeNet's output is N x C x 1 x 1 in ONNX, a vector of C per image in bitlab.
        INDArray e = expected.get(1 - i).reshape(1, -1);
        double diff = Checks.maxAbsDiff(e, got.get(which[i]).reshape(1, -1));
        rel[i] = diff / Math.max(1e-30, e.amaxNumber().doubleValue());
      }
      table
          .append("| ")
          .append(name)
          .append(" | yes | ")
          .append(m.nodes().size())
          .append(" | ")
          .append(String.format("logits %.1e, probabilities %.1e", rel[0], rel[1]))
          .append(" | |\n");
      if (!(Math.max(rel[0], rel[1]) <= 1e-4)) {
        failures.add(name + " differs from ONNX Runtime by " + rel[0] + " (logits) and " + rel[1]
            + " (probabilities), relative to the largest value");
      }
    }
    System.out.println(table);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  /**
   * Seeded normal images per model for the W8A8 comparison ({@code -Dbitlab.qdq.lightImages=N}); none by default, so
   * the comparison is a measurement run on demand: these are full-size ImageNet networks at 224 x 224 (VGG-19 is 20
   * GMAC an image) and four images of all nine took six minutes on the shared machine, too long for CI.
   */
  private static final int LIGHT_IMAGES = Integer.getInteger("bitlab.qdq.lightImages", 0);

  @Test
  void lightModelsRunIntegerOnlyAsOnnxRuntimeRunsTheirQdqExport() throws Exception {
    Assumptions.assumeTrue(
        LIGHT_IMAGES > 0,
        "The light models' W8A8 comparison runs on demand: give -Dbitlab.qdq.lightImages=N.");
    List<Path> files = lightFiles();
    Assumptions.assumeFalse(files.isEmpty(), "No light_*.onnx was found (see the other test).");
    StringBuilder table = new StringBuilder(QdqAgreement.Result.header() + "\n");
    List<String> failures = new ArrayList<>();
    for (Path f : files) {
      String name = f.getFileName().toString().replace(".onnx", "");
      Model m = randomized(OnnxImport.read(Files.readAllBytes(f), name), 3);
      String refusal = bitlab.integer.Deployment.refusal(bitlab.quant.Quantizer.ptq(
          m,
          bitlab.quant.Policy.uniform(m, 8, 8),
          new bitlab.data.Samples(
              "random",
              Checks.normal(5, 2, 3, 224, 224),
              new int[2],
              m.outputShape().channels()),
          bitlab.quant.PtqConfig.DEFAULT));
      if (refusal != null) {
        table
            .append("| ")
            .append(name)
            .append(" | does not compile: ")
            .append(refusal.replaceAll(";.*", ""))
            .append(" | | | | |\n");
        continue;
      }
      QdqAgreement.Result r = QdqAgreement.measure(m, LIGHT_IMAGES, 4);
      table.append(r.row()).append("\n");
      if (!(r.gapNone() <= 1.0)) failures.add(r.row());
    }
    System.out.println(table);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  /** The same graph with seeded random weights (see above). */
  static Model randomized(Model m, long seed) {
    java.util.Map<String, INDArray> p = new java.util.HashMap<>();
    long k = seed;
    for (var e : new java.util.TreeMap<>(m.params()).entrySet()) {
      long[] shape = e.getValue().shape();
      INDArray z =
          Checks.normal(k++, shape.length == 0 ? new long[] {1} : shape).reshape(shape);
      String key = e.getKey();
      if (key.endsWith(".running_var")) {
        z = org.nd4j.linalg.ops.transforms.Transforms.abs(z).muli(0.5).addi(0.5);
      } else if (key.endsWith(".running_mean") || key.endsWith(".bias")) {
        z = z.muli(0.1);
      } else if (m.node(key.substring(0, key.lastIndexOf('.'))).op()
          instanceof bitlab.model.Op.BatchNorm) {
        z = z.muli(0.2).addi(1);
      } else {
        z = z.muli(Math.sqrt(2.0 * shape[0] / Math.max(1, z.length())));
      }
      p.put(key, z.castTo(DataType.FLOAT));
    }
    return m.withParams(p);
  }

  private static List<Path> lightFiles() throws Exception {
    String given = System.getProperty("bitlab.onnx.light");
    List<Path> dirs = new ArrayList<>();
    if (given != null && !given.isBlank()) dirs.add(Path.of(given));
    for (Path venv : List.of(Path.of(".venv"), Path.of("../.venv"))) {
      Path lib = venv.resolve("lib");
      if (!Files.isDirectory(lib)) continue;
      try (Stream<Path> s = Files.list(lib)) {
        s.forEach(py -> dirs.add(py.resolve("site-packages/onnx/backend/test/data/light")));
      }
    }
    for (Path d : dirs) {
      if (!Files.isDirectory(d)) continue;
      try (Stream<Path> s = Files.list(d)) {
        List<Path> found = s.filter(p -> p.getFileName().toString().matches("light_.*\\.onnx"))
            .sorted()
            .toList();
        if (!found.isEmpty()) return found;
      }
    }
    return List.of();
  }

  /**
   * ONNX Runtime's output and the input of the final Softmax, on the graph's one real input (these files
   * also list their weights as inputs).
   */
  private static List<INDArray> ort(byte[] onnx, INDArray x) throws Exception {
    ModelProto.Builder b = ModelProto.parseFrom(onnx).toBuilder();
    List<NodeProto> nodes = b.getGraph().getNodeList();
    String logits = nodes.get(nodes.size() - 1).getInput(0);
    b.getGraphBuilder().addOutput(ValueInfoProto.newBuilder().setName(logits));
    ModelProto proto = b.build();
    onnx = proto.toByteArray();
    Set<String> notInputs = new HashSet<>();
    for (TensorProto t : proto.getGraph().getInitializerList()) notInputs.add(t.getName());
    for (NodeProto n : proto.getGraph().getNodeList()) notInputs.addAll(n.getOutputList());
    String input = proto.getGraph().getInputList().stream()
        .map(v -> v.getName())
        .filter(n -> !notInputs.contains(n))
        .findFirst()
        .orElseThrow();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setIntraOpNumThreads(2);
      try (OrtSession s = env.createSession(onnx, o)) {
        float[] data = x.castTo(DataType.FLOAT).dup('c').data().asFloat();
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), x.shape());
            OrtSession.Result r = s.run(Map.of(input, t))) {
          List<INDArray> out = new ArrayList<>();
          for (int i = 0; i < 2; i++) {
            OnnxTensor v = (OnnxTensor) r.get(i);
            FloatBuffer fb = v.getFloatBuffer();
            float[] y = new float[fb.remaining()];
            fb.get(y);
            out.add(Nd4j.create(y, v.getInfo().getShape(), 'c'));
          }
          return out;
        }
      }
    }
  }
}
