package bitlab.integer;

import bitlab.data.Dataset;
import bitlab.data.Samples;
import bitlab.model.Evaluation;
import bitlab.model.Inference;
import bitlab.quant.QuantizedModel;
import bitlab.task.Work;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A network that runs on integers only: the program {@link IntegerCompiler} made from a statically
 * quantized model. Images are quantized once at the entrance, every layer works on int8-or-narrower
 * codes with int32 accumulators and dyadic requantization, and only the last layer's accumulators are
 * dequantized into logits.
 */
public final class IntegerModel {
  private static final int BATCH = 64;

  private final QuantizedModel source;
  private final List<Step> steps;
  /** The output arrays of earlier calls, for the next ({@link CallBuffers}). */
  private final CallBuffers.Pool buffers = new CallBuffers.Pool();

  IntegerModel(QuantizedModel source, List<Step> steps) {
    this.source = source;
    this.steps = List.copyOf(steps);
  }

  public static IntegerModel of(QuantizedModel q) {
    return IntegerCompiler.compile(q);
  }

  public QuantizedModel source() {
    return source;
  }

  public String name() {
    return source.source().name();
  }

  public List<Step> steps() {
    return steps;
  }

  /** The steps of one kind in program order, e.g. {@code steps(ResidualStep.class)}; empty if there are none. */
  public <T extends Step> List<T> steps(Class<T> kind) {
    return steps.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  /** The step that writes a node's tensor; a name no step writes is refused with a sentence. */
  public Step step(String node) {
    for (Step s : steps) if (s.node().equals(node)) return s;
    throw new IntegerException(
        "No step of this program writes '" + node + "'; its steps write "
            + steps.stream().map(Step::node).limit(8).toList() + (steps.size() > 8 ? " ..." : "")
            + " (steps() lists them all; folded BatchNorms and fused ReLUs write no tensor of their own).");
  }

  LogitsStep last() {
    return (LogitsStep) steps.get(steps.size() - 1);
  }

  /**
   * Whether calls that hand only the logits out write each step's output into the arrays of the call before
   * ({@link CallBuffers}; on unless {@code -Dbitlab.integer.reuseBuffers=false}), for the whole JVM: benchmarks
   * compare the two.
   */
  public static void reuseBuffers(boolean on) {
    CallBuffers.reuse(on);
  }

  /** Logits {@code [N, classes]} of a float batch {@code [N, ...input shape]}. */
  public INDArray predict(INDArray x) {
    return call(x, null);
  }

  /**
   * One call that hands only the logits out: its steps write into the arrays of an earlier call ({@link CallBuffers}),
   * taken for the whole call, logits included; {@code nanos}, when not null, receives each step's wall time.
   */
  private INDArray call(INDArray x, long[] nanos) {
    CallBuffers b = buffers.take();
    CallBuffers outer = b == null ? null : b.begin();
    try {
      Map<String, IntTensor> env = forward(x, null, nanos);
      LogitsStep l = last();
      IntTensor in = env.get(l.input());
      long start = System.nanoTime();
      INDArray logits = l.logits(l.accumulators(in), in.batch());
      if (nanos != null) nanos[steps.size() - 1] = System.nanoTime() - start;
      return logits;
    } finally {
      if (b != null) {
        CallBuffers.end(outer);
        buffers.give(b);
      }
    }
  }

  /** Every step's integer output for a float batch (NCHW), by tensor name (the logits step excluded: see {@link #predict}). */
  public Map<String, IntTensor> tensors(INDArray x) {
    Map<String, IntTensor> out = new LinkedHashMap<>();
    forward(x, out);
    out.replaceAll((name, t) -> t.nchw());
    return out;
  }

  /** Every step's output as the executor holds it: channels-last where oneDNN layers hand codes on. */
  Map<String, IntTensor> held(INDArray x) {
    Map<String, IntTensor> out = new LinkedHashMap<>();
    forward(x, out);
    return out;
  }

  /** Runs every step but the last; {@code keep} collects every tensor when not null. */
  private Map<String, IntTensor> forward(INDArray x, Map<String, IntTensor> keep) {
    return forward(x, keep, null);
  }

  /** ... and {@code nanos}, when not null, receives each step's wall time (but the last's: {@link #call} times the logits). */
  private Map<String, IntTensor> forward(INDArray x, Map<String, IntTensor> keep, long[] nanos) {
    checkInput(x);
    Map<String, IntTensor> env = new LinkedHashMap<>();
    for (int i = 0; i < steps.size() - 1; i++) {
      Step s = steps.get(i);
      long start = System.nanoTime();
      IntTensor out;
      if (s instanceof QuantizeInputStep qi) {
        out = qi.quantize(x);
      } else {
        List<IntTensor> in = new ArrayList<>(s.inputs().size());
        for (String name : s.inputs()) {
          IntTensor t = env.get(name);
          in.add(s.takesNhwc() ? t : t.nchw());
        }
        out = s.run(in);
      }
      if (nanos != null) nanos[i] = System.nanoTime() - start;
      env.put(s.node(), out);
      Work.checkpoint();
    }
    if (keep != null) keep.putAll(env);
    return env;
  }

  private void checkInput(INDArray x) {
    long[] want = source.folded().inputShape().withBatch(x.size(0));
    if (!java.util.Arrays.equals(x.shape(), want)) {
      throw new IntegerException("The batch has shape " + java.util.Arrays.toString(x.shape())
          + " but integer model '" + name() + "' expects " + java.util.Arrays.toString(want) + ".");
    }
  }

  /** Top-1 accuracy on samples, in batches of 64. */
  public Evaluation evaluate(Samples samples) {
    Inference.checkFits(source.folded(), samples);
    int n = samples.size(), correct = 0;
    double loss = 0;
    int[] labels = samples.labels();
    for (int from = 0; from < n; from += BATCH) {
      int to = Math.min(n, from + BATCH);
      INDArray logits = predict(samples.images(from, to));
      INDArray pred = Nd4j.argMax(logits, 1);
      INDArray logp = Transforms.log(
          Transforms.softmax(logits.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)), false);
      for (int i = 0; i < to - from; i++) {
        if (pred.getInt(i) == labels[from + i]) correct++;
        loss -= logp.getDouble(i, labels[from + i]);
      }
      Work.progress(String.format("integer-only %s: %,d / %,d images", name(), to, n));
    }
    return new Evaluation(
        name() + " integer-only " + source.policy().summary(),
        samples.name(),
        correct,
        n,
        loss / Math.max(1, n));
  }

