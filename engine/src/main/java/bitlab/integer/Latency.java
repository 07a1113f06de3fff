package bitlab.integer;

import bitlab.integer.kernel.ConvKernels;
import bitlab.model.Inference;
import bitlab.model.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Wall-clock latency of one batch through the integer executor, beside the float engine's (bitlab.nn) FP32 forward pass of the
 * same (BatchNorm-folded) network and the fake-quantized simulation, measured in alternating rounds in one
 * process so that a noisy machine affects all three alike. Medians of the rounds.
 */
public record Latency(String model, String policy, List<Row> rows) {

  /** One batch size: milliseconds per batch of each path. */
  public record Row(int batch, double integerMs, double fp32Ms, double fakeQuantMs) {
    public double integerImagesPerSecond() {
      return 1e3 * batch / integerMs;
    }

    /** Integer latency over FP32 latency: below 1 the integer path is faster. */
    public double ratioToFp32() {
      return integerMs / fp32Ms;
    }
  }

  public static Latency measure(IntegerModel iq, int rounds, int... batches) {
    if (rounds < 1) throw new IntegerException("Measure at least one round, got " + rounds + ".");
    Model folded = iq.source().folded();
    List<Row> rows = new ArrayList<>();
    for (int b : batches) {
      if (b < 1) throw new IntegerException("A batch needs at least one image, got " + b + ".");
      INDArray x = Nd4j.rand(
          org.nd4j.linalg.api.buffer.DataType.FLOAT, folded.inputShape().withBatch(b));
      warm(iq, x);
      Inference.logits(folded, x);
      iq.source().predict(x);
      int batch = b;
      double[] ms = alternate(
          List.of(
              () -> iq.predict(x),
              () -> Inference.logits(folded, x),
              () -> iq.source().predict(x)),
          rounds,
          0,
          r -> bitlab.task.Work.progress(
              String.format("timing %s batch %d: round %d / %d", iq.name(), batch, r + 1, rounds)));
      rows.add(new Row(b, ms[0], ms[1], ms[2]));
    }
    return new Latency(iq.name(), iq.source().policy().summary(), rows);
  }

  /**
   * Runs {@code iq} on {@code x} until it is warm: the kernels' own warm-up is over ({@code JitWarmup}, which gets
   * their Vector API code compiled whatever the rate of calls), the JIT has compiled the rest (at least
   * {@link #JIT_CALLS} calls and two seconds of calls after that warm-up, and {@link #C2_CALLS} calls if they fit
   * in five) and every layer's choice of kernel for this batch size has
   * settled ({@link IntegerModel#settled}; where oneDNN and Java are timed against each other that takes
   * {@link ConvKernels#CALLS_TO_SETTLE} calls and a second). Timing before that would time the trial calls
   * of the slower kernel too. Gives up after two minutes; returns whether the warm-up finished and the choices
   * settled.
   */
  public static boolean warm(IntegerModel iq, INDArray x) {
    long start = System.nanoTime();
    // the kernels' own warm-up (JitWarmup): until C2 has compiled them a small model's calls time
    // the interpreter
    boolean warmed = bitlab.integer.kernel.JitWarmup.await(60_000);
    // The program's two seconds count from here, not from the start: in a new process JitWarmup
    // takes about four seconds, and when its wait used up the two the first program got only
    // JIT_CALLS calls, too few for C1, let alone C2, to compile its steps (ConvStep.run, the
    // epilogues): the first row a bench measured then timed them interpreted, 0.90 ms for lenet5
    // at batch 1 against 0.10 ms warm.
    long calls = System.nanoTime();
    int batch = (int) x.size(0);
    for (int w = 0; keepWarming(w, System.nanoTime() - calls, iq.settled(batch)); w++) {
      if (System.nanoTime() - start > 120_000_000_000L) return false;
      iq.predict(x);
      bitlab.task.Work.progress(
          String.format("warming %s batch %d: call %d", iq.name(), batch, w + 1));
    }
    return warmed;
  }

