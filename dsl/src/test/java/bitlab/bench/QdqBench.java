package bitlab.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.dsl.quant.QuantizeBuilder;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.onnx.OnnxExport;
import bitlab.onnx.QdqExport;
import bitlab.onnx.QdqOptions;
import bitlab.quant.BatchNormFolding;
import bitlab.quant.Policy;
import bitlab.quant.QuantizedModel;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Issue 5's export figures: how often ONNX Runtime's run of the QDQ export predicts what bitlab's
 * simulated quantized model predicts (all 2,000 MNIST test images, W8A8 and W4A4 min-max static PTQ on
 * 512 training images), which integer operators ONNX Runtime fuses the graph into, and its latency
 * against ONNX Runtime on the FP32 export of the same model (batch 1 and 64, alternating rounds).
 */
final class QdqBench {
  private static final List<String> MINIS =
      List.of("lenet5", "resnet-mini", "mobilenet-v1-mini", "mobilenet-v2-mini");
  private static final int ROUNDS = 7;

  private QdqBench() {}

  /** {@code args}: nothing or {@code all}, {@code agreement} or {@code latency}, optionally followed by model names. */
  static void run(String[] args) throws Exception {
    String part = args.length == 0 ? "all" : args[0];
    if (part.equals("clip")) {
      QdqClipBench.run(Arrays.asList(args).subList(1, args.length));
      return;
    }
    if (!List.of("all", "agreement", "latency").contains(part)) {
      throw new IllegalArgumentException(
          "The qdq bench runs all, agreement, latency or clip (then model names), not '" + part
              + "'.");
    }
    List<String> models = args.length > 1 ? Arrays.asList(args).subList(1, args.length) : MINIS;
    Dataset mnist = Datasets.mnist();
    int threads = Runtime.getRuntime().availableProcessors();
    System.out.printf(
        "bitlab qdq bench: %d cores, JDK %s, ONNX Runtime with %d intra-op threads%n%n",
        threads, System.getProperty("java.version"), threads);
    List<String> agreement = new ArrayList<>();
    List<String> latency = new ArrayList<>();
    try (OrtEnvironment env = OrtEnvironment.getEnvironment()) {
      for (String name : models) {
        Model m = Zoo.load(name);
        Model folded = BatchNormFolding.fold(m);
        QuantizedModel w8 =
            QuantizeBuilder.of(m, Policy.uniform(folded, 8, 8)).calibrate(mnist).build();
        QuantizedModel w4 =
            QuantizeBuilder.of(m, Policy.uniform(folded, 4, 4)).calibrate(mnist).build();
        if (!part.equals("latency")) {
          agreement.addAll(agreement(env, mnist, w8, QdqOptions.DEFAULT, QdqOptions.U8S8));
          agreement.addAll(agreement(env, mnist, w4, QdqOptions.DEFAULT));
        }
        if (!part.equals("agreement")) {
          latency.addAll(latency(env, mnist, m, w8, w4));
        }
      }
    }
    if (!agreement.isEmpty()) {
      System.out.println(
          "\nAgreement of ONNX Runtime (QDQ export, default optimizations) with bitlab's simulation, 2,000 MNIST test images");
      System.out.printf(
          "%-18s %-5s %-5s %9s %9s %9s  %s%n",
          "model",
          "bits",
          "codes",
          "agree",
          "sim acc",
          "ORT acc",
          "ONNX Runtime's optimized graph");
      agreement.forEach(System.out::println);
    }
    if (!latency.isEmpty()) {
      System.out.println("\nONNX Runtime latency, ms per batch (median of " + ROUNDS
          + " alternating rounds); ratio = QDQ / FP32 (below 1: QDQ faster)");
      System.out.printf(
          "%-18s %6s %10s %12s %8s %12s %8s %12s %8s%n",
          "model",
          "batch",
          "FP32",
          "W8A8 u8u8",
          "ratio",
          "W8A8 u8s8",
          "ratio",
          "W4A4 u8u8",
          "ratio");
      latency.forEach(System.out::println);
      System.out.println(
          "\nu8u8: weights and activations in uint8, signed 8-bit codes clipped to -127..127 (the export's default); u8s8: int8 weights, which ONNX Runtime runs with");
      System.out.println(
          "16-bit intermediate sums on CPUs without VNNI (see the u8s8 agreement rows); W4A4 keeps its 4-bit codes with a Clip");
      System.out.println(
          "on the codes after each QuantizeLinear, where ONNX Runtime still fuses the layer that writes them.");
    }
  }