  /** Top-1 accuracy on the data set's test split, with the model's preprocessing applied. */
  public Evaluation evaluate(Dataset data) {
    return evaluate(source.folded().prepare(data).test());
  }

  /**
   * Every step of one batch through the integer executor, compared with the float64 simulation of the
   * same integer arithmetic (bit-exact when the executor is right) and with the fake-quantized model.
   */
  public Trace trace(INDArray x) {
    return Tracer.trace(this, x);
  }

  /** The trace of the first {@code images} test images of a data set. */
  public Trace trace(Dataset data, int images) {
    if (images < 1 || images > data.test().size()) {
      throw new IntegerException("Trace 1.." + data.test().size() + " test images of " + data.name()
          + ", not " + images + ".");
    }
    return trace(source.folded().prepare(data).test().take(images).images());
  }

  /** The trace of 16 test images. */
  public Trace trace(Dataset data) {
    return trace(data, Math.min(16, data.test().size()));
  }

  /**
   * Writes the quantized model as a standard ONNX QDQ graph (integer weight codes, int32 biases,
   * QuantizeLinear/DequantizeLinear at every activation point, signed 8-bit codes held to this program's
   * -127..127), whole or not at all. ONNX Runtime runs it with its own integer operators; they requantize in
   * float, so a code can differ where float32 lands on the other side of a rounding tie.
   */
  public java.nio.file.Path exportOnnx(String path) {
    java.nio.file.Path p = java.nio.file.Path.of(path);
    bitlab.onnx.QdqExport.write(source, p);
    return p;
  }

  /**
   * Where the time of one batch goes, step by step: the first {@code batch} test images of {@code data}, warmed
   * until every kernel choice has settled, then the median of {@code rounds} calls per step.
   */
  public Profile profile(Dataset data, int batch, int rounds) {
    if (batch < 1 || batch > data.test().size())
      throw new IntegerException("Profile 1.." + data.test().size() + " images of " + data.name()
          + ", not " + batch + ".");
    Inference.checkFits(source.folded(), data.test());
    return profile(data.test().take(batch).images(), rounds);
  }

  /** {@link #profile(Dataset, int, int)} on 8 test images (fewer if the split is smaller), 7 calls. */
  public Profile profile(Dataset data) {
    return profile(data, Math.min(8, data.test().size()), 7);
  }

  /** The profile of {@code batch} images of seeded random values, for models no data set fits (ImageNet-shaped zoo models). */
  public Profile profile(int batch) {
    if (batch < 1)
      throw new IntegerException("A batch needs at least one image, got " + batch + ".");
    Nd4j.getRandom().setSeed(1);
    return profile(
        Nd4j.randn(
            org.nd4j.linalg.api.buffer.DataType.FLOAT,
            source.folded().inputShape().withBatch(batch)),
        7);
  }

