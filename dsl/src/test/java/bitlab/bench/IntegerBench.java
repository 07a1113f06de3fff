package bitlab.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.data.Samples;
import bitlab.integer.IntegerModel;
import bitlab.integer.Latency;
import bitlab.integer.kernel.Parallel;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.onnx.OnnxExport;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@code ./bitlab bench integer [MODEL[@SIZE] ...]}: whole-network latency of the integer-only executor at W8A8,
 * W7A8 and W4A4 beside the float engine's (bitlab.nn) FP32 forward pass of the same BatchNorm-folded network and ONNX Runtime on its FP32
 * export, alternating rounds in one process; GMAC/s against this CPU's int8 peak. {@code ./bitlab bench integer agree}:
 * prediction agreement with ONNX Runtime on all test images; {@code ./bitlab bench integer threshold [MACS]}: batch-1
 * latency with and without the minimum work per helper thread.
 */
public final class IntegerBench {
  static final List<String> DEFAULT = List.of("lenet5", "resnet-mini", "mobilenet-v1-mini", "mobilenet-v2-mini", "resnet18@224", "mobilenet-v2@224");

  private IntegerBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("agree")) {
      agreement();
      return;
    }
    if (args.length >= 1 && args[0].equals("threshold")) {
      threshold(args.length > 1 ? Long.parseLong(args[1]) : Parallel.minParallelMacs());
      return;
    }
    List<String> models = args.length > 0 ? List.of(args) : DEFAULT;
    Dataset mnist = Datasets.mnist();
    int cores = Runtime.getRuntime().availableProcessors();
    Int8Peak int8 = Int8Peak.ofThisMachine();
    double peak = int8.gmacs();
    System.out.println("int8 peak: " + int8.formula());
    System.out.printf("%-18s %5s %6s %11s %11s %11s %11s %10s %9s %9s %9s %8s %7s%n", "model", "batch", "bits", "integer ms", "FP32 ms", "ORT fp32 ms",
        "ORT qdq ms", "int/FP32", "int/ORT", "int/QDQ", "GMAC/s", "% peak", "/W8A8");
    List<String> memory = new java.util.ArrayList<>();
    try (OrtEnvironment env = OrtEnvironment.getEnvironment()) {
      for (String spec : models) {
        String[] p = spec.split("@");
        Model net = p.length > 1 ? bitlab.dsl.Bitlab.zoo(p[0], Integer.parseInt(p[1])) : Zoo.load(p[0]);
        Samples calib = p.length > 1 ? random(net, 8) : mnist.train().take(64);
        Path fp32File = Files.createTempFile("bitlab-bench-", ".onnx");
        try {
          OnnxExport.write(net, fp32File);
          try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(cores);
            try (OrtSession ort = env.createSession(fp32File.toString(), opts)) {
              for (int batch : new int[] {1, 8}) {
                INDArray x = p.length > 1 ? calib.images().get(NDArrayIndex.interval(0, batch)).dup()
                    : mnist.test().images().get(NDArrayIndex.interval(0, batch)).dup();
                double w8 = 0;
                long[] bytes = new long[3];
                // W7A8: 7-bit weights need one oneDNN pass where 8-bit ones need two (see DnnlConvKernel)
                for (int[] wa : new int[][] {{8, 8}, {7, 8}, {4, 4}}) {
                  int bits = wa[0];
                  QuantizedModel q = Quantizer.ptq(net, Policy.uniform(net, wa[0], wa[1]), calib, PtqConfig.DEFAULT);
                  IntegerModel iq = q.integer();
                  bytes[0] = 4 * q.folded().parameterCount();
                  if (bits != 7) bytes[bits == 8 ? 1 : 2] = iq.bytes();
                  Path qdqFile = Files.createTempFile("bitlab-bench-qdq-", ".onnx");
                  double[] t;
                  try {
                    iq.exportOnnx(qdqFile.toString());
                    try (OrtSession qdq = env.createSession(qdqFile.toString(), opts)) {
                      t = time(env, ort, qdq, iq, q.folded(), x, p.length > 1 ? 5 : 7);
                    }
                  } finally {
                    Files.deleteIfExists(qdqFile);
                  }
                  if (bits == 8) w8 = t[0];
                  double gmacs = (double) net.macs() * batch / (t[0] / 1e3) / 1e9;
                  System.out.printf("%-18s %5d %6s %11.2f %11.2f %11.2f %11.2f %9.2fx %8.2fx %8.2fx %9.2f %7.1f%% %7s%n", spec, batch, "W" + wa[0] + "A" + wa[1],
                      t[0], t[1], t[2], t[3], t[0] / t[1], t[0] / t[2], t[0] / t[3], gmacs, 100 * gmacs / peak, bits == 8 ? "" : String.format("%.2fx", t[0] / w8));
                }
                if (batch == 1) {
                  memory.add(String.format("%-18s %14d %14d %7.1f%% %14d %7.1f%%", spec, bytes[0], bytes[1], 100.0 * bytes[1] / bytes[0], bytes[2], 100.0 * bytes[2] / bytes[0]));
                }
              }
            }
          }
        } finally {
          Files.deleteIfExists(fp32File);
        }
      }
    }
    System.out.println("\nint/FP32 and int/ORT: integer latency over the reference's (below 1: the integer executor is faster).");
    System.out.printf("%nparameter bytes: FP32 (BatchNorm folded, 4 bytes a value) against the integer program (packed codes, int32 biases)%n");
    System.out.printf("%-18s %14s %14s %8s %14s %8s%n", "model", "FP32", "W8A8", "", "W4A4", "");
    memory.forEach(System.out::println);
  }

  /** Median ms per batch of integer, bitlab.nn FP32, ORT FP32 and ORT QDQ, alternating. */
  static double[] time(OrtEnvironment env, OrtSession ort, OrtSession qdq, IntegerModel iq, Model folded, INDArray x, int rounds) throws Exception {
    float[] data = x.castTo(DataType.FLOAT).dup('c').data().asFloat();
    Runnable runOrt = () -> run(env, ort, data, x.shape());
    Runnable runQdq = () -> run(env, qdq, data, x.shape());
    // Until C2 has compiled them, Vector API kernels run about 100x slower than they will: the integer path is
    // warmed until its kernel choices settle, the others for three calls and one second. The rounds pause
    // 20 ms before each path (spinning ONNX Runtime threads stop; see Latency.alternate).
    Latency.warm(iq, x);
    List<Runnable> others = List.of(() -> Inference.logits(folded, x), runOrt, runQdq);
    for (Runnable path : others) {
      long until = System.nanoTime() + 1_000_000_000L;
      for (int w = 0; w < 3 || System.nanoTime() < until; w++) path.run();
    }
    return Latency.alternate(List.of(() -> iq.predict(x), others.get(0), others.get(1), others.get(2)), rounds, 20, r -> {});
  }

  static float[][] run(OrtEnvironment env, OrtSession s, float[] data, long[] shape) {
    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
        OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), t))) {
      return (float[][]) r.get(0).getValue();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code ./bitlab bench integer threshold [MACS]}: batch-1 latency of the minis at W8A8 with every kernel call
   * split between the cores against calls below MACS multiply-accumulates kept on the caller, alternating in one
   * process (the threshold is global, so it is switched before each call).
   */
  static void threshold(long macs) {
    Dataset mnist = Datasets.mnist();
    long saved = Parallel.minParallelMacs();
    System.out.printf("%-18s %14s %16s %7s%n", "model", "all split ms", "<" + macs + " serial ms", "ratio");
    try {
      for (String name : List.of("lenet5", "resnet-mini", "mobilenet-v1-mini", "mobilenet-v2-mini")) {
        Model net = Zoo.load(name);
        IntegerModel iq = Quantizer.ptq(net, Policy.uniform(net, 8, 8), mnist.train().take(64), PtqConfig.DEFAULT).integer();
        INDArray x = mnist.test().images().get(NDArrayIndex.interval(0, 1)).dup();
        Latency.warm(iq, x);
        double[] ms = Latency.alternate(List.of(() -> {
          Parallel.minParallelMacs(0);
          iq.predict(x);
        }, () -> {
          Parallel.minParallelMacs(macs);
          iq.predict(x);
        }), 301, 0, r -> {});
        System.out.printf("%-18s %14.3f %16.3f %6.2fx%n", name, ms[0], ms[1], ms[1] / ms[0]);
      }
    } finally {
      Parallel.minParallelMacs(saved);
    }
  }

  /** {@code ./bitlab bench integer agree}: prediction agreement of ORT on the QDQ export with the integer executor, all MNIST test images. */
  static void agreement() throws Exception {
    Dataset mnist = Datasets.mnist();
    System.out.printf("%-18s %6s %10s %10s %10s%n", "model", "bits", "agree", "of", "%");
    try (OrtEnvironment env = OrtEnvironment.getEnvironment()) {
      for (String name : List.of("lenet5", "resnet-mini", "mobilenet-v1-mini", "mobilenet-v2-mini")) {
        Model net = Zoo.load(name);
        for (int bits : new int[] {8, 4}) {
          IntegerModel iq = Quantizer.ptq(net, Policy.uniform(net, bits, bits), mnist.train().take(512), PtqConfig.DEFAULT).integer();
          Path file = Files.createTempFile("bitlab-agree-", ".onnx");
          int agree = 0, n = mnist.test().size();
          try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            iq.exportOnnx(file.toString());
            try (OrtSession s = env.createSession(file.toString(), opts)) {
              for (int from = 0; from < n; from += 250) {
                INDArray x = mnist.test().images().get(NDArrayIndex.interval(from, Math.min(n, from + 250))).dup('c');
                INDArray ours = Nd4j.argMax(iq.predict(x), 1);
                float[][] logits = run(env, s, x.data().asFloat(), x.shape());
                for (int i = 0; i < logits.length; i++) {
                  int best = 0;
                  for (int k = 1; k < logits[i].length; k++) if (logits[i][k] > logits[i][best]) best = k;
                  if (best == ours.getInt(i)) agree++;
                }
              }
            }
          } finally {
            Files.deleteIfExists(file);
          }
          System.out.printf("%-18s %6s %10d %10d %9.2f%%%n", name, "W" + bits + "A" + bits, agree, n, 100.0 * agree / n);
        }
      }
    }
  }

  static Samples random(Model net, int n) {
    Nd4j.getRandom().setSeed(1);
    INDArray x = Nd4j.randn(DataType.FLOAT, net.inputShape().withBatch(n));
    return new Samples("random " + net.inputShape(), x, new int[n], net.outputShape().channels());
  }


}
