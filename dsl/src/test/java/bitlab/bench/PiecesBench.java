package bitlab.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import bitlab.data.Samples;
import bitlab.integer.IntegerModel;
import bitlab.integer.Latency;
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
 * {@code ./bitlab bench integer pieces [MODEL[@SIZE] ...]}: the same W8A8 program compiled twice, once with oneDNN
 * layers cut only for the threads (as before) and once into pieces whose int32 sums fit a core's second-level cache
 * ({@link ConvKernels#pieceInts}), beside ONNX Runtime on the QDQ export; batch 1 and 8, alternating call by call in
 * one process (each program keeps the pieces it was planned with).
 */
final class PiecesBench {
  private PiecesBench() {}

  static void run(String[] args) throws Exception {
    List<String> models =
        args.length > 0 ? List.of(args) : List.of("mobilenet-v2@224", "resnet18@224");
    IntegerBench.printInstructionSet();
    System.out.printf(
        "%-18s %5s %6s %13s %13s %9s %11s %10s%n",
        "model", "batch", "bits", "threads ms", "cache ms", "cache/thr", "ORT qdq ms", "cache/QDQ");
    long saved = ConvKernels.pieceInts();
    try (OrtEnvironment env = OrtEnvironment.getEnvironment()) {
      for (String spec : models) {
        boolean large = spec.contains("@");
        Model net = IntegerBench.model(spec);
        Samples calib = IntegerBench.calibration(net, spec);
        QuantizedModel q = Quantizer.ptq(net, Policy.uniform(net, 8, 8), calib, PtqConfig.DEFAULT);
        IntegerModel byThreads = IntegerModel.of(q), byCache = IntegerModel.of(q);
        Path qdqFile = Files.createTempFile("bitlab-bench-pieces-", ".onnx");
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
          opts.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
          byCache.exportOnnx(qdqFile.toString());
          try (OrtSession qdq = env.createSession(qdqFile.toString(), opts)) {
            for (int batch : new int[] {1, 8}) {
              INDArray x = calib.images().get(NDArrayIndex.interval(0, batch)).dup();
              float[] data = x.castTo(DataType.FLOAT).dup('c').data().asFloat();
              // each program's layers are planned on their first call, with the budget set then
              ConvKernels.pieceInts(Long.MAX_VALUE);
              Latency.warm(byThreads, x);
              ConvKernels.pieceInts(saved);
              Latency.warm(byCache, x);
              double[] ms = Latency.alternate(
                  List.of(
                      () -> byThreads.predict(x),
                      () -> byCache.predict(x),
                      () -> IntegerBench.run(env, qdq, data, x.shape())),
                  large ? 7 : 21,
                  20,
                  r -> {});
              System.out.printf(
                  "%-18s %5d %6s %13.2f %13.2f %8.2fx %11.2f %9.2fx%n",
                  spec, batch, "W8A8", ms[0], ms[1], ms[1] / ms[0], ms[2], ms[1] / ms[2]);
            }
          }
        } finally {
          Files.deleteIfExists(qdqFile);
        }
      }
    } finally {
      ConvKernels.pieceInts(saved);
    }
    System.out.println(
        "cache/thr below 1: pieces sized to the cache are faster. Medians of alternating calls.");
  }
}
