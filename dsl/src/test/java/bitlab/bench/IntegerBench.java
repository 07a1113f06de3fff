package bitlab.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import bitlab.cpu.CpuFeatures;
import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.data.Samples;
import bitlab.integer.Deployment;
import bitlab.integer.IntegerModel;
import bitlab.integer.Latency;
import bitlab.integer.kernel.ConvKernels;
import bitlab.integer.kernel.Int8Peak;
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
 * prediction agreement with ONNX Runtime on all test images; {@code ./bitlab bench integer helpers [BATCH]}: helper threads
 * always against never; {@code ./bitlab bench integer threshold [MACS]}: batch-1
 * latency with and without the minimum work per helper thread; {@code ./bitlab bench integer profile MODEL[@SIZE] [W/A]
 * [BATCH]}: the per-layer profile beside ONNX Runtime's per-node times ({@link ProfileBench}); {@code ./bitlab bench
 * integer layout [MODEL[@SIZE] ...]}: oneDNN layers handing channels-last codes to each other against NCHW
 * ({@link LayoutBench}); {@code ./bitlab bench integer pieces [MODEL[@SIZE] ...]}: oneDNN layers cut into pieces
 * whose sums fit the cache against pieces only for the threads ({@link PiecesBench}); {@code ./bitlab bench integer
 * depthwise [MODEL[@SIZE] ...]}: depthwise 3x3 layers on oneDNN, on Java's channels-last kernel and timed per layer
 * ({@link DepthwiseBench}); {@code ./bitlab bench integer choices MODEL@SIZE [BATCH] [W/A,...]}: the kernel each
 * layer runs in programs of several widths built in one process, and their whole calls ({@link ChoicesBench}).
 */
public final class IntegerBench {
  static final List<String> MINIS =
      List.of("lenet5", "resnet-mini", "mobilenet-v1-mini", "mobilenet-v2-mini");

  static final List<String> DEFAULT = List.of(
      "lenet5",
      "resnet-mini",
      "mobilenet-v1-mini",
      "mobilenet-v2-mini",
      "resnet18@224",
      "mobilenet-v2@224");

