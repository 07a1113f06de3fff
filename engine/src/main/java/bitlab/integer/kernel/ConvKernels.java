package bitlab.integer.kernel;

import bitlab.cpu.CpuFeatures;

/** Where the integer executor gets its convolution kernels. */
public final class ConvKernels {
  private ConvKernels() {}

  /**
   * The plain-loop kernel.
   *
   * @param weights signed weight codes {@code [out][in/groups][kH][kW]}
   */
  public static ConvKernel reference(
      ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint) {
    check(g, weights, inputUnsigned, inputZeroPoint);
    return new ReferenceConvKernel(g, weights, inputUnsigned, inputZeroPoint);
  }

  private static volatile boolean channelsLast =
      !"false".equals(System.getProperty("bitlab.kernel.nhwc", "true").trim());

  /**
   * Whether oneDNN layers hand channels-last codes to each other ({@code -Dbitlab.kernel.nhwc=false} turns it off):
   * off, every layer reads and writes NCHW and the executor transposes oneDNN's sums in Java, as it did before.
   */
  public static boolean channelsLast() {
    return channelsLast;
  }

  /** Sets {@link #channelsLast()} for the whole JVM (the layout bench compares the two, call by call). */
  public static void channelsLast(boolean on) {
    channelsLast = on;
  }

  private static volatile long pieceInts = DnnlPlan.PIECE_INTS;

  /**
   * The most int32 sums one piece of a oneDNN layer writes before Java reads them back ({@code DnnlPlan}): by default
   * what stays in a core's second-level cache; {@link Long#MAX_VALUE} cuts layers only for the threads, as before.
   */
  public static long pieceInts() {
    return pieceInts;
  }

  /** Sets {@link #pieceInts()} for the layers planned from now on (a bench compares the two, program by program). */
  public static void pieceInts(long ints) {
    if (ints < 1)
      throw new IllegalArgumentException("A piece holds at least one sum, not " + ints + ".");
    pieceInts = ints;
  }

  /** The fastest kernel available for this layer; same accumulators as {@link #reference}. */
  public static ConvKernel best(
      ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint) {
    return best(g, weights, inputUnsigned, inputZeroPoint, defaultThreads());
  }

  /**
   * The fastest kernel for this layer on at most {@code threads} cores, chosen by what the CPU offers
   * ({@link CpuFeatures}). oneDNN runs only when all cores are allowed (it always uses them all). With
   * VNNI or AMX, where one oneDNN pass over 8-bit weights is exact and makes several times the MACs of
   * the Java kernels on every convolution family (3x3, 1x1, depthwise: {@code ./bitlab bench kernels}),
   * oneDNN takes every convolution but the depthwise 3x3 ones, which it is timed against Java's channels-last kernel
   * with the requantization in its rows ({@link #depthwise(Depthwise)}). Without them oneDNN and {@link #java} are timed
   * against each other on the first calls of each batch size: on every shape oneDNN takes when the weights fit one
   * exact pass (|w| <= 64, 7 bits and fewer: {@link #onePass}), and where oneDNN may win even with two passes
   * ({@link #dnnlPays}) for 8-bit weights; the faster is kept (see {@code FasterOfKernel}: a busy machine can make
   * oneDNN's threads slower than Java's). Linear layers stay with Java's dot products. Every choice gives
   * the reference's accumulators.
   */
  public static ConvKernel best(
      ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint, int threads) {
    check(g, weights, inputUnsigned, inputZeroPoint);
    checkThreads(threads);
    if (!g.squareStride()) {
      // oneDNN takes a stride per axis; the Java kernels take one, so elsewhere the layer runs at a
      // stride dividing both and drops what it did not need
      boolean dnnl = threads >= Runtime.getRuntime().availableProcessors()
          && dnnlAvailable(g)
          && !VectorLinearKernel.linear(g)
          && CpuFeatures.current().exactInt8Dot();
      return dnnl
          ? new DnnlConvKernel(g, weights, inputUnsigned, inputZeroPoint)
          : SubsampledKernel.of(g, weights, inputUnsigned, inputZeroPoint, threads);
    }
    ConvKernel java = java(g, weights, inputUnsigned, inputZeroPoint, threads);
    if (threads < Runtime.getRuntime().availableProcessors()
        || !dnnlAvailable(g)
        || VectorLinearKernel.linear(g)) return java;
    if (CpuFeatures.current().exactInt8Dot()) {
      ConvKernel dnnl = new DnnlConvKernel(g, weights, inputUnsigned, inputZeroPoint);
      if (!depthwiseInJava(g)) return dnnl;
      ConvKernel nhwc = new NhwcDepthwiseKernel(g, weights, inputUnsigned, inputZeroPoint, threads);
      return switch (depthwise) {
        case JAVA -> nhwc;
        case DNNL -> dnnl;
        case MEASURE -> new FasterOfKernel(dnnl, nhwc);
      };
    }
    // without VNNI, weights within one part (|w| <= 64: 7 bits and fewer) take one exact oneDNN
    // pass as on a VNNI CPU, so every shape oneDNN takes is timed against Java, the default (what
    // a near tie keeps) being the side the shape rule picks; 8-bit weights take two passes, and
    // only the shapes where oneDNN pays even so are timed. The two are timed apart (the verdicts
    // are shared per shape and cost).
    if (onePass(weights)) {
      ConvKernel dnnl = new DnnlConvKernel(g, weights, inputUnsigned, inputZeroPoint);
      return g.groups() == 1 && dnnlPays(g)
          ? new FasterOfKernel(dnnl, java, "one pass")
          : new FasterOfKernel(java, dnnl, "one pass");
    }
    if (g.groups() == 1 && dnnlPays(g))
      return new FasterOfKernel(
          new DnnlConvKernel(g, weights, inputUnsigned, inputZeroPoint), java, "two passes");
    return java;
  }