  /**
   * One call of {@link #predict}'s work on {@code x}, timed: each step's wall time in nanoseconds, in program order
   * (the last is the logits' accumulators), for profiles and benchmarks that split a call's time between its steps.
   */
  public long[] stepNanos(INDArray x) {
    long[] nanos = new long[steps.size()];
    call(x, nanos);
    return nanos;
  }

  /**
   * The profile of a float batch {@code x}: per step, the median wall time of {@code rounds} calls after the warm-up,
   * and the median of the whole calls, timed around the same calls.
   */
  public Profile profile(INDArray x, int rounds) {
    if (rounds < 1) throw new IntegerException("Profile at least one call, got " + rounds + ".");
    checkInput(x);
    int batch = (int) x.size(0);
    Latency.warm(this, x);
    long[][] nanos = new long[steps.size()][rounds];
    long[] one = new long[steps.size()];
    double[] calls = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long start = System.nanoTime();
      call(x, one);
      calls[r] = (System.nanoTime() - start) / 1e6;
      for (int i = 0; i < one.length; i++) nanos[i][r] = one[i];
      Work.progress(
          String.format("profiling %s batch %d: call %d / %d", name(), batch, r + 1, rounds));
    }
    List<Profile.Row> rows = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      double[] v = new double[rounds];
      for (int r = 0; r < rounds; r++) v[r] = nanos[i][r] / 1e6;
      LayerAccumulator a = s.layer();
      String why = a == null ? "" : bitlab.integer.kernel.ConvKernels.explain(a.kernel(), batch);
      rows.add(new Profile.Row(
          s.node(),
          s.op(),
          s.kernelName(),
          why,
          a == null ? 0 : a.geometry().macs() * batch,
          Latency.median(v),
          Double.NaN));
    }
    return new Profile(
        name(),
        source.policy().summary(),
        batch,
        rounds,
        Latency.median(calls),
        bitlab.cpu.CpuFeatures.current().toString(),
        bitlab.integer.kernel.Int8Peak.ofThisMachine(),
        rows,
        "");
  }

  /** Latency at batch 1 and 8 beside FP32 and the fake-quantized model (7 alternating rounds). */
  public Latency benchmark() {
    return Latency.measure(this, 7, 1, 8);
  }

  public Latency benchmark(int rounds, int... batches) {
    return Latency.measure(this, rounds, batches);
  }

  /** Whether every layer's kernel for {@code batch} images is chosen for good (see {@link bitlab.integer.kernel.ConvKernel#settled}). */
  public boolean settled(int batch) {
    for (Step s : steps) {
      LayerAccumulator a = s.layer();
      if (a != null && !a.kernel().settled(batch)) return false;
    }
    return true;
  }

  /** Bytes of the integer program's parameters: packed weight codes and int32 biases. */
  public long bytes() {
    long b = 0;
    for (Step s : steps) if (s.layer() != null) b += s.layer().bytes();
    return b;
  }

  /** Per layer: what runs, its bits, bytes and requantization. */
  public List<LayerSummary> layers() {
    List<LayerSummary> out = new ArrayList<>();
    for (Step s : steps) {
      LayerAccumulator acc = s.layer();
      int outBits = s.outputBits();
      out.add(new LayerSummary(
          s.node(),
          s.op(),
          acc == null ? 0 : acc.weights().bits(),
          outBits,
          acc == null ? 0 : acc.bytes(),
          acc == null ? 0 : acc.geometry().macs(),
          acc == null ? "" : acc.kernel().name(),
          s.rescaling()));
    }
    return out;
  }

  /** One step as the summary table shows it. */
  public record LayerSummary(
      String node,
      String op,
      int weightBits,
      int outputBits,
      long bytes,
      long macs,
      String kernel,
      String multipliers) {}

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(String.format(
        "Integer-only %s, %s: %d steps, %,d bytes of packed weights and int32 biases, rounding %s%n",
        name(),
        source.policy().summary(),
        steps.size(),
        bytes(),
        source.rounding().name().toLowerCase()));
    for (LayerSummary l : layers()) {
      b.append(String.format(
          "  %-14s %-18s %3s %3s %9s  %s%n",
          l.node(),
          l.op(),
          l.weightBits() == 0 ? "" : "W" + l.weightBits(),
          l.outputBits() == 0 ? "" : "A" + l.outputBits(),
          l.bytes() == 0 ? "" : String.format("%,d", l.bytes()),
          l.multipliers()));
    }
    return b.toString();
  }
}
