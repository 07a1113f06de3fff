package bitlab.integer;

import bitlab.integer.kernel.ConvGeometry;
import bitlab.integer.kernel.ConvKernels;
import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import bitlab.model.Shape;
import bitlab.quant.BatchNormFolding;
import bitlab.quant.QuantParams;
import bitlab.quant.QuantSpec;
import bitlab.quant.Rounding;
import bitlab.task.Work;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * This machine as a hardware target: every layer of a model timed on the integer executor at every
 * weight/activation pair 2..8, written as a {@code lut} target (CSV table + YAML), as HAWQ-V3 measured
 * its T4 table. A layer is timed on codes of its own shape and widths (random, seeded): accumulation
 * with the executor's kernel plus its requantization, the median of several rounds.
 *
 * <p>The executor carries every code in a byte, so it has no sub-byte speed-up: expect a table that is
 * nearly flat across bit pairs (that is what this CPU does with these kernels). 1-bit entries, which the
 * {@code lut} format requires, repeat the 2-bit measurement (1-bit nets run through XNOR and popcount).
 *
 * <p>The operators without weights (Add, pooling, Concat, look-ups, ...) are timed too, once each, as the steps of the
 * model's W8A8 integer program ({@link OperatorTimes}), so that the target prices them as well.
 */
public record MeasuredTarget(
    String model,
    int batch,
    int rounds,
    List<String> layers,
    double[][][] micros,
    String kernel,
    OperatorTimes operators) {

  public static final int MIN_BITS = 2;
  public static final int MAX_BITS = 8;

  public static MeasuredTarget profile(Model net, int batch, int rounds) {
    if (batch < 1 || rounds < 1)
      throw new IntegerException("Profile with a batch and rounds of at least 1, got batch " + batch
          + ", rounds " + rounds + ".");
    Model m = BatchNormFolding.fold(net);
    List<Node> layers = m.layers();
    if (layers.isEmpty())
      throw new IntegerException("Model '" + net.name() + "' has no Conv or Linear layer to time.");
    double[][][] us = new double[layers.size()][9][9];
    Random rnd = new Random(1);
    String kernel = "";
    for (int l = 0; l < layers.size(); l++) {
      Node n = layers.get(l);
      ConvGeometry g = geometry(m, n);
      // Every pair's step is built first, then timed in sweeps over all pairs: JIT warm-up, thread
      // start-up
      // and machine noise fall on every pair alike, and the median over sweeps drops the outliers.
      int pairs = (MAX_BITS - MIN_BITS + 1) * (MAX_BITS - MIN_BITS + 1);
      ConvStep[] steps = new ConvStep[pairs];
      IntTensor[] inputs = new IntTensor[pairs];
      for (int w = MIN_BITS, i = 0; w <= MAX_BITS; w++) {
        for (int a = MIN_BITS; a <= MAX_BITS; a++, i++) {
          steps[i] = syntheticStep(n, g, w, a, rnd);
          inputs[i] = randomInput(g, batch, a, rnd);
        }
      }
      kernel = steps[0].layer().kernel().name();
      double[][] t = new double[pairs][rounds];
      for (int sweep = -2; sweep < rounds; sweep++) { // two untimed sweeps first
        for (int i = 0; i < pairs; i++) {
          long t0 = System.nanoTime();
          steps[i].run(List.of(inputs[i]));
          if (sweep >= 0) t[i][sweep] = (System.nanoTime() - t0) / 1e3;
        }
        Work.progress(String.format(
            "timing %s layer %d / %d (%s): sweep %d / %d over %d bit pairs",
            net.name(), l + 1, layers.size(), n.name(), Math.max(0, sweep + 1), rounds, pairs));
      }
      for (int w = MIN_BITS, i = 0; w <= MAX_BITS; w++) {
        for (int a = MIN_BITS; a <= MAX_BITS; a++, i++) us[l][w][a] = Latency.median(t[i]);
      }
      for (int k = 1; k <= MAX_BITS; k++) { // 1-bit entries repeat the 2-bit ones
        us[l][1][k] = us[l][2][Math.max(k, 2)];
        us[l][k][1] = us[l][Math.max(k, 2)][2];
      }
    }
    return new MeasuredTarget(
        net.name(),
        batch,
        rounds,
        layers.stream().map(Node::name).toList(),
        us,
        kernel,
        OperatorTimes.profile(net, batch, rounds));
  }

  /** The geometry the executor runs the layer with (a dilated kernel with zeros between its taps, see {@link DilatedKernel}). */
  static ConvGeometry geometry(Model m, Node n) {
    Shape in = m.node(n.inputs().get(0)).shape();
    if (n.op() instanceof Op.Conv2d c) return DilatedKernel.geometry(c, in);
    Op.Linear lin = (Op.Linear) n.op();
    return ConvGeometry.linear(lin.in(), lin.out());
  }

  private static ConvStep syntheticStep(Node n, ConvGeometry g, int w, int a, Random rnd) {
    int hi = (1 << (w - 1)) - 1;
    byte[] codes = new byte[g.weightSize()];
    for (int i = 0; i < codes.length; i++) codes[i] = (byte) (rnd.nextInt(2 * hi + 1) - hi);
    LayerAccumulator acc = new LayerAccumulator(
        n.name(),
        g,
        n.op() instanceof Op.Linear,
        PackedCodes.pack(codes, w),
        new int[g.outChannels()],
        ConvKernels.best(g, codes, true, 0));
    Dyadic[] mult = new Dyadic[g.outChannels()];
    Arrays.fill(mult, Dyadic.of(1.0 / (g.fanIn() * (double) hi)));
    QuantParams out =
        new QuantParams(QuantSpec.activations(a, false), new float[] {1f}, new int[] {0});
    Shape shape = n.op() instanceof Op.Linear
        ? Shape.vector(g.outChannels())
        : Shape.image(g.outChannels(), g.outH(), g.outW());
    return new ConvStep(
        n.name(),
        n.op().type(),
        "x",
        0,
        shape,
        acc,
        mult,
        out,
        0,
        (1 << a) - 1,
        Rounding.HALF_EVEN);
  }

  private static IntTensor randomInput(ConvGeometry g, int batch, int a, Random rnd) {
    byte[] x = new byte[batch * g.inputSize()];
    for (int i = 0; i < x.length; i++) x[i] = (byte) rnd.nextInt(1 << a);
    Shape s = g.inH() == 1 && g.inW() == 1 && g.kernelH() == 1
        ? Shape.vector(g.inChannels())
        : Shape.image(g.inChannels(), g.inH(), g.inW());
    return new IntTensor(
        s, batch, x, new QuantParams(QuantSpec.activations(a, false), new float[] {1f}, new int[] {0
        }));
  }

  /** Microseconds of layer {@code l} at {@code w}-bit weights and {@code a}-bit activations. */
  public double micros(int l, int w, int a) {
    return micros[l][w][a];
  }

  /** The table in the {@code lut} kind's CSV format (microseconds). */
  public String csv() {
    StringBuilder b = new StringBuilder();
    b.append("# ")
        .append(model)
        .append(" measured by bitlab's integer executor (kernel ")
        .append(kernel)
        .append("), batch ")
        .append(batch)
        .append(", median of ")
        .append(rounds)
        .append(" rounds; latency in microseconds per batch.\n");
    b.append(
        "# 1-bit entries repeat the 2-bit measurement: the executor runs 2..8-bit codes (1-bit nets use XNOR/popcount).\n");
    b.append("layer,name,w_bits,a_bits,latency\n");
    for (int l = 0; l < layers.size(); l++) {
      for (int w = 1; w <= MAX_BITS; w++) {
        for (int a = 1; a <= MAX_BITS; a++)
          b.append(String.format("%d,%s,%d,%d,%.3f%n", l, layers.get(l), w, a, micros[l][w][a]));
      }
    }
    return b.toString();
  }

  public String yaml(String name) {
    String cpu = System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors()
        + " cores, Java " + System.getProperty("java.version");
    return "name: " + name + "\n"
        + "description: \"" + model
        + " timed layer by layer on this machine by bitlab's integer-only executor (" + cpu
        + ")\"\n"
        + "kind: lut\n"
        + "parameters:\n"
        + "  table: " + name + ".csv\n"
        + "  secondsPerUnit: {value: 1.0e-6, unit: s, source: \"the table is in microseconds\"}\n"
        + "  batch: {value: " + batch + ", source: \"images per timed run\"}\n"
        + (operators.measured() ? "  operators: " + name + "-operators.csv\n" : "")
        + "calibration: \"measured: median of " + rounds + " rounds per layer and bit pair, kernel "
        + kernel + "; 1-bit entries repeat 2-bit ones; " + operators.note() + "\"\n";
  }

  /**
   * Writes {@code name.csv}, {@code name-operators.csv} (when the operators without weights were timed) and
   * {@code name.yaml} into {@code dir}, each whole or not at all; returns the YAML's path.
   */
  public Path write(Path dir, String name) {
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new IntegerException(
          "A target name takes letters, digits, '.', '_' and '-', got '" + name + "'.");
    }
    try {
      Files.createDirectories(dir);
      writeWhole(dir.resolve(name + ".csv"), csv());
      if (operators.measured())
        writeWhole(dir.resolve(name + "-operators.csv"), operators.csv(model, batch, rounds));
      return writeWhole(dir.resolve(name + ".yaml"), yaml(name));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not write the measured target into " + dir + ": " + e.getMessage(), e);
    }
  }

  private static Path writeWhole(Path file, String text) throws IOException {
    bitlab.files.WholeFile.write(file, text);
    return file;
  }
}