  /** Whether every weight fits one part ({@code DnnlConvKernel.PART}): one oneDNN pass is exact without VNNI. */
  static boolean onePass(byte[] weights) {
    for (byte w : weights) if (Math.abs(w) > DnnlConvKernel.PART) return false;
    return true;
  }

  /** Who runs the depthwise 3x3 layers where oneDNN's sums are exact: timed per layer (the default), Java, or oneDNN. */
  public enum Depthwise {
    MEASURE,
    JAVA,
    DNNL
  }

  /** {@code -Dbitlab.kernel.depthwise=measure|java|dnnl}; an unknown value is taken as {@code measure}, as the helpers' setting. */
  private static volatile Depthwise depthwise =
      Settings.choice("bitlab.kernel.depthwise", Depthwise.MEASURE);

  /** Sets who runs the depthwise 3x3 layers compiled from now on ({@code -Dbitlab.kernel.depthwise=measure|java|dnnl}). */
  public static void depthwise(Depthwise who) {
    depthwise = java.util.Objects.requireNonNull(who);
  }

  /** The current {@link #depthwise(Depthwise)} setting. */
  public static Depthwise depthwise() {
    return depthwise;
  }

  /**
   * Whether Java's channels-last depthwise kernel may run {@code g} where oneDNN's sums are exact: a 3x3 depthwise layer
   * of stride 1 or 2, layers handing each other channels-last codes, the Vector API on.
   */
  static boolean depthwiseInJava(ConvGeometry g) {
    return NhwcDepthwiseKernel.eligible(g) && channelsLast() && VectorSupport.AVAILABLE;
  }