  private IntegerBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("agree")) {
      agreement();
      return;
    }
    if (args.length >= 1 && args[0].equals("profile")) {
      ProfileBench.run(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length >= 1 && args[0].equals("calls")) {
      CallBench.run(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length >= 1 && args[0].equals("helpers")) {
      boolean rotate = List.of(args).contains("rotate");
      String[] a =
          java.util.Arrays.stream(args).filter(x -> !x.equals("rotate")).toArray(String[]::new);
      helpers(
          a.length > 1 ? Integer.parseInt(a[1]) : 8,
          a.length > 2 ? a[2] : "always,never,measure",
          a.length > 3 ? List.of(a[3].split(",")) : MINIS,
          rotate);
      return;
    }
    if (args.length >= 1 && args[0].equals("choices")) {
      ChoicesBench.run(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length >= 1 && args[0].equals("layout")) {
      LayoutBench.run(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length >= 1 && args[0].equals("pieces")) {
      PiecesBench.run(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length >= 1 && args[0].equals("depthwise")) {
      DepthwiseBench.run(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length >= 1 && args[0].equals("requant")) {
      RequantBench.run(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length >= 1 && args[0].equals("epilogue")) {
      EpilogueBench.run();
      return;
    }
    if (args.length >= 1 && args[0].equals("input")) {
      input();
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
    boolean amx = !Double.isNaN(int8.amxGmacs());
    System.out.println("instruction set: " + CpuFeatures.current() + "; oneDNN runs "
        + (ConvKernels.dnnlIsa().isEmpty()
            ? "nowhere: " + ConvKernels.dnnlUnavailableReason()
            : ConvKernels.dnnlIsa()));
    System.out.println("int8 peak: " + int8.formula());
    System.out.println("ORT qdq: the file iq.exportOnnx and ./bitlab quantize --onnx write ("
        + bitlab.onnx.QdqOptions.DEFAULT.describe() + ")");
    System.out.printf(
        "%-18s %5s %6s %11s %11s %11s %11s %10s %9s %9s %8s %8s %9s %8s%s %7s%n",
        "model",
        "batch",
        "bits",
        "integer ms",
        "FP32 ms",
        "ORT fp32 ms",
        "ORT qdq ms",
        "int/FP32",
        "int/ORT",
        "int/QDQ",
        "int IQR",
        "QDQ IQR",
        "GMAC/s",
        "% peak",
        amx ? String.format(" %7s", "% AMX") : "",
        "/W8A8");
    List<String> memory = new java.util.ArrayList<>();
    List<String> flags = new java.util.ArrayList<>();
    try (OrtEnvironment env = OrtEnvironment.getEnvironment()) {
      for (String spec : models) {
        String[] p = spec.split("@");
        Model net =
            p.length > 1 ? bitlab.dsl.Bitlab.zoo(p[0], Integer.parseInt(p[1])) : Zoo.load(p[0]);
        Samples calib = p.length > 1 ? random(net, 8) : mnist.train().take(64);
        Path fp32File = Files.createTempFile("bitlab-bench-", ".onnx");
        try {
          OnnxExport.write(net, fp32File);
          try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(cores);
            try (OrtSession ort = env.createSession(fp32File.toString(), opts)) {
              for (int batch : new int[] {1, 8}) {
                INDArray x = p.length > 1
                    ? calib.images().get(NDArrayIndex.interval(0, batch)).dup()
                    : mnist.test().images().get(NDArrayIndex.interval(0, batch)).dup();
                long[] bytes = new long[3];
                List<Row> rows = new java.util.ArrayList<>();
                // W7A8: on a CPU without VNNI 7-bit weights need one oneDNN pass where 8-bit ones
                // need two (see DnnlConvKernel)
                for (int[] wa : new int[][] {{8, 8}, {7, 8}, {4, 4}}) {
                  int bits = wa[0];
                  QuantizedModel q = Quantizer.ptq(
                      net, Policy.uniform(net, wa[0], wa[1]), calib, PtqConfig.DEFAULT);
                  IntegerModel iq = Deployment.integer(q);
                  bytes[0] = 4 * q.folded().parameterCount();
                  if (bits != 7) bytes[bits == 8 ? 1 : 2] = iq.bytes();
                  Path qdqFile = Files.createTempFile("bitlab-bench-qdq-", ".onnx");
                  try {
                    iq.exportOnnx(qdqFile.toString());
                    try (OrtSession qdq = env.createSession(qdqFile.toString(), opts)) {
                      boolean settled = Latency.warm(iq, x);
                      double[][] samples =
                          time(env, ort, qdq, iq, q.folded(), x, p.length > 1 ? ROUNDS_224 : 15);
                      rows.add(new Row(
                          "W" + wa[0] + "A" + wa[1], medians(samples), settled, spreads(samples)));
                    }
                  } finally {
                    Files.deleteIfExists(qdqFile);
                  }
                }
                List<String> why = flags(rows);
                for (Row r : rows) {
                  double[] t = r.ms();
                  double gmacs = (double) net.macs() * batch / (t[0] / 1e3) / 1e9;
                  String flag = why.get(rows.indexOf(r));
                  if (!flag.isEmpty())
                    flags.add(String.format("%s batch %d %s: %s", spec, batch, r.bits(), flag));
                  System.out.printf(
                      "%-18s %5d %6s %11.2f %11.2f %11.2f %11.2f %9.2fx %8.2fx %8.2fx %7.1f%% %7.1f%% %9.2f %7.1f%%%s %7s%s%n",
                      spec,
                      batch,
                      r.bits(),
                      t[0],
                      t[1],
                      t[2],
                      t[3],
                      t[0] / t[1],
                      t[0] / t[2],
                      t[0] / t[3],
                      r.spread()[0],
                      r.spread()[3],
                      gmacs,
                      100 * gmacs / int8.gmacs(),
                      amx ? String.format(" %6.1f%%", 100 * gmacs / int8.amxGmacs()) : "",
                      r == rows.get(0)
                          ? ""
                          : String.format("%.2fx", t[0] / rows.get(0).ms()[0]),
                      flag.isEmpty() ? "" : "  << FLAG");
                }
                if (batch == 1) {
                  memory.add(String.format(
                      "%-18s %14d %14d %7.1f%% %14d %7.1f%%",
                      spec,
                      bytes[0],
                      bytes[1],
                      100.0 * bytes[1] / bytes[0],
                      bytes[2],
                      100.0 * bytes[2] / bytes[0]));
                }
              }
            }
          }
        } finally {
          Files.deleteIfExists(fp32File);
        }
      }
    }
    System.out.println(
        "\nint/FP32 and int/ORT: integer latency over the reference's (below 1: the integer executor is faster).");
    System.out.println(
        "int IQR, QDQ IQR: the interquartile range of the integer program's and ORT QDQ's timed rounds"
            + " (" + ROUNDS_224
            + " at 224 pixels, 15 for the minis) as a percentage of their median; a ratio between two"
            + " rows is not known to better than about their spreads.");
    System.out.println(
        flags.isEmpty()
            ? "No row flagged: every integer row is within " + FLAG_RATIO
                + "x of its model's fastest width at that batch."
            : "FLAGGED rows (more than " + FLAG_RATIO
                + "x the time of its model's fastest width at the same batch, or timed before its kernels settled;"
                + " on a busy machine a flag may be noise: run again idle):");
    flags.forEach(f -> System.out.println("  " + f));
    System.out.printf(
        "%nparameter bytes: FP32 (BatchNorm folded, 4 bytes a value) against the integer program (packed codes, int32 biases)%n");
    System.out.printf("%-18s %14s %14s %8s %14s %8s%n", "model", "FP32", "W8A8", "", "W4A4", "");
    memory.forEach(System.out::println);
  }

  /**
   * One width's median times (integer, FP32, ORT FP32, ORT QDQ), whether its kernels had settled, and each path's
   * spread: the interquartile range of its timed rounds as a percentage of their median ({@link #spread}).
   */
  record Row(String bits, double[] ms, boolean settled, double[] spread) {
    /** A row whose spread was not measured. */
    Row(String bits, double[] ms, boolean settled) {
      this(bits, ms, settled, nans(ms.length));
    }
  }

  private static double[] nans(int n) {
    double[] v = new double[n];
    java.util.Arrays.fill(v, Double.NaN);
    return v;
  }

  /** Timed rounds of the models at 224 pixels (each round is a call of each path; the minis get 15). */
  static final int ROUNDS_224 = 7;

  /**
   * The interquartile range of {@code samples} as a percentage of their median: the middle half of a row's rounds
   * lies within this share of the median, so a ratio of two rows whose spreads are 10% each is not known to better
   * than about that. Quartiles by linear interpolation between order statistics (with 7 rounds: the 2.5th and 5.5th
   * of the sorted times).
   */
  static double spread(double[] samples) {
    double[] s = samples.clone();
    java.util.Arrays.sort(s);
    return 100 * (quantile(s, 0.75) - quantile(s, 0.25)) / quantile(s, 0.5);
  }

  /** The {@code q} quantile of sorted {@code s}, interpolating linearly between order statistics. */
  static double quantile(double[] s, double q) {
    double at = q * (s.length - 1);
    int lo = (int) Math.floor(at), hi = (int) Math.ceil(at);
    return s[lo] + (at - lo) * (s[hi] - s[lo]);
  }

  static double[] medians(double[][] samples) {
    double[] m = new double[samples.length];
    for (int k = 0; k < m.length; k++) {
      double[] s = samples[k].clone();
      java.util.Arrays.sort(s);
      m[k] = quantile(s, 0.5);
    }
    return m;
  }

  static double[] spreads(double[][] samples) {
    double[] v = new double[samples.length];
    for (int k = 0; k < v.length; k++) v[k] = spread(samples[k]);
    return v;
  }

  /**
   * A row far below its neighbours: the widths of one model at one batch run the same layers, so one of
   * them taking more than this many times the fastest's time means a pathological path (the W8A8 rows once
   * took 37 times W7A8's time on a CPU with AMX) or a timing artefact (the first row of a process once timed
   * its steps interpreted: 0.90 ms against 0.10 ms). There is no floor in milliseconds: every timed sample
   * repeats its program for {@link #SAMPLE_MS}, so a sub-millisecond row is a median of samples, not of
   * single calls one scheduler hiccup doubles, and the slow first rows were all under a millisecond.
   */
  static final double FLAG_RATIO = 2.5;

  /** Why each row (integer time {@code ms()[0]}) of one model at one batch is suspicious, or empty. */
  static List<String> flags(List<Row> rows) {
    // a model with no rows timed has no fastest and nothing to flag
    double fastest = rows.stream().mapToDouble(r -> r.ms()[0]).min().orElse(Double.NaN);
    return rows.stream().map(r -> flag(r, fastest)).toList();
  }

  /** Why a row is suspicious, or empty. */
  private static String flag(Row r, double fastestMs) {
    List<String> why = new java.util.ArrayList<>();
    double[] t = r.ms();
    if (t[0] > FLAG_RATIO * fastestMs)
      why.add(String.format(
          "%.1fx the time of the fastest width (%.2f ms against %.2f ms)",
          t[0] / fastestMs, t[0], fastestMs));
    if (!r.settled())
      why.add(
          "timed before every layer's kernel had settled (two minutes of warm-up were not enough)");
    return String.join("; ", why);
  }

  /** Ms per batch of integer, FP32, ORT FP32 and ORT QDQ, alternating: {@code [path][round]}. */
  static double[][] time(
      OrtEnvironment env,
      OrtSession ort,
      OrtSession qdq,
      IntegerModel iq,
      Model folded,
      INDArray x,
      int rounds)
      throws Exception {
    float[] data = x.castTo(DataType.FLOAT).dup('c').data().asFloat();
    Runnable runOrt = () -> run(env, ort, data, x.shape());
    Runnable runQdq = () -> run(env, qdq, data, x.shape());
    // Until C2 has compiled them, Vector API kernels run about 100x slower than they will: the
    // integer path is warmed (by the caller) until its kernel choices settle, the others here for
    // three calls and one second, then all four in turn for another second (what the others load or
    // compile first must not land in the integer program's timed rounds). The rounds pause 20 ms
    // before each path (spinning ONNX Runtime threads stop; see Latency.alternate).
    List<Runnable> others = List.of(() -> Inference.logits(folded, x), runOrt, runQdq);
    for (Runnable path : others) {
      long until = System.nanoTime() + 1_000_000_000L;
      for (int w = 0; w < 3 || System.nanoTime() < until; w++) path.run();
    }
    List<Runnable> paths =
        List.of(() -> iq.predict(x), others.get(0), others.get(1), others.get(2));
    long until = System.nanoTime() + 1_000_000_000L;
    while (System.nanoTime() < until) paths.forEach(Runnable::run);
    // A timed sample calls its path often enough to take about SAMPLE_MS: a lenet5 call takes 0.1
    // ms,
    // within the timer's and the scheduler's noise on a shared machine.
    int[] reps = new int[paths.size()];
    List<Runnable> samples = new java.util.ArrayList<>();
    for (int k = 0; k < paths.size(); k++) {
      reps[k] = repetitions(paths.get(k));
      Runnable path = paths.get(k);
      int n = reps[k];
      samples.add(() -> {
        for (int i = 0; i < n; i++) path.run();
      });
    }
    double[][] ms = Latency.alternateSamples(samples, rounds, 20, r -> {}, false);
    for (int k = 0; k < ms.length; k++) for (int r = 0; r < rounds; r++) ms[k][r] /= reps[k];
    return ms;
  }

  /** Milliseconds a timed sample should take at least: its path is repeated that long. */
  static final double SAMPLE_MS = 2.0;

  /** Calls of {@code path} that take about {@link #SAMPLE_MS}: from the fastest of five calls, at most 1,000. */
  static int repetitions(Runnable path) {
    double fastest = Double.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      path.run();
      fastest = Math.min(fastest, (System.nanoTime() - t0) / 1e6);
    }
    return (int) Math.max(1, Math.min(1000, Math.ceil(SAMPLE_MS / fastest)));
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
    System.out.printf(
        "%-18s %14s %16s %7s%n", "model", "all split ms", "<" + macs + " serial ms", "ratio");
    try {
      for (String name :
          List.of("lenet5", "resnet-mini", "mobilenet-v1-mini", "mobilenet-v2-mini")) {
        Model net = Zoo.load(name);
        IntegerModel iq = Deployment.integer(Quantizer.ptq(
            net, Policy.uniform(net, 8, 8), mnist.train().take(64), PtqConfig.DEFAULT));
        INDArray x = mnist.test().images().get(NDArrayIndex.interval(0, 1)).dup();
        Latency.warm(iq, x);
        double[] ms = Latency.alternate(
            List.of(
                () -> {
                  Parallel.minParallelMacs(0);
                  iq.predict(x);
                },
                () -> {
                  Parallel.minParallelMacs(macs);
                  iq.predict(x);
                }),
            301,
            0,
            r -> {});
        System.out.printf("%-18s %14.3f %16.3f %6.2fx%n", name, ms[0], ms[1], ms[1] / ms[0]);
      }
    } finally {
      Parallel.minParallelMacs(saved);
    }
  }

  /**
   * {@code ./bitlab bench integer helpers [BATCH] [ORDER] [MODELS] [rotate]}: the minis at W8A8 with helper threads
   * always asked, never, and as the executor chooses by default ({@link Parallel#busy} measured, and on a busy machine
   * each oneDNN layer timing its pieces against one piece), in the order given (default {@code always,never,measure}),
   * beside the float engine, alternating in one process; with {@code rotate} each round starts one mode later (on a
   * busy machine the slow column moved with a fixed order: issue 23's "chosen at 2.7x" row).
   */
  static void helpers(int batch, String order, List<String> models, boolean rotate) {
    List<Parallel.Helpers> ways = new java.util.ArrayList<>();
    for (String w : order.split(","))
      ways.add(Parallel.Helpers.valueOf(w.trim().toUpperCase(java.util.Locale.ROOT)));
    Dataset mnist = Datasets.mnist();
    System.out.println("instruction set: " + CpuFeatures.current() + "; oneDNN runs "
        + (ConvKernels.dnnlIsa().isEmpty() ? "nowhere" : ConvKernels.dnnlIsa()));
    System.out.printf("busy now: %s%n%-18s", Parallel.busy(), "model");
    for (Parallel.Helpers h : ways) System.out.printf(" %12s", h.name().toLowerCase() + " ms");
    System.out.printf(" %10s  (each / the first)%n", "FP32 ms");
    try {
      for (String name : models) {
        Model net = Zoo.load(name);
        QuantizedModel q = Quantizer.ptq(
            net, Policy.uniform(net, 8, 8), mnist.train().take(64), PtqConfig.DEFAULT);
        IntegerModel iq = Deployment.integer(q);
        INDArray x = mnist.test().images().get(NDArrayIndex.interval(0, batch)).dup();
        for (Parallel.Helpers h : ways) {
          Parallel.helpers(h);
          Latency.warm(iq, x);
        }
        List<Runnable> paths = new java.util.ArrayList<>();
        for (Parallel.Helpers h : ways)
          paths.add(() -> {
            Parallel.helpers(h);
            iq.predict(x);
          });
        paths.add(() -> Inference.logits(q.folded(), x));
        double[] ms = Latency.alternate(paths, 41, 5, r -> {}, rotate);
        System.out.printf("%-18s", name);
        for (int i = 0; i < ms.length; i++) System.out.printf(" %12.3f", ms[i]);
        for (int i = 1; i < ways.size(); i++) System.out.printf(" %6.2fx", ms[i] / ms[0]);
        System.out.println();
      }
    } finally {
      Parallel.helpers(Parallel.Helpers.MEASURE);
    }
  }

  /**
   * {@code ./bitlab bench integer input}: mobilenet-v2 @224's input at batch 1 and 8 read out of ND4J by
   * {@code asFloat()} (element by element, what the input quantization did) against one bulk copy of its native
   * buffer (what it does now), beside the whole input quantization step and the bulk read followed by
   * {@code QuantParams.quantize} value by value on one thread (the definition), alternating in one process.
   */
  static void input() {
    Model net = bitlab.dsl.Bitlab.zoo("mobilenet-v2", 224);
    Samples calib = random(net, 8);
    IntegerModel iq =
        Deployment.integer(Quantizer.ptq(net, Policy.uniform(net, 8, 8), calib, PtqConfig.DEFAULT));
    var quantize = (bitlab.integer.QuantizeInputStep) iq.steps().get(0);
    System.out.printf(
        "%-6s %9s %14s %12s %14s %16s%n",
        "batch", "values", "asFloat() ms", "bulk ms", "quantize ms", "one by one ms");
    bitlab.quant.QuantParams params = quantize.params();
    for (int batch : new int[] {1, 8}) {
      INDArray x = calib.images().get(NDArrayIndex.interval(0, batch)).dup();
      float[][] sink = new float[1][];
      Runnable asFloat = () -> sink[0] = x.data().asFloat();
      Runnable bulk = () -> {
        float[] v = new float[(int) x.length()];
        x.data().asNio().order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer().get(v);
        sink[0] = v;
      };
      Runnable step = () -> quantize.quantize(x);
      // the definition, value by value on one thread, from the bulk read
      byte[] codes = new byte[(int) x.length()];
      Runnable oneByOne = () -> {
        bulk.run();
        float[] v = sink[0];
        for (int i = 0; i < v.length; i++) codes[i] = (byte) params.quantize(v[i], 0);
      };
      for (int w = 0; w < 200; w++) {
        asFloat.run();
        bulk.run();
        step.run();
        oneByOne.run();
      }
      double[] ms = Latency.alternate(List.of(asFloat, bulk, step, oneByOne), 51, 0, r -> {});
      System.out.printf(
          "%-6d %9d %14.3f %12.3f %14.3f %16.3f%n", batch, x.length(), ms[0], ms[1], ms[2], ms[3]);
    }
  }

  /** {@code ./bitlab bench integer agree}: prediction agreement of ORT on the QDQ export with the integer executor, all MNIST test images. */
  static void agreement() throws Exception {
    Dataset mnist = Datasets.mnist();
    System.out.printf("%-18s %6s %10s %10s %10s%n", "model", "bits", "agree", "of", "%");
    try (OrtEnvironment env = OrtEnvironment.getEnvironment()) {
      for (String name :
          List.of("lenet5", "resnet-mini", "mobilenet-v1-mini", "mobilenet-v2-mini")) {
        Model net = Zoo.load(name);
        for (int bits : new int[] {8, 4}) {
          IntegerModel iq = Deployment.integer(Quantizer.ptq(
              net, Policy.uniform(net, bits, bits), mnist.train().take(512), PtqConfig.DEFAULT));
          Path file = Files.createTempFile("bitlab-agree-", ".onnx");
          int agree = 0, n = mnist.test().size();
          try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            iq.exportOnnx(file.toString());
            try (OrtSession s = env.createSession(file.toString(), opts)) {
              for (int from = 0; from < n; from += 250) {
                INDArray x = mnist
                    .test()
                    .images()
                    .get(NDArrayIndex.interval(from, Math.min(n, from + 250)))
                    .dup('c');
                INDArray ours = Nd4j.argMax(iq.predict(x), 1);
                float[][] logits = run(env, s, x.data().asFloat(), x.shape());
                for (int i = 0; i < logits.length; i++) {
                  int best = 0;
                  for (int k = 1; k < logits[i].length; k++)
                    if (logits[i][k] > logits[i][best]) best = k;
                  if (best == ours.getInt(i)) agree++;
                }
              }
            }
          } finally {
            Files.deleteIfExists(file);
          }
          System.out.printf(
              "%-18s %6s %10d %10d %9.2f%%%n",
              name, "W" + bits + "A" + bits, agree, n, 100.0 * agree / n);
        }
      }
    }
  }

  /** The line every integer bench starts with: the instruction set found and what oneDNN runs. */
  static void printInstructionSet() {
    System.out.println("instruction set: " + CpuFeatures.current() + "; oneDNN runs "
        + (ConvKernels.dnnlIsa().isEmpty() ? "nowhere" : ConvKernels.dnnlIsa()));
  }

  /** A zoo model named {@code MODEL} or {@code MODEL@SIZE} (an ImageNet-shaped one at that input size). */
  static Model model(String spec) {
    String[] p = spec.split("@");
    return p.length > 1 ? bitlab.dsl.Bitlab.zoo(p[0], Integer.parseInt(p[1])) : Zoo.load(p[0]);
  }

  /** {@code net} quantized uniformly at {@code wa} ("8/8": weights / activations), calibrated on {@code calib}, as an integer program. */
  static IntegerModel uniform(Model net, String wa, Samples calib) {
    String[] b = wa.split("/");
    return Deployment.integer(Quantizer.ptq(
        net,
        Policy.uniform(net, Integer.parseInt(b[0]), Integer.parseInt(b[1])),
        calib,
        PtqConfig.DEFAULT));
  }

  /** Calibration images for {@link #model}: 8 seeded random ones at a given size, else 64 MNIST training images. */
  static Samples calibration(Model net, String spec) {
    return spec.contains("@") ? random(net, 8) : Datasets.mnist().train().take(64);
  }

  static Samples random(Model net, int n) {
    Nd4j.getRandom().setSeed(1);
    INDArray x = Nd4j.randn(DataType.FLOAT, net.inputShape().withBatch(n));
    return new Samples(
        "random " + net.inputShape(), x, new int[n], net.outputShape().channels());
  }
}
