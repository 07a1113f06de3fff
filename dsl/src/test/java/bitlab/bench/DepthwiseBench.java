package bitlab.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import bitlab.data.Samples;
import bitlab.integer.IntegerModel;
import bitlab.integer.Latency;
import bitlab.integer.Step;
import bitlab.integer.kernel.ConvKernels;
import bitlab.model.Model;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@code ./bitlab bench integer depthwise [MODEL[@SIZE] ...]}: the same quantized network compiled three times, its
 * depthwise 3x3 layers on oneDNN, on Java's channels-last kernel (requantization in its rows), and timed per layer
 * (the default), beside ONNX Runtime on the QDQ export; W8A8 and W4A4 at batch 1 and 8, alternating call by call in
 * one process. After the table, how many depthwise layers the timed program gave to each.
 */
final class DepthwiseBench {
  private DepthwiseBench() {}

  private static final List<ConvKernels.Depthwise> WAYS = List.of(
      ConvKernels.Depthwise.DNNL, ConvKernels.Depthwise.JAVA, ConvKernels.Depthwise.MEASURE);

  static void run(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("layers")) {
      layers(
          args.length > 1 ? args[1] : "mobilenet-v2@224",
          args.length > 2 ? args[2] : "8/8",
          args.length > 3 ? Integer.parseInt(args[3]) : 8);
      return;
    }
    List<String> models = args.length > 0
        ? List.of(args)
        : List.of("mobilenet-v1-mini", "mobilenet-v2-mini", "mobilenet-v2@224");
    IntegerBench.printInstructionSet();
    System.out.printf(
        "%-18s %5s %6s %10s %10s %10s %9s %9s %11s %9s  %s%n",
        "model",
        "batch",
        "bits",
        "oneDNN ms",
        "Java ms",
        "timed ms",
        "Java/oDNN",
        "timed/oDNN",
        "ORT qdq ms",
        "timed/QDQ",
        "depthwise layers the timed program gave Java");
    ConvKernels.Depthwise saved = ConvKernels.depthwise();
    try (OrtEnvironment env = OrtEnvironment.getEnvironment()) {
      for (String spec : models) {
        boolean large = spec.contains("@");
        Model net = IntegerBench.model(spec);
        Samples calib = IntegerBench.calibration(net, spec);
        for (int[] wa : new int[][] {{8, 8}, {4, 4}}) {
          QuantizedModel q =
              Quantizer.ptq(net, Policy.uniform(net, wa[0], wa[1]), calib, PtqConfig.DEFAULT);
          IntegerModel[] programs = new IntegerModel[WAYS.size()];
          for (int i = 0; i < programs.length; i++) {
            ConvKernels.depthwise(WAYS.get(i));
            programs[i] =
                IntegerModel.of(q); // compiled anew: Deployment caches one program per model
          }
          Path qdqFile = Files.createTempFile("bitlab-bench-depthwise-", ".onnx");
          try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
            programs[0].exportOnnx(qdqFile.toString());
            try (OrtSession qdq = env.createSession(qdqFile.toString(), opts)) {
              for (int batch : new int[] {1, 8}) {
                INDArray x = calib.images().get(NDArrayIndex.interval(0, batch)).dup();
                float[] data = x.castTo(DataType.FLOAT).dup('c').data().asFloat();
                for (IntegerModel iq : programs) Latency.warm(iq, x);
                double[] ms = Latency.alternate(
                    List.of(
                        () -> programs[0].predict(x),
                        () -> programs[1].predict(x),
                        () -> programs[2].predict(x),
                        () -> IntegerBench.run(env, qdq, data, x.shape())),
                    large ? 7 : 21,
                    20,
                    r -> {});
                System.out.printf(
                    "%-18s %5d %6s %10.2f %10.2f %10.2f %8.2fx %9.2fx %11.2f %8.2fx  %s%n",
                    spec,
                    batch,
                    "W" + wa[0] + "A" + wa[1],
                    ms[0],
                    ms[1],
                    ms[2],
                    ms[1] / ms[0],
                    ms[2] / ms[0],
                    ms[3],
                    ms[2] / ms[3],
                    chosen(programs[2], batch));
              }
            }
          } finally {
            Files.deleteIfExists(qdqFile);
          }
        }
      }
    } finally {
      ConvKernels.depthwise(saved);
    }
    System.out.println("Below 1: faster than oneDNN's depthwise. Medians of alternating calls.");
  }

  /** E.g. {@code 10 of 17}: depthwise layers whose timing chose Java at this batch size. */
  private static String chosen(IntegerModel iq, int batch) {
    int java = 0, all = 0;
    for (Step s : iq.steps()) {
      if (s.layer() == null) continue;
      String why = ConvKernels.explain(s.layer().kernel(), batch);
      if (!why.startsWith("oneDNN or Java's channels-last")) continue;
      all++;
      if (why.contains("timed faster than dnnl")) java++;
    }
    return java + " of " + all;
  }

  /**
   * {@code ./bitlab bench integer depthwise layers [MODEL[@SIZE]] [W/A] [BATCH]}: each depthwise 3x3 layer's time in
   * the profile of the program with them on oneDNN and of the one with them in Java, profiles alternating (five
   * rounds of three calls each), the median of the rounds' medians per layer.
   */
  static void layers(String spec, String bits, int batch) {
    String[] wa = bits.split("/");
    Model net = IntegerBench.model(spec);
    Samples calib = IntegerBench.calibration(net, spec);
    QuantizedModel q = Quantizer.ptq(
        net,
        Policy.uniform(net, Integer.parseInt(wa[0]), Integer.parseInt(wa[1])),
        calib,
        PtqConfig.DEFAULT);
    ConvKernels.Depthwise saved = ConvKernels.depthwise();
    IntegerModel[] programs = new IntegerModel[2];
    try {
      for (int i = 0; i < 2; i++) {
        ConvKernels.depthwise(WAYS.get(i));
        programs[i] = IntegerModel.of(q);
      }
    } finally {
      ConvKernels.depthwise(saved);
    }
    IntegerBench.printInstructionSet();
    INDArray x = calib.images().get(NDArrayIndex.interval(0, batch)).dup();
    int rounds = 5;
    java.util.Map<String, double[][]> ms = new java.util.LinkedHashMap<>();
    double[][] totals = new double[2][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < 2; i++) {
        bitlab.integer.Profile p = programs[i].profile(x, 3);
        totals[i][r] = p.totalMs();
        for (bitlab.integer.Profile.Row row : p.rows()) {
          if (!row.kernel().equals("java-depthwise-nhwc")
              && !(i == 0 && isDepthwise(programs[1], row.step()))) continue;
          ms.computeIfAbsent(row.step(), k -> new double[2][rounds])[i][r] = row.ms();
        }
      }
    }
    System.out.printf("%s %s batch %d, depthwise 3x3 layers (ms per batch):%n", spec, bits, batch);
    System.out.printf(
        "%-24s %10s %10s %9s  %s%n", "layer", "oneDNN", "Java", "Java/oDNN", "Java's lanes");
    double[] sum = new double[2];
    for (var e : ms.entrySet()) {
      double a = median(e.getValue()[0]), b = median(e.getValue()[1]);
      sum[0] += a;
      sum[1] += b;
      String lanes = "";
      for (Step s : programs[1].steps())
        if (s.node().equals(e.getKey())) lanes = s.layer().kernel().detail(batch);
      System.out.printf("%-24s %10.3f %10.3f %8.2fx  %s%n", e.getKey(), a, b, b / a, lanes);
    }
    System.out.printf(
        "%-24s %10.3f %10.3f %8.2fx%n", "all depthwise", sum[0], sum[1], sum[1] / sum[0]);
    System.out.printf(
        "%-24s %10.3f %10.3f %8.2fx  (sum of the steps)%n",
        "whole program",
        median(totals[0]),
        median(totals[1]),
        median(totals[1]) / median(totals[0]));
  }

  private static boolean isDepthwise(IntegerModel java, String step) {
    for (Step s : java.steps())
      if (s.node().equals(step)) return s.kernelName().equals("java-depthwise-nhwc");
    return false;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return s[s.length / 2];
  }
}
