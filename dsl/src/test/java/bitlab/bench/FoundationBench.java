package bitlab.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.onnx.OnnxExport;
import bitlab.train.TrainConfig;
import bitlab.train.TrainResult;
import bitlab.train.Trainer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Issue 2's figures: seconds per MNIST training epoch of each mini model, and FP32 inference
 * throughput of bitlab (ND4J/SameDiff) against ONNX Runtime Java on the very same exported ONNX
 * file, batch 1 and 64, measured alternately in one process.
 */
final class FoundationBench {
  private static final List<String> MINIS = List.of("lenet5", "resnet-mini", "mobilenet-v1-mini", "mobilenet-v2-mini");

  private FoundationBench() {}

  /** {@code args}: nothing or {@code all}, {@code train} (epoch times only) or {@code inference} (FP32 throughput only). */
  static void run(String[] args) {
    String part = args.length == 0 ? "all" : args[0];
    if (!List.of("all", "train", "inference").contains(part)) {
      throw new IllegalArgumentException("The foundation bench runs all, train or inference, not '" + part + "'.");
    }
    Dataset mnist = Datasets.mnist();
    System.out.printf("bitlab foundation bench: %d cores, JDK %s%n%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    if (!part.equals("inference")) trainingEpochs(mnist);
    if (!part.equals("train")) inference(mnist);
  }

  private static void trainingEpochs(Dataset mnist) {
    System.out.println("Training: one epoch of the 8,000 MNIST training images, batch 64, Adam (second epoch timed; the first includes graph set-up)");
    System.out.printf("%-18s %12s %12s%n", "model", "epoch 1 (s)", "epoch 2 (s)");
    for (String name : MINIS) {
      TrainResult r = Trainer.train(Zoo.architecture(name, 28, 1.0, 1), mnist, TrainConfig.adam(2, 1));
      System.out.printf("%-18s %12.1f %12.1f%n", name, r.history().get(0).seconds(), r.history().get(1).seconds());
    }
    System.out.println();
  }

  private static void inference(Dataset mnist) {
    System.out.println("FP32 inference, images/s (median of 7 alternating rounds), same ONNX file");
    System.out.printf("%-18s %6s %14s %14s %10s%n", "model", "batch", "bitlab", "onnxruntime", "ratio");
    try (OrtEnvironment env = OrtEnvironment.getEnvironment()) {
      for (String name : MINIS) {
        Model m = Zoo.load(name);
        Path file = Files.createTempFile(name, ".onnx");
        try {
          OnnxExport.write(m, file);
          try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
            try (OrtSession s = env.createSession(file.toString(), opts)) {
              for (int batch : new int[] {1, 64}) {
                INDArray x = mnist.test().images().get(NDArrayIndex.interval(0, batch)).dup();
                double[] r = throughput(env, s, m, x);
                System.out.printf("%-18s %6d %14.0f %14.0f %9.2fx%n", name, batch, r[0], r[1], r[0] / r[1]);
              }
            }
          }
        } finally {
          Files.deleteIfExists(file);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("the ONNX Runtime side of the bench failed: " + e.getMessage(), e);
    }
    System.out.println("\nratio = bitlab / onnxruntime throughput (above 1: bitlab faster)");
  }

  /** Images per second for bitlab and ORT, alternating rounds so both see the same machine state. */
  private static double[] throughput(OrtEnvironment env, OrtSession s, Model m, INDArray x) throws OrtException {
    int batch = (int) x.size(0);
    int reps = Math.max(5, 400 / batch);
    float[] data = x.data().asFloat();
    long[] shape = x.shape();
    String input = s.getInputNames().iterator().next();
    double[] bit = new double[7];
    double[] ort = new double[7];
    for (int warm = 0; warm < 3; warm++) {
      Inference.logits(m, x);
      try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape); OrtSession.Result r = s.run(Map.of(input, t))) {
        r.get(0);
      }
    }
    for (int round = 0; round < 7; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < reps; i++) Inference.logits(m, x);
      long t1 = System.nanoTime();
      for (int i = 0; i < reps; i++) {
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape); OrtSession.Result r = s.run(Map.of(input, t))) {
          r.get(0);
        }
      }
      long t2 = System.nanoTime();
      bit[round] = (double) batch * reps / ((t1 - t0) / 1e9);
      ort[round] = (double) batch * reps / ((t2 - t1) / 1e9);
    }
    java.util.Arrays.sort(bit);
    java.util.Arrays.sort(ort);
    return new double[] {bit[3], ort[3]};
  }
}