  /**
   * Why {@code k} runs a layer of {@code batch} images, in a sentence for a profile: what it is, how it
   * runs, and what ruled the faster kernels out when it is a fallback.
   */
  public static String explain(ConvKernel k, int batch) {
    if (k instanceof SubsampledKernel s) return explain(s.inner(), batch) + "; " + s.detail(batch);
    ConvGeometry g = k.geometry();
    String detail = k.detail(batch);
    String how = detail.isEmpty() ? "" : ": " + detail;
    CpuFeatures cpu = CpuFeatures.current();
    if (k instanceof DnnlConvKernel) {
      return "oneDNN" + how
          + (cpu.exactInt8Dot()
              ? " (" + cpu.isa().label() + (cpu.amx() ? " + AMX" : "")
                  + ": u8 x s8 sums are exact in int32)"
              : "");
    }
    if (k instanceof FasterOfKernel)
      return cpu.exactInt8Dot()
          ? "oneDNN or Java's channels-last depthwise with the requantization in its rows, whichever is faster"
              + how
          : "oneDNN or Java, whichever is faster" + how + " (" + cpu.isa().label()
              + " without VNNI: 8-bit weights take two oneDNN passes)";
    if (k instanceof NhwcDepthwiseKernel)
      return "Java's channels-last depthwise, the requantization in its rows" + how
          + (depthwise == Depthwise.JAVA ? " (-Dbitlab.kernel.depthwise=java)" : "");
    if (k instanceof ReferenceConvKernel) return "the reference loop";
    String java = k.name() + how;
    if (k instanceof PlainGemmKernel && VectorSupport.unavailableReason() != null)
      java += " (no Vector API kernels: " + VectorSupport.unavailableReason() + ")";
    if (VectorLinearKernel.linear(g))
      return java + " (linear layers stay with Java's dot products)";
    if (!Dnnl.AVAILABLE) return java + " (oneDNN is not available: " + Dnnl.PROBLEM + ")";
    if (!DnnlConvKernel.eligible(g)) return java + " (oneDNN cannot keep this layer's sums exact)";
    if (!cpu.exactInt8Dot() && (g.groups() > 1 || !dnnlPays(g)))
      return java + " (without VNNI Java beats oneDNN's two passes on this shape)";
    return java + " (oneDNN needs all cores; this layer was given fewer)";
  }

  /**
   * Whether oneDNN beats the Vector API kernel on this shape, from {@code ./bitlab bench kernels}:
   * it makes about twice the MACs per core once the fan-in is large, but it passes over the int32
   * outputs four or five times (reorders, copies, the sum of the weight parts) where Java writes
   * them once, so Java keeps the layers with few products per output: a fan-in below 32 (a 1x1 over
   * 16 or 24 channels), or one below 128 with more than four outputs per input channel (MobileNet-V2's
   * 6x expansions). Linear layers stay with Java's dot products.
   */
  public static boolean dnnlPays(ConvGeometry g) {
    int k = g.fanIn();
    return !VectorLinearKernel.linear(g)
        && g.groups() == 1
        && k >= 32
        && (k >= 128 || g.outChannels() <= 4 * k);
  }

  /**
   * The fastest pure-Java kernel on {@code threads} cores: the Vector API kernels (linear,
   * depthwise or the panel product) when the JVM has them, else the plain-Java one.
   */
  public static ConvKernel java(
      ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint, int threads) {
    check(g, weights, inputUnsigned, inputZeroPoint);
    checkThreads(threads);
    if (!VectorSupport.AVAILABLE)
      return new PlainGemmKernel(g, weights, inputUnsigned, inputZeroPoint, threads);
    if (VectorLinearKernel.linear(g))
      return new VectorLinearKernel(g, weights, inputUnsigned, inputZeroPoint, threads);
    if (g.groups() > 1 && g.groupIn() == 1) {
      return g.outW() <= CHANNEL_DEPTHWISE_MAX_WIDTH
          ? new VectorChannelDepthwiseKernel(g, weights, inputUnsigned, inputZeroPoint, threads)
          : new VectorDepthwiseKernel(g, weights, inputUnsigned, inputZeroPoint, threads);
    }
    return new VectorGemmKernel(g, weights, inputUnsigned, inputZeroPoint, threads);
  }

  /**
   * Calls of one batch size after which {@link #best} no longer changes its kernel for a layer (it
   * times oneDNN against Java twice, the second time at least a second later, once the JIT has
   * compiled Java): warm a model this many times, and for two seconds, before timing it.
   */
  public static final int CALLS_TO_SETTLE = FasterOfKernel.SETTLED;

  /** Output rows up to this width put channels in the vector lanes (rows are too short to fill them). */
  static final int CHANNEL_DEPTHWISE_MAX_WIDTH = 28;

  /** The plain-Java kernel (no Vector API), the one {@link #java} falls back to. */
  public static ConvKernel plain(
      ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint, int threads) {
    check(g, weights, inputUnsigned, inputZeroPoint);
    checkThreads(threads);
    return new PlainGemmKernel(g, weights, inputUnsigned, inputZeroPoint, threads);
  }

