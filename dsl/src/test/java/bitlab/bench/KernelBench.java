package bitlab.bench;

import bitlab.hardware.LayerWorkload;
import bitlab.integer.kernel.ConvGeometry;
import bitlab.integer.kernel.ConvKernel;
import bitlab.integer.kernel.ConvKernels;
import bitlab.integer.kernel.Int8Peak;
import bitlab.model.Model;
import bitlab.model.Op;
import bitlab.model.Zoo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code ./bitlab bench kernels [MODEL...] [--batch 1,8] [--rounds N] [--threads N] [--cpu] [--no-reference]}: every distinct
 * layer shape of ResNet-18 and MobileNet-V2 at 224 (from {@code model.workloads()}), timed in one
 * process with the contenders on the same shape: the integer kernel {@code ConvKernels.best} picks,
 * the pure-Java kernel and oneDNN where they differ, the reference loop, and ND4J's FP32
 * convolution (weights {@code [kH, kW, in, out]}, depthwise {@code [kH, kW, C, 1]}, linear as a
 * matrix product). The fast ones alternate with FP32 over rounds after a warm-up; medians are
 * reported. Every shape also checks that the fast kernels' accumulators equal the reference's.
 */
final class KernelBench {
  private static final long MIN_NANOS =
      20_000_000L; // repeat short calls until a timing lasts this long
  private static final java.lang.management.ThreadMXBean CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();
  /** {@code --cpu}: time one core by the calling thread's CPU time (robust on a shared, busy machine). */
  private static boolean cpuTime;
  /** {@code --no-reference}: skip the slow reference loop (its columns show NaN, the exactness check is skipped). */
  private static boolean noReference;

  private KernelBench() {}

  /** One distinct layer shape of a model and the layers that have it. */
  record Layer(ConvGeometry g, List<String> names) {}

  /**
   * Median seconds per call of each contender on one shape and batch: the pure-Java kernel, oneDNN
   * (NaN where it does not take the layer), the one {@code ConvKernels.best} picks, the reference
   * loop and ND4J's FP32 convolution.
   */
  record Timing(
      double java,
      double dnnl,
      double best,
      double reference,
      double fp32,
      boolean identical,
      String kernel) {}

