package bitlab.integer;

import bitlab.integer.kernel.ConvKernels;
import bitlab.model.Inference;
import bitlab.model.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Wall-clock latency of one batch through the integer executor, beside the FP32 ND4J forward pass of the
 * same (BatchNorm-folded) network and the fake-quantized simulation, measured in alternating rounds in one
 * process so that a noisy machine affects all three alike. Medians of the rounds.
 */
public record Latency(String model, String policy, List<Row> rows) {

  /** One batch size: milliseconds per batch of each path. */
  public record Row(int batch, double integerMs, double fp32Ms, double fakeQuantMs) {
    public double integerImagesPerSecond() { return 1e3 * batch / integerMs; }

    /** Integer latency over FP32 latency: below 1 the integer path is faster. */
    public double ratioToFp32() { return integerMs / fp32Ms; }
  }

  public static Latency measure(IntegerModel iq, int rounds, int... batches) {
    if (rounds < 1) throw new IntegerException("Measure at least one round, got " + rounds + ".");
    Model folded = iq.source().folded();
    List<Row> rows = new ArrayList<>();
    for (int b : batches) {
      if (b < 1) throw new IntegerException("A batch needs at least one image, got " + b + ".");
      INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, folded.inputShape().withBatch(b));
      // Warm-up: the JIT, ND4J's graph and caches, and the integer kernels' choice between oneDNN and Java,
      // which settles after ConvKernels.CALLS_TO_SETTLE calls and two seconds (at most 30 s of warming).
      long start = System.nanoTime();
      for (int w = 0; w < ConvKernels.CALLS_TO_SETTLE || System.nanoTime() - start < 2_000_000_000L; w++) {
        if (System.nanoTime() - start > 30_000_000_000L) break;
        iq.predict(x);
        bitlab.task.Work.progress(String.format("warming %s batch %d: call %d", iq.name(), b, w + 1));
      }
      Inference.logits(folded, x);
      iq.source().predict(x);
      // Each path is called once untimed before its timed call: OpenMP's workers (ND4J) may still be
      // spinning from the previous path, and on few cores that would be charged to the next one.
      List<Runnable> paths = List.of(() -> iq.predict(x), () -> Inference.logits(folded, x), () -> iq.source().predict(x));
      double[][] t = new double[3][rounds];
      for (int r = 0; r < rounds; r++) {
        for (int p = 0; p < 3; p++) {
          paths.get(p).run();
          long t0 = System.nanoTime();
          paths.get(p).run();
          t[p][r] = (System.nanoTime() - t0) / 1e6;
        }
        bitlab.task.Work.progress(String.format("timing %s batch %d: round %d / %d", iq.name(), b, r + 1, rounds));
      }
      double[] ti = t[0], tf = t[1], tq = t[2];
      rows.add(new Row(b, median(ti), median(tf), median(tq)));
    }
    return new Latency(iq.name(), iq.source().policy().summary(), rows);
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  @Override public String toString() {
    StringBuilder b = new StringBuilder(String.format("Latency of %s %s (median ms per batch)%n", model, policy));
    b.append(String.format("  %6s %12s %12s %14s %10s %12s%n", "batch", "integer", "FP32 ND4J", "fake-quant", "int/FP32", "integer img/s"));
    for (Row r : rows) {
      b.append(String.format("  %6d %12.2f %12.2f %14.2f %9.2fx %12.0f%n", r.batch(), r.integerMs(), r.fp32Ms(), r.fakeQuantMs(), r.ratioToFp32(),
          r.integerImagesPerSecond()));
    }
    return b.toString();
  }
}