  /**
   * oneDNN's int8 convolution made exact (see the class {@code DnnlConvKernel}); it runs on oneDNN's
   * own threads.
   *
   * @throws IllegalStateException when oneDNN cannot run on this machine
   */
  public static ConvKernel dnnl(
      ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint) {
    check(g, weights, inputUnsigned, inputZeroPoint);
    if (!Dnnl.AVAILABLE)
      throw new IllegalStateException(
          "The oneDNN kernel is not available here: " + Dnnl.PROBLEM + ".");
    if (!DnnlConvKernel.eligible(g))
      throw new IllegalArgumentException(
          "The oneDNN kernel cannot keep the sums of " + g + " exact.");
    return new DnnlConvKernel(g, weights, inputUnsigned, inputZeroPoint);
  }

  /** The instruction set oneDNN's kernels use here (e.g. {@code avx512_core_amx}), empty when oneDNN does not run. */
  public static String dnnlIsa() {
    return Dnnl.ISA;
  }

  /** Whether {@link #dnnl} can run this layer on this machine. */
  public static boolean dnnlAvailable(ConvGeometry g) {
    return Dnnl.AVAILABLE && DnnlConvKernel.eligible(g);
  }

  /** Why oneDNN does not run on this machine, or null when it does. */
  public static String dnnlUnavailableReason() {
    return Dnnl.PROBLEM;
  }

  /** Cores a kernel uses by default: all of them, or {@code -Dbitlab.kernel.threads=N}. */
  public static int defaultThreads() {
    return Parallel.defaultThreads();
  }

  /** Whether {@link VectorRequant} runs here (the Vector API is on and the CPU has AVX-512); read first, so the class loads only then. */
  public static boolean vectorRequant() {
    return VECTOR_REQUANT;
  }

  private static final boolean VECTOR_REQUANT = VectorSupport.AVAILABLE && VectorRequant.AVAILABLE;

  /** Why {@link #java} uses the plain-Java kernel on this JVM, or null when the Vector API kernels are on. */
  public static String vectorUnavailableReason() {
    return VectorSupport.unavailableReason();
  }

  static void check(ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint) {
    if (weights.length != g.weightSize()) {
      throw new IllegalArgumentException("Expected " + g.weightSize() + " weight codes for " + g
          + " but got " + weights.length + ".");
    }
    int lo = inputUnsigned ? 0 : -128, hi = inputUnsigned ? 255 : 127;
    if (inputZeroPoint < lo || inputZeroPoint > hi) {
      throw new IllegalArgumentException("Input zero point " + inputZeroPoint
          + " is outside the code range [" + lo + ", " + hi + "].");
    }
  }

  private static void checkThreads(int threads) {
    if (threads < 1)
      throw new IllegalArgumentException(
          "A kernel needs at least one thread, not " + threads + ".");
  }

  /**
   * The arrays of one {@link ConvKernel#requantize} call fit the geometry and batch; {@code out} is null when the
   * epilogue keeps its own output (16-bit codes of the wide residual stream) and the kernel only passes it on.
   */
  static void checkCall(ConvGeometry g, byte[] input, int batch, byte[] out) {
    checkLengths(g, input, batch, out == null ? Long.MAX_VALUE : out.length);
  }

  /** The arrays of one {@link ConvKernel#accumulate} call fit the geometry and batch. */
  static void checkCall(ConvGeometry g, byte[] input, int batch, int[] acc) {
    checkLengths(g, input, batch, acc.length);
  }

  private static void checkLengths(ConvGeometry g, byte[] input, int batch, long outLength) {
    if (batch < 0)
      throw new IllegalArgumentException("The batch size must not be negative, got " + batch + ".");
    if (input.length < (long) batch * g.inputSize()) {
      throw new IllegalArgumentException(
          "The input holds " + input.length + " codes but " + batch + " images of " + g.inChannels()
              + "x" + g.inH() + "x" + g.inW() + " need " + (long) batch * g.inputSize() + ".");
    }
    if (outLength < (long) batch * g.outputSize()) {
      throw new IllegalArgumentException("The output array holds " + outLength + " values but "
          + batch + " images of " + g.outChannels() + "x" + g.outH() + "x" + g.outW() + " need "
          + (long) batch * g.outputSize() + ".");
    }
  }
}