  /**
   * Whether {@link #warm} calls the program again after {@code calls} calls that took {@code nanos} since
   * {@code JitWarmup} finished: fewer than {@link #JIT_CALLS} calls or two seconds, fewer than {@link #C2_CALLS}
   * calls within five seconds, or a kernel choice not settled.
   */
  static boolean keepWarming(int calls, long nanos, boolean settled) {
    return calls < JIT_CALLS
        || nanos < 2_000_000_000L
        || (calls < C2_CALLS && nanos < 5_000_000_000L)
        || !settled;
  }

  /** Calls that give the JIT time to compile the Java kernels before anything is timed. */
  public static final int JIT_CALLS = 10;

  /**
   * Calls a small program gets within the first five seconds even when two are not enough for them: C2 queues a
   * method after 5,000 calls (HotSpot's Tier4InvocationThreshold) and a step's {@code run} is called once or a few
   * times per program call; on a busy machine two seconds were about 1,000 lenet5 calls, and its steps were
   * still C1 code in the first timed rounds.
   */
  static final int C2_CALLS = 2_000;

  /**
   * Median milliseconds per call of each path over {@code rounds} rounds that alternate the paths, so that a
   * noisy machine affects all alike. Each timed call follows a pause of {@code pauseMillis} and one untimed
   * call: other runtimes' worker threads (ONNX Runtime's, OpenMP's) may still be spinning from the previous
   * path, and on few cores that time would be charged to the next one.
   */
  public static double[] alternate(
      List<Runnable> paths, int rounds, long pauseMillis, IntConsumer afterRound) {
    return alternate(paths, rounds, pauseMillis, afterRound, false);
  }

  /**
   * {@link #alternate(List, int, long, IntConsumer)}, and with {@code rotate} each round starts one path later than the
   * one before (round r runs paths r, r+1, ... modulo their number), so that no path always follows the same one: on a
   * busy machine what one path leaves behind (helper threads scheduled late, a cache another path filled) is charged to
   * whichever path follows it.
   */
  public static double[] alternate(
      List<Runnable> paths, int rounds, long pauseMillis, IntConsumer afterRound, boolean rotate) {
    double[][] t = alternateSamples(paths, rounds, pauseMillis, afterRound, rotate);
    double[] medians = new double[paths.size()];
    for (int p = 0; p < paths.size(); p++) medians[p] = median(t[p]);
    return medians;
  }

  /**
   * {@link #alternate(List, int, long, IntConsumer, boolean)}'s timed calls themselves, in milliseconds: {@code
   * [path][round]}, for a reader who wants their spread as well as their median.
   */
  public static double[][] alternateSamples(
      List<Runnable> paths, int rounds, long pauseMillis, IntConsumer afterRound, boolean rotate) {
    double[][] t = new double[paths.size()][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < paths.size(); k++) {
        int p = rotate ? (r + k) % paths.size() : k;
        if (pauseMillis > 0) LockSupport.parkNanos(pauseMillis * 1_000_000L);
        paths.get(p).run();
        long t0 = System.nanoTime();
        paths.get(p).run();
        t[p][r] = (System.nanoTime() - t0) / 1e6;
      }
      afterRound.accept(r);
    }
    return t;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  @Override
  public String toString() {
    StringBuilder b =
        new StringBuilder(String.format("Latency of %s %s (median ms per batch)%n", model, policy));
    b.append(String.format(
        "  %6s %12s %12s %14s %10s %12s%n",
        "batch", "integer", "FP32", "fake-quant", "int/FP32", "integer img/s"));
    for (Row r : rows) {
      b.append(String.format(
          "  %6d %12.2f %12.2f %14.2f %9.2fx %12.0f%n",
          r.batch(),
          r.integerMs(),
          r.fp32Ms(),
          r.fakeQuantMs(),
          r.ratioToFp32(),
          r.integerImagesPerSecond()));
    }
    return b.toString();
  }
}
