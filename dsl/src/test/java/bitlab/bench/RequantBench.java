package bitlab.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import bitlab.data.Samples;
import bitlab.integer.Deployment;
import bitlab.integer.IntegerModel;
import bitlab.integer.Latency;
import bitlab.integer.kernel.FmaRequant;
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
 * {@code ./bitlab bench integer requant [MODEL[@SIZE] ...]}: the W8A8 program compiled twice, its channels-last
 * requantizations in 64-bit lanes ({@code VectorRequant}) and by one fused multiply-add of doubles ({@code FmaRequant},
 * the default), beside ONNX Runtime on the QDQ export, at batch 1 and 8, alternating call by call in one process.
 */
final class RequantBench {
  private RequantBench() {}

  static void run(String[] args) throws Exception {
    List<String> models = args.length > 0
        ? List.of(args)
        : List.of("mobilenet-v1-mini", "mobilenet-v2-mini", "mobilenet-v2@224");
    IntegerBench.printInstructionSet();
    if (!FmaRequant.AVAILABLE) {
      System.out.println(
          "The fused multiply-add requantization needs AVX-512; nothing to compare here.");
      return;
    }
    System.out.printf(
        "%-18s %5s %6s %10s %10s %9s %11s %9s %9s%n",
        "model",
        "batch",
        "bits",
        "long ms",
        "fma ms",
        "fma/long",
        "ORT qdq ms",
        "long/QDQ",
        "fma/QDQ");
    try (OrtEnvironment env = OrtEnvironment.getEnvironment()) {
      for (String spec : models) {
        boolean large = spec.contains("@");
        Model net = IntegerBench.model(spec);
        Samples calib = IntegerBench.calibration(net, spec);
        QuantizedModel q = Quantizer.ptq(net, Policy.uniform(net, 8, 8), calib, PtqConfig.DEFAULT);
        IntegerModel longLanes, fma;
        try {
          FmaRequant.use(FmaRequant.Lanes.LONG);
          longLanes = Deployment.integer(q);
          FmaRequant.use(FmaRequant.Lanes.FMA);
          fma = Deployment.integer(q);
        } finally {
          FmaRequant.use(FmaRequant.Lanes.FMA);
        }
        Path qdqFile = Files.createTempFile("bitlab-bench-requant-", ".onnx");
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
          opts.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
          fma.exportOnnx(qdqFile.toString());
          try (OrtSession qdq = env.createSession(qdqFile.toString(), opts)) {
            for (int batch : new int[] {1, 8}) {
              INDArray x = calib.images().get(NDArrayIndex.interval(0, batch)).dup();
              float[] data = x.castTo(DataType.FLOAT).dup('c').data().asFloat();
              Latency.warm(longLanes, x);
              Latency.warm(fma, x);
              if (!longLanes.predict(x).equals(fma.predict(x)))
                throw new IllegalStateException(spec + ": the two programs' logits differ");
              double[] ms = Latency.alternate(
                  List.of(
                      () -> longLanes.predict(x),
                      () -> fma.predict(x),
                      () -> IntegerBench.run(env, qdq, data, x.shape())),
                  large ? 7 : 21,
                  20,
                  r -> {});
              System.out.printf(
                  "%-18s %5d %6s %10.2f %10.2f %8.2fx %11.2f %8.2fx %8.2fx%n",
                  spec,
                  batch,
                  "W8A8",
                  ms[0],
                  ms[1],
                  ms[1] / ms[0],
                  ms[2],
                  ms[0] / ms[2],
                  ms[1] / ms[2]);
            }
          }
        } finally {
          Files.deleteIfExists(qdqFile);
        }
      }
    }
    System.out.println(
        "fma/long below 1: the fused multiply-add requantization is faster. Medians of alternating calls.");
  }
}
