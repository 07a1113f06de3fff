package bitlab.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import bitlab.data.Samples;
import bitlab.integer.IntegerModel;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.model.Op;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Issue 21's target for an imported model: quantized W8A8 (static PTQ on 16 seeded normal images), its integer-only
 * program and ONNX Runtime on its QDQ export predict the same class on other seeded normal images. ONNX Runtime runs
 * the default export (exact: {@link QdqOptions#EXACT}) at each of its four optimisation levels (none: each
 * QuantizeLinear, DequantizeLinear and float operator as written; basic; extended; all, its default, where QDQ groups
 * become integer operators such as QLinearConv that requantize in float), and the unclipped export
 * ({@link QdqOptions#U8U8}, whose signed codes can reach -128) without optimisations.
 *
 * <p>Random weights make a degenerate classifier: a randomly initialised deep network gives every random image
 * nearly the same logits, so its raw top-1 is one class for all of them and agreement on it is trivially complete.
 * The comparison is therefore made on <em>centred</em> logits: each class's logit minus that class's mean over the
 * calibration images in bitlab's float model (one fixed vector, the same for both runtimes; for a linear classifier
 * the same as fitting its bias so that no class is favoured on average). Centred predictions spread over the
 * classes and their margins are small, so they test the arithmetic; the raw agreement is reported beside them. Two
 * runs of the same file by ONNX Runtime at two levels part on some centred predictions too: that is the noise floor
 * of float32 arithmetic on these networks ({@link Levels} tabulates every pair of runtimes and the margins of the
 * images they part on). {@code gapNone}, {@code gapOrt} and {@code gapUnclipped}: root-mean-square differences of centred
 * logits (integer against ONNX Runtime without optimisations, ONNX Runtime all against none, integer against the
 * unclipped export), over the root-mean-square centred logit: a wrong scale, zero point or operator gives 1 or more.
 */
final class QdqAgreement {
  static final int CALIBRATION = 16;

  private QdqAgreement() {}

  /**
   * {@code n} images (seed 23); {@code sameAll} and {@code sameNone} of them with the integer program's centred top-1
   * equal to ONNX Runtime's (all optimisations, none); {@code sameFloat} equal to bitlab's float model's (what W8A8
   * itself moves); {@code sameRaw} the raw top-1 with all optimisations; {@code ortSelf} ONNX Runtime's two levels
   * equal to each other (how far two runs of the same QDQ file part when their float arithmetic differs); {@code classes} distinct centred classes the
   * integer program predicts, {@code rawClasses} raw ones; {@code margin} the median centred top-2 gap over the
   * largest centred logit.
   */
  record Result(
      String model,
      int n,
      int sameAll,
      int sameNone,
      int sameUnclipped,
      int sameFloat,
      int sameRaw,
      int ortSelf,
      int classes,
      int rawClasses,
      double margin,
      double gapNone,
      double gapOrt,
      double gapUnclipped,
      Levels levels) {

    /**
     * The images whose centred margin exceeds twice the logit gap between ONNX Runtime's own levels (decisions that
     * float32 arithmetic does not flip) and on how many of them the integer program agrees with ONNX Runtime without
     * optimisations: {@code [images, agreeing]}.
     */
    int[] beyondNoise() {
      return levels.agreementAbove(2 * gapOrt);
    }

    String row() {
      int[] b = beyondNoise();
      return String.format(
          "| %s | %d | %s | %s | %s | %s | %s | %d | %s (%d) | %.3f | %.3f | %.3f | %.3f | %d of %d |",
          model,
          n,
          pct(sameAll),
          pct(sameNone),
          pct(sameUnclipped),
          pct(ortSelf),
          pct(sameFloat),
          classes,
          pct(sameRaw),
          rawClasses,
          margin,
          gapNone,
          gapOrt,
          gapUnclipped,
          b[1],
          b[0]);
    }

    private String pct(int k) {
      return String.format("%d (%.0f%%)", k, 100.0 * k / n);
    }

    static String header() {
      return "| model | images | integer = ORT QDQ, all optimisations | integer = ORT QDQ, none"
          + " | integer = ORT none on the unclipped export | ORT all = ORT none | integer = bitlab FP32 | classes (centred) | raw top-1: integer = ORT all"
          + " (raw classes) | median centred margin | logit gap integer - ORT none | logit gap ORT all - ORT none"
          + " | logit gap integer - ORT none, unclipped export | images beyond the noise (margin above twice the ORT gap): integer = ORT none"
          + " |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";
    }
  }

  /** Quantizes {@code m} W8A8, compiles its integer program (or throws the compiler's refusal) and compares. */
  static Result measure(Model model, int images, int batch) throws OrtException {
    Model m = logits(model);
    long c = m.inputShape().channels(),
        h = m.inputShape().height(),
        w = m.inputShape().width();
    INDArray calibration = calibration(m);
    QuantizedModel q = quantize(m);
    IntegerModel iq = IntegerModel.of(q);
    byte[] qdq = QdqExport.toBytes(q);
    String logits = m.output().name();
    double[] centre = floatLogits(m, logits, calibration).mean(0).toDoubleVector();
    INDArray x = Checks.normal(23, images, c, h, w);
    int sameAll = 0, sameNone = 0, sameUnclipped = 0, sameFloat = 0, sameRaw = 0, ortSelf = 0;
    TreeSet<Integer> classes = new TreeSet<>(), raw = new TreeSet<>();
    double[] margins = new double[images];
    // Root-mean-square differences of centred logits, over the root-mean-square centred logit of
    // ORT without
    // optimisations: how large the runtimes' differences are against what separates the classes.
    double dNone = 0, dOrt = 0, dUnclipped = 0, signal = 0;
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    // Centred top-1 of each runtime per image (integer, bitlab FP32, ONNX Runtime at each of its
    // four levels) and the
    // centred logits of ONNX Runtime without optimisations, the plain QDQ reference.
    int[][] top1 = new int[Levels.RUNTIMES.size()][images];
    double[][] reference = new double[images][];
    try (OrtSession.SessionOptions all = options(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        OrtSession.SessionOptions none = options(OrtSession.SessionOptions.OptLevel.NO_OPT);
        OrtSession.SessionOptions basic = options(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
        OrtSession.SessionOptions extended =
            options(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
        OrtSession optimized = env.createSession(qdq, all);
        OrtSession plain = env.createSession(qdq, none);
        OrtSession basicSession = env.createSession(qdq, basic);
        OrtSession unclipped = env.createSession(QdqExport.toBytes(q, QdqOptions.U8U8), none);
        OrtSession extendedSession = env.createSession(qdq, extended)) {
      for (int from = 0; from < images; from += batch) {
        int to = Math.min(images, from + batch);
        INDArray xb = x.get(NDArrayIndex.interval(from, to)).dup('c');
        INDArray ours = iq.predict(xb).castTo(DataType.DOUBLE);
        INDArray fl = floatLogits(m, logits, xb);
        INDArray a = run(env, optimized, xb), b = run(env, plain, xb);
        INDArray bs = run(env, basicSession, xb), ex = run(env, extendedSession, xb);
        INDArray nr = run(env, unclipped, xb);
        INDArray[] byRuntime = {ours, fl, b, bs, ex, a, nr}; // the order of Levels' columns
        for (int i = 0; i < to - from; i++) {
          int at = from + i;
          for (int r = 0; r < byRuntime.length; r++)
            top1[r][at] = argMax(byRuntime[r].getRow(i).toDoubleVector(), centre);
          double[] row = ours.getRow(i).toDoubleVector();
          double[] ra = a.getRow(i).toDoubleVector(), rb = b.getRow(i).toDoubleVector();
          reference[at] = rb;
          raw.add(argMax(row, null));
          if (argMax(row, null) == argMax(ra, null)) sameRaw++;
          int top = top1[0][at]; // each runtime's centred top-1, computed once above
          classes.add(top);
          if (top == top1[5][at]) sameAll++;
          if (top == top1[2][at]) sameNone++;
          if (top == top1[6][at]) sameUnclipped++;
          if (top == top1[1][at]) sameFloat++;
          if (top1[5][at] == top1[2][at]) ortSelf++;
          margins[at] = margin(row, centre, top);
          for (int k = 0; k < row.length; k++) {
            dNone += (row[k] - rb[k]) * (row[k] - rb[k]);
            double re = nr.getDouble(i, k);
            dUnclipped += (row[k] - re) * (row[k] - re);
            dOrt += (ra[k] - rb[k]) * (ra[k] - rb[k]);
            signal += (rb[k] - centre[k]) * (rb[k] - centre[k]);
          }
        }
      }
    }
    Arrays.sort(margins);
    return new Result(
        m.name(),
        images,
        sameAll,
        sameNone,
        sameUnclipped,
        sameFloat,
        sameRaw,
        ortSelf,
        classes.size(),
        raw.size(),
        margins[images / 2],
        Math.sqrt(dNone / signal),
        Math.sqrt(dOrt / signal),
        Math.sqrt(dUnclipped / signal),
        Levels.of(m.name(), top1, reference, centre, signal));
  }

  /** The model without a final Softmax, which saturates (ONNX Runtime's probabilities are one-hot on these networks). */
  static Model logits(Model model) {
    return model.output().op() instanceof Op.Softmax
        ? model.withNodes(model.nodes().subList(0, model.nodes().size() - 1), model.params())
        : model;
  }

  /** The calibration images (seed 5). */
  static INDArray calibration(Model m) {
    return Checks.normal(
        5,
        CALIBRATION,
        m.inputShape().channels(),
        m.inputShape().height(),
        m.inputShape().width());
  }

  /** {@code m} (see {@link #logits}) quantized W8A8 by static PTQ on the calibration images, as {@link #measure} does. */
  static QuantizedModel quantize(Model m) {
    Samples calib = new Samples(
        "random", calibration(m), new int[CALIBRATION], m.outputShape().channels());
    return Quantizer.ptq(m, Policy.uniform(m, 8, 8), calib, PtqConfig.DEFAULT);
  }

  private static INDArray floatLogits(Model m, String node, INDArray x) {
    INDArray l = Inference.outputs(m, x, List.of(node)).get(node);
    return l.reshape(l.size(0), l.length() / l.size(0)).castTo(DataType.DOUBLE);
  }

  private static OrtSession.SessionOptions options(OrtSession.SessionOptions.OptLevel level)
      throws OrtException {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    o.setOptimizationLevel(level);
    o.setIntraOpNumThreads(2);
    return o;
  }

  /** ONNX Runtime's output as N x classes. */
  private static INDArray run(OrtEnvironment env, OrtSession s, INDArray x) throws OrtException {
    float[] data = x.castTo(DataType.FLOAT).dup('c').data().asFloat();
    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), x.shape());
        OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), t))) {
      OnnxTensor out = (OnnxTensor) r.get(0);
      FloatBuffer fb = out.getFloatBuffer();
      double[] y = new double[fb.remaining()];
      for (int i = 0; i < y.length; i++) y[i] = fb.get(i);
      long n = out.getInfo().getShape()[0];
      return Nd4j.createFromArray(y).reshape(n, y.length / n);
    }
  }

  private static int argMax(double[] v, double[] centre) {
    int best = 0;
    for (int k = 1; k < v.length; k++) if (at(v, centre, k) > at(v, centre, best)) best = k;
    return best;
  }

  private static double at(double[] v, double[] centre, int k) {
    return centre == null ? v[k] : v[k] - centre[k];
  }

  private static double margin(double[] v, double[] centre, int top) {
    double second = Double.NEGATIVE_INFINITY, max = 0;
    for (int k = 0; k < v.length; k++) {
      if (k != top) second = Math.max(second, at(v, centre, k));
      max = Math.max(max, Math.abs(at(v, centre, k)));
    }
    return max == 0 ? 0 : (at(v, centre, top) - second) / max;
  }
}