  static void run(String[] args) {
    List<String> models = new ArrayList<>();
    int[] batches = {1, 8};
    int rounds = 5, threads = ConvKernels.defaultThreads();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--batch" ->
          batches =
              Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--cpu" -> cpuTime = true;
        case "--no-reference" -> noReference = true;
        default -> {
          if (args[i].startsWith("--"))
            throw new IllegalArgumentException(
                "The kernels bench takes MODEL..., --batch, --rounds, --threads, --cpu and --no-reference, not '"
                    + args[i] + "'.");
          models.add(args[i]);
        }
      }
    }
    if (models.isEmpty()) models = List.of("resnet18", "mobilenet-v2");
    if (cpuTime) {
      if (!"1".equals(System.getenv("OMP_NUM_THREADS"))) {
        throw new IllegalArgumentException(
            "--cpu times one core: run it as OMP_NUM_THREADS=1 ./bitlab bench kernels --cpu, so that oneDNN and ND4J"
                + " compute on the calling thread.");
      }
      threads = 1;
    }
    Int8Peak peak = Int8Peak.ofThisMachine();
    String vectors = ConvKernels.vectorUnavailableReason();
    System.out.printf(
        "bitlab kernels bench: %d cores, JDK %s, kernel threads %d, %s, %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        threads,
        vectors == null ? "Vector API kernels" : "plain-Java kernels (" + vectors + ")",
        cpuTime
            ? "timed by the CPU time of one thread (GMAC/s per core)"
            : "timed by the wall clock");
    System.out.println("int8 peak: " + peak.formula());
    System.out.println("load average when the bench started: " + loadAverage()
        + " (other processes share these cores; --cpu is less sensitive to them)");
    System.out.printf(
        "int32 vector ceiling (JDK 17's Vector API has no 8-bit dot product): %d cores x 8 MAC/cycle = %.1f GMAC/s%n",
        Runtime.getRuntime().availableProcessors(), peak.int32());
    System.out.printf(
        "best, java and FP32: median of %d alternating rounds after a warm-up; reference: median of 2 runs after a warm-up at batch 1, one run at batch 8%n",
        rounds);
    String dnnl = ConvKernels.dnnlUnavailableReason();
    System.out.println(
        "oneDNN: " + (dnnl == null ? "on (its own OpenMP threads, all cores)" : "off: " + dnnl)
            + "; %peak is of the int8 peak"
            + (cpuTime
                ? " of one core; best is the faster of java and oneDNN where ConvKernels.best would try both"
                : "; best is ConvKernels.best after its trial calls (it times oneDNN and java and keeps the faster)")
            + "\n");
    for (String name : models) {
      Model m = Zoo.load(name);
      List<Layer> layers = distinctShapes(m);
      for (int batch : batches)
        table(
            name,
            layers,
            batch,
            rounds,
            threads,
            cpuTime ? peak.gmacs() / Runtime.getRuntime().availableProcessors() : peak.gmacs());
    }
  }

  static List<Layer> distinctShapes(Model m) {
    Map<ConvGeometry, List<String>> byShape = new LinkedHashMap<>();
    for (LayerWorkload w : m.workloads()) {
      int ph = 0, pw = 0;
      if (m.node(w.name()).op() instanceof Op.Conv2d c) {
        ph = c.padH();
        pw = c.padW();
      }
      ConvGeometry g = w.kind() == LayerWorkload.Kind.LINEAR
          ? ConvGeometry.linear(w.inChannels(), w.outChannels())
          : new ConvGeometry(
              w.inChannels(),
              w.outChannels(),
              w.kernelH(),
              w.kernelW(),
              w.stride(),
              ph,
              pw,
              w.groups(),
              w.inH(),
              w.inW());
      byShape.computeIfAbsent(g, k -> new ArrayList<>()).add(w.name());
    }
    List<Layer> out = new ArrayList<>();
    byShape.forEach((g, names) -> out.add(new Layer(g, names)));
    return out;
  }

  private static void table(
      String model, List<Layer> layers, int batch, int rounds, int threads, double peak) {
    System.out.printf(
        "%s at 224, batch %d: %d distinct layer shapes%n", model, batch, layers.size());
    System.out.printf(
        "%-4s %-34s %8s %-17s %9s %8s %8s %8s %8s %8s %7s %7s %6s %5s%n",
        "n",
        "shape",
        "MMAC",
        "best kernel",
        "best ms",
        "best",
        "java",
        "oneDNN",
        "ref",
        "FP32",
        "x ref",
        "x FP32",
        "%peak",
        "same");
    System.out.printf(
        "%-4s %-34s %8s %-17s %9s %8s %8s %8s %8s %8s%n",
        "", "", "", "", "", "GMAC/s", "GMAC/s", "GMAC/s", "GMAC/s", "GMAC/s");
    double fastTotal = 0, javaTotal = 0, refTotal = 0, fpTotal = 0;
    long macTotal = 0;
    boolean allSame = true;
    for (Layer l : layers) {
      Timing t = time(l.g(), batch, rounds, threads);
      long macs = l.g().macs() * batch;
      int n = l.names().size();
      fastTotal += n * t.best();
      javaTotal += n * t.java();
      refTotal += n * t.reference();
      fpTotal += n * t.fp32();
      macTotal += n * macs;
      allSame &= t.identical();
      String dnnl = Double.isNaN(t.dnnl()) ? "-" : String.format("%.1f", macs / t.dnnl() / 1e9);
      System.out.printf(
          "%-4s %-34s %8.1f %-17s %9.3f %8.1f %8.1f %8s %8.2f %8.1f %6.1fx %6.2fx %5.1f%% %5s%n",
          n + "x",
          describe(l.g()),
          macs / 1e6,
          t.kernel(),
          t.best() * 1e3,
          macs / t.best() / 1e9,
          macs / t.java() / 1e9,
          dnnl,
          macs / t.reference() / 1e9,
          macs / t.fp32() / 1e9,
          t.reference() / t.best(),
          t.fp32() / t.best(),
          100 * macs / t.best() / 1e9 / peak,
          noReference ? "-" : t.identical() ? "yes" : "NO");
    }
    System.out.printf(
        "%-4s %-34s %8.1f %-17s %9.2f %8.1f %8.1f %8s %8.2f %8.1f %6.1fx %6.2fx %5.1f%% %5s%n",
        "all",
        "the whole model (n x each shape)",
        macTotal / 1e6,
        "",
        fastTotal * 1e3,
        macTotal / fastTotal / 1e9,
        macTotal / javaTotal / 1e9,
        "",
        macTotal / refTotal / 1e9,
        macTotal / fpTotal / 1e9,
        refTotal / fastTotal,
        fpTotal / fastTotal,
        100 * macTotal / fastTotal / 1e9 / peak,
        noReference ? "-" : allSame ? "yes" : "NO");
    System.out.printf(
        "     whole-model times: best %.1f ms, java %.1f ms, reference %.0f ms, FP32 %.1f ms%n%n",
        fastTotal * 1e3, javaTotal * 1e3, refTotal * 1e3, fpTotal * 1e3);
  }

  static String describe(ConvGeometry g) {
    if (g.inH() == 1 && g.inW() == 1 && g.kernelH() == 1 && g.kernelW() == 1)
      return "linear " + g.inChannels() + "->" + g.outChannels();
    String k = g.kernelH() + "x" + g.kernelW() + " s" + g.stride() + " p" + g.padH() + " " + g.inH()
        + "x" + g.inW();
    if (g.depthwise()) return "dw " + g.inChannels() + " " + k;
    return g.inChannels() + "->" + g.outChannels() + " " + k
        + (g.groups() > 1 ? " g" + g.groups() : "");
  }

  private static Timing time(ConvGeometry g, int batch, int rounds, int threads) {
    Random r = new Random(g.hashCode() * 31L + batch);
    byte[] w = new byte[g.weightSize()], x = new byte[batch * g.inputSize()];
    r.nextBytes(w);
    r.nextBytes(x); // unsigned codes 0..255 (a ReLU output), zero point 0
    ConvKernel java = ConvKernels.java(g, w, true, 0, threads);
    ConvKernel dnnl = ConvKernels.dnnlAvailable(g) ? ConvKernels.dnnl(g, w, true, 0) : null;
    // best times its candidates on its first calls (the warm-up) and keeps the faster; --cpu stands
    // in for it
    // with the faster of java and oneDNN on one core
    ConvKernel best = cpuTime ? null : ConvKernels.best(g, w, true, 0, threads);
    ConvKernel ref = ConvKernels.reference(g, w, true, 0);
    int[] accDnnl = new int[batch * g.outputSize()],
        accJava = new int[accDnnl.length],
        accBest = new int[accDnnl.length];
    int[] accRef = new int[accDnnl.length];
    Runnable fp32 = fp32(g, batch, r);
    // warm-up (the JIT compiles the vector code only after many calls: interpreted it is 100x
    // slower),
    // and the exactness check (the reference's first run, which batch 8 also times)
    if (dnnl != null) warm(() -> dnnl.accumulate(x, batch, accDnnl));
    warm(() -> java.accumulate(x, batch, accJava));
    if (best != null) warm(() -> best.accumulate(x, batch, accBest));
    warm(fp32);
    double[] tr = new double[noReference ? 1 : batch == 1 ? 3 : 1];
    tr[0] = noReference ? Double.NaN : seconds(() -> ref.accumulate(x, batch, accRef));
    boolean same = noReference
        || (dnnl == null || Arrays.equals(accDnnl, accRef))
            && Arrays.equals(accJava, accRef)
            && (best == null || Arrays.equals(accBest, accRef));
    double[] td = new double[rounds],
        tj = new double[rounds],
        tb = new double[rounds],
        tp = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      tj[i] = seconds(() -> java.accumulate(x, batch, accJava));
      td[i] = dnnl == null ? Double.NaN : seconds(() -> dnnl.accumulate(x, batch, accDnnl));
      tb[i] = best == null ? Double.NaN : seconds(() -> best.accumulate(x, batch, accBest));
      tp[i] = seconds(fp32);
    }
    for (int i = 1; i < tr.length; i++) tr[i] = seconds(() -> ref.accumulate(x, batch, accRef));
    double reference = tr.length == 1 ? tr[0] : median(Arrays.copyOfRange(tr, 1, tr.length));
    double tJava = median(tj), tDnnl = dnnl == null ? Double.NaN : median(td);
    if (best != null)
      return new Timing(tJava, tDnnl, median(tb), reference, median(tp), same, best.name());
    boolean dnnlFaster = dnnl != null && ConvKernels.dnnlPays(g) && tDnnl < tJava;
    return new Timing(
        tJava,
        tDnnl,
        dnnlFaster ? tDnnl : tJava,
        reference,
        median(tp),
        same,
        dnnlFaster ? dnnl.name() : java.name());
  }

  /** The FP32 convolution of ND4J on the same shape, as one call. */
  private static Runnable fp32(ConvGeometry g, int batch, Random r) {
    Nd4j.getRandom().setSeed(r.nextLong());
    if (g.inH() == 1 && g.inW() == 1 && g.kernelH() == 1 && g.kernelW() == 1 && g.groups() == 1) {
      INDArray x = Nd4j.rand(DataType.FLOAT, batch, g.inChannels()),
          w = Nd4j.rand(DataType.FLOAT, g.inChannels(), g.outChannels());
      return () -> x.mmul(w);
    }
    INDArray x = Nd4j.rand(DataType.FLOAT, batch, g.inChannels(), g.inH(), g.inW());
    Conv2DConfig cfg = Conv2DConfig.builder()
        .kH(g.kernelH())
        .kW(g.kernelW())
        .sH(g.stride())
        .sW(g.stride())
        .pH(g.padH())
        .pW(g.padW())
        .dH(1)
        .dW(1)
        .paddingMode(PaddingMode.VALID)
        .dataFormat(Conv2DConfig.NCHW)
        .build();
    if (g.groups() == 1) {
      INDArray w =
          Nd4j.rand(DataType.FLOAT, g.kernelH(), g.kernelW(), g.inChannels(), g.outChannels());
      return () -> Nd4j.cnn().conv2d(x, w, cfg);
    }
    if (g.depthwise()) {
      INDArray w = Nd4j.rand(DataType.FLOAT, g.kernelH(), g.kernelW(), g.inChannels(), 1);
      return () -> Nd4j.cnn().depthWiseConv2d(x, w, cfg);
    }
    throw new IllegalArgumentException(
        "No FP32 counterpart for the grouped convolution " + g + ".");
  }

  /** Seconds per call, repeating short calls until the timing lasts {@link #MIN_NANOS}. */
  private static double seconds(Runnable call) {
    int reps = 0;
    long start = now(), now;
    do {
      call.run();
      reps++;
      now = now();
    } while (now - start < MIN_NANOS);
    return (now - start) / 1e9 / reps;
  }

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
          .trim()
          .split(" ")[0];
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** At least ten calls and a fifth of a second. */
  private static void warm(Runnable call) {
    long start = System.nanoTime();
    for (int i = 0; i < 10 || System.nanoTime() - start < 200_000_000L; i++) call.run();
  }

  private static long now() {
    return cpuTime ? CPU.getCurrentThreadCpuTime() : System.nanoTime();
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
