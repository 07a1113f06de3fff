package bitlab.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import bitlab.data.Samples;
import bitlab.integer.Deployment;
import bitlab.integer.IntegerModel;
import bitlab.integer.Latency;
import bitlab.integer.kernel.ConvKernels;
import bitlab.model.Model;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.Quantizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@code ./bitlab bench integer layout [MODEL[@SIZE] ...]}: the integer executor with oneDNN layers handing
 * channels-last codes to each other against the same program with every tensor NCHW (oneDNN's sums transposed in
 * Java, as before), beside ONNX Runtime on the QDQ export; W8A8 and W4A4 at batch 1 and 8, alternating call by call
 * in one process (the layout is a switch of the whole JVM, set before each call).
 */
final class LayoutBench {
  private LayoutBench() {}

  static void run(String[] args) throws Exception {
    List<String> models =
        args.length > 0 ? List.of(args) : List.of("mobilenet-v2-mini", "mobilenet-v2@224");
    IntegerBench.printInstructionSet();
    System.out.printf(
        "%-18s %5s %6s %10s %10s %9s %11s %9s%n",
        "model", "batch", "bits", "NCHW ms", "NHWC ms", "NHWC/NCHW", "ORT qdq ms", "NHWC/QDQ");
    boolean saved = ConvKernels.channelsLast();
    try (OrtEnvironment env = OrtEnvironment.getEnvironment()) {
      for (String spec : models) {
        boolean large = spec.contains("@");
        Model net = IntegerBench.model(spec);
        Samples calib = IntegerBench.calibration(net, spec);
        for (int[] wa : new int[][] {{8, 8}, {4, 4}}) {
          IntegerModel iq = Deployment.integer(
              Quantizer.ptq(net, Policy.uniform(net, wa[0], wa[1]), calib, PtqConfig.DEFAULT));
          Path qdqFile = Files.createTempFile("bitlab-bench-layout-", ".onnx");
          try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
            iq.exportOnnx(qdqFile.toString());
            try (OrtSession qdq = env.createSession(qdqFile.toString(), opts)) {
              for (int batch : new int[] {1, 8}) {
                INDArray x = calib.images().get(NDArrayIndex.interval(0, batch)).dup();
                float[] data = x.castTo(DataType.FLOAT).dup('c').data().asFloat();
                for (boolean nhwc : new boolean[] {false, true}) {
                  ConvKernels.channelsLast(nhwc);
                  Latency.warm(iq, x);
                }
                double[] ms = Latency.alternate(
                    List.of(
                        () -> {
                          ConvKernels.channelsLast(false);
                          iq.predict(x);
                        },
                        () -> {
                          ConvKernels.channelsLast(true);
                          iq.predict(x);
                        },
                        () -> IntegerBench.run(env, qdq, data, x.shape())),
                    large ? 7 : 21,
                    20,
                    r -> {});
                System.out.printf(
                    "%-18s %5d %6s %10.2f %10.2f %8.2fx %11.2f %8.2fx%n",
                    spec,
                    batch,
                    "W" + wa[0] + "A" + wa[1],
                    ms[0],
                    ms[1],
                    ms[1] / ms[0],
                    ms[2],
                    ms[1] / ms[2]);
              }
            }
          } finally {
            Files.deleteIfExists(qdqFile);
          }
        }
      }
    } finally {
      ConvKernels.channelsLast(saved);
    }
    System.out.println(
        "NHWC/NCHW below 1: handing channels-last codes between oneDNN layers is faster. Medians of alternating calls.");
  }
}
