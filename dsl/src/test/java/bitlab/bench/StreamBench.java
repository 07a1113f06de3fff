package bitlab.bench;

import bitlab.cpu.CpuFeatures;
import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.integer.Deployment;
import bitlab.integer.IntegerModel;
import bitlab.integer.Latency;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.BatchNormFolding;
import bitlab.quant.Observations;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The residual stream at 8 and at 16 bits side by side ({@link PtqConfig#streamBits}): integer-only accuracy on the
 * 2,000 test images with min-max PTQ (asymmetric activations, 512 calibration images) and the integer program's time
 * per batch of 64, the two programs timed in alternating rounds in this one process (the kernels are the same; the
 * 16-bit stream's steps read and write 16-bit words, and its layers read a narrower view of it).
 */
final class StreamBench {
  private static final List<String> MINIS =
      List.of("resnet-mini", "mobilenet-v1-mini", "mobilenet-v2-mini");
  private static final int ROUNDS = 7;

  private StreamBench() {}

  /** {@code args}: model names (default: the three minis with a residual stream or a global pool). */
  static void main(String[] args) {
    List<String> models = args.length > 0 ? Arrays.asList(args) : MINIS;
    Dataset mnist = Datasets.mnist();
    System.out.println("bitlab stream bench: " + Runtime.getRuntime().availableProcessors()
        + " cores, " + "instruction set: " + CpuFeatures.current());
    System.out.println(
        "| model | bits | accuracy, 8-bit stream | accuracy, 16-bit stream | ms per 64, 8-bit | "
            + "ms per 64, 16-bit | 16 over 8 |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (String name : models) {
      Model m = Zoo.load(name);
      Model folded = BatchNormFolding.fold(m);
      PtqConfig config = PtqConfig.DEFAULT.withAsymmetricActivations(true);
      Observations observed = Observations.of(m, mnist.train().take(512), config.bins());
      for (int[] wa : new int[][] {{4, 4}, {8, 4}}) {
        Policy policy = Policy.uniform(folded, wa[0], wa[1]);
        QuantizedModel q8 = Quantizer.ptq(observed, policy, config.withStreamBits(8));
        QuantizedModel q16 = Quantizer.ptq(observed, policy, config.withStreamBits(16));
        IntegerModel i8 = Deployment.integer(q8), i16 = Deployment.integer(q16);
        double a8 = i8.evaluate(mnist).accuracy(), a16 = i16.evaluate(mnist).accuracy();
        INDArray x = mnist.test().take(64).images();
        Latency.warm(i8, x);
        Latency.warm(i16, x);
        double[] ms = Latency.alternate(
            List.of(() -> i8.predict(x), () -> i16.predict(x)), ROUNDS, 0, r -> {});
        System.out.printf(
            "| %s | %s | %.2f | %.2f | %.2f | %.2f | %.2fx |%n",
            name, policy.summary(), 100 * a8, 100 * a16, ms[0], ms[1], ms[1] / ms[0]);
      }
    }
  }
}
