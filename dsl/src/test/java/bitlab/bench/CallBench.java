package bitlab.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import bitlab.data.Samples;
import bitlab.integer.IntegerModel;
import bitlab.integer.Latency;
import bitlab.integer.kernel.Parallel;
import bitlab.model.Inference;
import bitlab.model.Model;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@code ./bitlab bench integer calls MODEL@SIZE [W/A] [BATCH] [ROUNDS]}: where a whole call's time goes that its steps'
 * timers do not see. One program, one process, six ways of calling it taking turns call by call, ROUNDS calls each:
 * right after another call; after a 20 ms pause; and in the integer bench's alternation with ND4J's FP32 forward
 * pass, ONNX Runtime FP32 and ONNX Runtime QDQ (each way then makes one untimed call and the timed one, as
 * {@code Latency.alternate} does), each with the steps' output arrays new per call and reused ({@code CallBuffers}).
 * Per way: the median whole call, the median of each call's sum of step times, the median sum of each step's median
 * (what the profile's total was), and per call the bytes allocated (all Java threads), garbage collections and their
 * milliseconds, the CPU time of the Java threads (oneDNN runs on them), minor page faults and the executor's hand-offs
 * to helper threads, and how often the executor's measurement of the machine ({@code Parallel.busy}) found it busy,
 * when every layer runs on the calling thread (the last way runs so on purpose).
 */
final class CallBench {
  private CallBench() {}

  static void run(String[] args) throws Exception {
    if (args.length < 1)
      throw new IllegalArgumentException(
          "usage: ./bitlab bench integer calls MODEL@SIZE [W/A] [BATCH] [ROUNDS], e.g. mobilenet-v2@224 8/8 8 15");
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 15;
    Model net = IntegerBench.model(args[0]);
    Samples calib = IntegerBench.random(net, Math.max(8, batch));
    IntegerModel iq = IntegerBench.uniform(net, args.length > 1 ? args[1] : "8/8", calib);
    INDArray x = calib.images().get(NDArrayIndex.interval(0, batch)).dup();
    System.out.printf(
        "%s %s batch %d, %d steps, %d rounds per way; heap %d MB max, GC %s%n",
        args[0],
        iq.source().policy().summary(),
        batch,
        iq.steps().size(),
        rounds,
        Runtime.getRuntime().maxMemory() >> 20,
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .toList());
    Latency.warm(iq, x);
    Model folded = iq.source().folded();
    Path fp32File = Files.createTempFile("bitlab-calls-", ".onnx");
    Path qdqFile = Files.createTempFile("bitlab-calls-qdq-", ".onnx");
    try (OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      bitlab.onnx.OnnxExport.write(net, fp32File);
      iq.exportOnnx(qdqFile.toString());
      opts.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
      try (OrtSession ort = env.createSession(fp32File.toString(), opts);
          OrtSession qdq = env.createSession(qdqFile.toString(), opts)) {
        float[] data = x.dup('c').data().asFloat();
        Runnable fp32 = () -> Inference.logits(folded, x);
        Runnable runOrt = () -> IntegerBench.run(env, ort, data, x.shape());
        Runnable runQdq = () -> IntegerBench.run(env, qdq, data, x.shape());
        for (Runnable r : List.of(fp32, runOrt, runQdq)) for (int i = 0; i < 3; i++) r.run();
        Runnable pause = CallBench::pause;
        Runnable others = () -> {
          for (Runnable r : List.of(fp32, runOrt, runQdq)) {
            pause();
            r.run();
            r.run();
          }
          pause();
        };
        // the ways take turns call by call, so that a change of load falls on all of them
        List<Way> ways = List.of(
            new Way("after a call, new arrays", () -> {}, false, null),
            new Way("after a call, reused arrays", () -> {}, true, null),
            new Way("20 ms pause, new arrays", pause, false, null),
            new Way("20 ms pause, reused arrays", pause, true, null),
            new Way("FP32, ORT, QDQ between, new arrays", others, false, runQdq),
            new Way("FP32, ORT, QDQ between, reused", others, true, runQdq),
            new Way("after a call, reused, one thread", () -> {}, true, null).alone());
        ways.forEach(w -> w.start(iq.steps().size(), rounds));
        for (int r = 0; r < rounds; r++) for (Way w : ways) w.round(iq, x, r);
        IntegerModel.reuseBuffers(true);
        System.out.printf(
            "  %-36s %9s %9s %9s %8s %7s %7s %9s %9s %8s %7s %9s%n",
            "way (then an untimed call, the timed one)",
            "call ms",
            "Σsteps",
            "Σmedians",
            "MB/call",
            "GCs",
            "GC ms",
            "CPU ms",
            "handoffs",
            "faults",
            "busy",
            "QDQ ms");
        ways.forEach(Way::print);
      }
    } finally {
      Files.deleteIfExists(fp32File);
      Files.deleteIfExists(qdqFile);
    }
  }

  private static void pause() {
    LockSupport.parkNanos(20_000_000L);
  }

  /** One way of calling: {@code before} each round, then one untimed call and the timed one, arrays reused or not. */
  private static final class Way {
    final String name;
    final Runnable before;
    final boolean reuse;
    final Runnable qdq;
    /** Whether this way runs with helper threads off, as every call does while {@code Parallel.busy()} says busy. */
    boolean alone;

    long[][] steps;
    double[] call, sum, qdqMs, alloc, cpu, gcs, gcMs, hand, flt, busy;

    Way alone() {
      alone = true;
      return this;
    }

    Way(String name, Runnable before, boolean reuse, Runnable qdq) {
      this.name = name;
      this.before = before;
      this.reuse = reuse;
      this.qdq = qdq;
    }

    void start(int n, int rounds) {
      steps = new long[n][rounds];
      call = new double[rounds];
      sum = new double[rounds];
      qdqMs = new double[rounds];
      alloc = new double[rounds];
      cpu = new double[rounds];
      gcs = new double[rounds];
      gcMs = new double[rounds];
      hand = new double[rounds];
      flt = new double[rounds];
      busy = new double[rounds];
    }

    void round(IntegerModel iq, INDArray x, int r) {
      IntegerModel.reuseBuffers(reuse);
      before.run();
      if (alone) Parallel.helpers(Parallel.Helpers.NEVER);
      if (qdq != null) {
        long q0 = System.nanoTime();
        qdq.run();
        qdqMs[r] = (System.nanoTime() - q0) / 1e6;
        pause();
      }
      iq.predict(x);
      long a0 = allocated(),
          c0 = cpu(),
          g0 = gcCount(),
          t0 = gcMillis(),
          h0 = Parallel.handoffs(),
          f0 = faults();
      long start = System.nanoTime();
      long[] one = iq.stepNanos(x);
      call[r] = (System.nanoTime() - start) / 1e6;
      alloc[r] = (allocated() - a0) / 1048576.0;
      cpu[r] = (cpu() - c0) / 1e6;
      gcs[r] = gcCount() - g0;
      gcMs[r] = gcMillis() - t0;
      hand[r] = Parallel.handoffs() - h0;
      flt[r] = faults() - f0;
      // whether the executor's last measurement of the machine found it busy (every layer then on
      // the calling thread)
      busy[r] = Parallel.busy() ? 1 : 0;
      if (alone) Parallel.helpers(Parallel.Helpers.MEASURE);
      for (int i = 0; i < one.length; i++) {
        steps[i][r] = one[i];
        sum[r] += one[i] / 1e6;
      }
    }

    void print() {
      double medians = 0;
      for (long[] s : steps) {
        long[] v = s.clone();
        Arrays.sort(v);
        medians +=
            (v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0)
                / 1e6;
      }
      System.out.printf(
          "  %-36s %9.2f %9.2f %9.2f %8.1f %7.2f %7.2f %9.2f %9.0f %8.0f %6.0f%% %9s%n",
          name,
          median(call),
          median(sum),
          medians,
          median(alloc),
          mean(gcs),
          mean(gcMs),
          median(cpu),
          median(hand),
          median(flt),
          100 * mean(busy),
          qdq == null ? "" : String.format("%.2f", median(qdqMs)));
      List<String> spread = new ArrayList<>();
      double[] s = call.clone();
      Arrays.sort(s);
      for (double v : s) spread.add(String.format("%.1f", v));
      System.out.println("    calls, sorted: " + spread);
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(0);
  }

  /** Bytes allocated so far by every live Java thread. */
  private static long allocated() {
    com.sun.management.ThreadMXBean t =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long b : t.getThreadAllocatedBytes(t.getAllThreadIds())) if (b > 0) sum += b;
    return sum;
  }

  /** CPU nanoseconds of every live Java thread (the executor's pieces run oneDNN on the Java thread that takes them). */
  private static long cpu() {
    java.lang.management.ThreadMXBean t = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long id : t.getAllThreadIds()) sum += Math.max(0, t.getThreadCpuTime(id));
    return sum;
  }

  /** The process's minor page faults so far (field 10 of /proc/self/stat), 0 where there is no such file. */
  private static long faults() {
    try {
      String s = Files.readString(Path.of("/proc/self/stat"));
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[7]);
    } catch (Exception e) {
      return 0;
    }
  }

  private static long gcCount() {
    long n = 0;
    for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans())
      n += Math.max(0, g.getCollectionCount());
    return n;
  }

  private static long gcMillis() {
    long n = 0;
    for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans())
      n += Math.max(0, g.getCollectionTime());
    return n;
  }
}
