package bitlab.integer;

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
      // warm-up: JIT, graph construction, caches
      iq.predict(x);
      Inference.logits(folded, x);
      iq.source().predict(x);
      double[] ti = new double[rounds], tf = new double[rounds], tq = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        iq.predict(x);
        long t1 = System.nanoTime();
        Inference.logits(folded, x);
        long t2 = System.nanoTime();
        iq.source().predict(x);
        long t3 = System.nanoTime();
        ti[r] = (t1 - t0) / 1e6;
        tf[r] = (t2 - t1) / 1e6;
        tq[r] = (t3 - t2) / 1e6;
        bitlab.task.Work.progress(String.format("timing %s batch %d: round %d / %d", iq.name(), b, r + 1, rounds));
      }
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