  /** One row per container format: agreement with the simulation (predicted once), both accuracies, ONNX Runtime's fused graph. */
  private static List<String> agreement(
      OrtEnvironment env, Dataset mnist, QuantizedModel q, QdqOptions... formats) throws Exception {
    INDArray x = mnist.test().images();
    int[] labels = mnist.test().labels();
    int n = (int) x.size(0);
    int[] sim = new int[n];
    for (int from = 0; from < n; from += 100) {
      int[] part = argMax(q.predict(
          x.get(NDArrayIndex.interval(from, Math.min(n, from + 100))).dup()));
      System.arraycopy(part, 0, sim, from, part.length);
    }
    int simRight = 0;
    for (int i = 0; i < n; i++) if (sim[i] == labels[i]) simRight++;
    List<String> rows = new ArrayList<>();
    for (QdqOptions options : formats) {
      byte[] onnx = QdqExport.toBytes(q, options);
      int same = 0;
      int ortRight = 0;
      try (OrtSession.SessionOptions o = options();
          OrtSession s = env.createSession(onnx, o)) {
        for (int from = 0; from < n; from += 100) {
          int[] ort = argMax(run(
              env,
              s,
              x.get(NDArrayIndex.interval(from, Math.min(n, from + 100))).dup()));
          for (int i = 0; i < ort.length; i++) {
            if (sim[from + i] == ort[i]) same++;
            if (ort[i] == labels[from + i]) ortRight++;
          }
        }
      }
      String codes = options.weights() == QdqOptions.Container.UINT8 ? "u8u8" : "u8s8";
      String row = String.format(
          "%-18s %-5s %-5s %8.2f%% %8.2f%% %8.2f%%  %s",
          q.source().name(),
          q.policy().summary(),
          codes,
          100.0 * same / n,
          100.0 * simRight / n,
          100.0 * ortRight / n,
          optimizedOps(env, onnx));
      System.out.println(row);
      rows.add(row);
    }
    return rows;
  }

  private static List<String> latency(
      OrtEnvironment env, Dataset mnist, Model m, QuantizedModel w8, QuantizedModel w4)
      throws Exception {
    Path dir = Files.createTempDirectory("bitlab-qdq-bench");
    List<String> rows = new ArrayList<>();
    try {
      Path fp = dir.resolve("fp32.onnx");
      Path u8 = dir.resolve("w8a8-u8u8.onnx");
      Path s8 = dir.resolve("w8a8-u8s8.onnx");
      Path u4 = dir.resolve("w4a4-u8u8.onnx");
      OnnxExport.write(m, fp);
      QdqExport.write(w8, u8, QdqOptions.DEFAULT);
      QdqExport.write(w8, s8, QdqOptions.U8S8);
      QdqExport.write(w4, u4, QdqOptions.DEFAULT);
      try (OrtSession.SessionOptions o = options();
          OrtSession a = env.createSession(fp.toString(), o);
          OrtSession b = env.createSession(u8.toString(), o);
          OrtSession c = env.createSession(s8.toString(), o);
          OrtSession d = env.createSession(u4.toString(), o)) {
        for (int batch : new int[] {1, 64}) {
          INDArray x =
              mnist.test().images().get(NDArrayIndex.interval(0, batch)).dup();
          double[] ms = millis(env, x, a, b, c, d);
          String row = String.format(
              "%-18s %6d %10.3f %12.3f %7.2fx %12.3f %7.2fx %12.3f %7.2fx",
              m.name(),
              batch,
              ms[0],
              ms[1],
              ms[1] / ms[0],
              ms[2],
              ms[2] / ms[0],
              ms[3],
              ms[3] / ms[0]);
          System.out.println(row);
          rows.add(row);
        }
      }
    } finally {
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) Files.deleteIfExists(p);
      }
      Files.deleteIfExists(dir);
    }
    return rows;
  }

  /** Median milliseconds per run of each session on {@code x}, measured in alternating rounds. */
  private static double[] millis(OrtEnvironment env, INDArray x, OrtSession... sessions)
      throws OrtException {
    int reps = Math.max(5, 200 / (int) x.size(0));
    double[][] t = new double[sessions.length][ROUNDS];
    for (OrtSession s : sessions) for (int i = 0; i < 5; i++) run(env, s, x);
    for (int round = 0; round < ROUNDS; round++) {
      for (int k = 0; k < sessions.length; k++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) run(env, sessions[k], x);
        t[k][round] = (System.nanoTime() - t0) / 1e6 / reps;
      }
    }
    double[] median = new double[sessions.length];
    for (int k = 0; k < sessions.length; k++) {
      Arrays.sort(t[k]);
      median[k] = t[k][ROUNDS / 2];
    }
    return median;
  }

  private static OrtSession.SessionOptions options() throws OrtException {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    o.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
    return o;
  }

  private static float[][] run(OrtEnvironment env, OrtSession s, INDArray x) throws OrtException {
    float[] data = x.dup('c').data().asFloat();
    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), x.shape());
        OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), t))) {
      return (float[][]) r.get(0).getValue();
    }
  }

  static int[] argMax(INDArray logits) {
    int[] a = new int[(int) logits.size(0)];
    for (int i = 0; i < a.length; i++) a[i] = logits.getRow(i).argMax().getInt(0);
    return a;
  }

  static int[] argMax(float[][] logits) {
    int[] a = new int[logits.length];
    for (int i = 0; i < a.length; i++) {
      for (int c = 1; c < logits[i].length; c++) if (logits[i][c] > logits[i][a[i]]) a[i] = c;
    }
    return a;
  }

  /** Operator counts of ONNX Runtime's graph at the extended level, where its QDQ fusions run. */
  static String optimizedOps(OrtEnvironment env, byte[] model) throws Exception {
    Path file = Files.createTempFile("bitlab-qdq-optimized", ".onnx");
    try {
      try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
        o.setOptimizedModelFilePath(file.toString());
        try (OrtSession s = env.createSession(model, o)) {
          s.getInputNames();
        }
      }
      Map<String, Integer> ops = new TreeMap<>();
      for (onnx.Onnx.NodeProto n :
          onnx.Onnx.ModelProto.parseFrom(Files.readAllBytes(file)).getGraph().getNodeList())
        ops.merge(n.getOpType(), 1, Integer::sum);
      StringBuilder b = new StringBuilder();
      ops.forEach(
          (k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
      return b.toString();
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
