package bitlab.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import bitlab.data.Samples;
import bitlab.integer.Deployment;
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
            programs[i] = Deployment.integer(q);
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
}
