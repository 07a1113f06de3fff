package bitlab.search.hawq;

import bitlab.data.Samples;
import bitlab.model.Model;
import bitlab.nn.Net;
import bitlab.task.Work;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-layer Hessian traces by Hutchinson's estimator, {@code Tr(M) = E[u^T M u]} for a Rademacher
 * vector u. The float engine differentiates its backward pass, so Hessian-vector products are exact
 * ({@link TraceOptions.Curvature#EXACT}) and the logits' Jacobian-vector products too (forward mode);
 * central differences of gradients ({@link TraceOptions.Curvature#GRADIENTS}, in double) are kept as a
 * check. The probes ({@link TraceOptions.Probes}):
 * <ul>
 *   <li>{@code OUTPUT} probes (the default): u lives in the logits of the images. For networks that
 *       are piecewise linear in each layer's weights (Conv, Linear, BatchNorm at inference, ReLU,
 *       ReLU6, pooling, Add, Concat) the logits' second derivative in one layer's weights vanishes, so
 *       the block is {@code H_ii = (1/N) sum_n J_ni^T A_n J_ni}, {@code A = diag(p) - p p^T} the
 *       cross-entropy's Hessian in the logits. With {@code A = B B^T} and {@code r = B u}, one gradient
 *       against the targets {@code p - r} is {@code (1/N) sum_n J_n^T r_n} for every layer at once,
 *       and its squared norm per layer estimates {@code Tr(H_ii)} without cross terms between layers.
 *       One gradient per probe, whatever the depth.</li>
 *   <li>{@code PER_LAYER} probes, u in one layer's weights: {@code JACOBIAN} curvature forms
 *       {@code (J v)^T A (J v)} from the logits' exact derivative along v (one forward pass with tangents
 *       per probe and layer); {@code EXACT} takes {@code v^T H v} from one Hessian-vector product;
 *       {@code GRADIENTS} takes {@code v^T (g(W + h v) - g(W - h v)) / 2h} with {@code h = eps^(1/3) * rms(W_i)}
 *       (two gradients in double per probe and layer).</li>
 *   <li>{@code JOINT} probes, u in all weights at once: one exact Hessian-vector product (or two gradients)
 *       per probe, but each layer's estimate carries the cross terms {@code v_i^T H_ij v_j} (zero mean,
 *       large variance next to layers of larger curvature).</li>
 * </ul>
 */
public final class HessianTraces {
  private static final double STEP = Math.cbrt(Math.ulp(1.0));

  private HessianTraces() {}

  /** Traces of every Conv and Linear layer of the model on the first {@code options.images()} images. */
  public static Traces estimate(Model model, Samples train, TraceOptions options) {
    if (model.layers().isEmpty()) {
      throw new HawqException(
          "Model '" + model.name()
              + "' has no Conv or Linear layers with weights; HAWQ-V3 has nothing to allocate bits to.");
    }
    boolean jacobian = options.curvature() == TraceOptions.Curvature.JACOBIAN;
    boolean exact = options.curvature() == TraceOptions.Curvature.EXACT;
    boolean outputs = options.probes() == TraceOptions.Probes.OUTPUT;
    if (jacobian || outputs) requirePiecewiseLinear(model);
    long start = System.nanoTime();
    Samples images = train.take(options.images());
    bitlab.model.Inference.checkFits(model, images);
    // Differences of gradients need double precision; everything else is exact and runs on oneDNN
    // in float.
    Net.Precision precision = options.curvature() == TraceOptions.Curvature.GRADIENTS
        ? Net.Precision.DOUBLE
        : Net.Precision.FLOAT;
    try (Gradients grads = new Gradients(model, images, precision)) {
      return estimate(model, images, options, grads, jacobian, exact, outputs, start);
    }
  }

  private static Traces estimate(
      Model model,
      Samples images,
      TraceOptions options,
      Gradients grads,
      boolean jacobian,
      boolean exact,
      boolean outputs,
      long start) {
    List<String> names = grads.weightNames();
    int layers = names.size();
    INDArray[] w0 = new INDArray[layers];
    double[] step = new double[layers];
    double sumSquares = 0;
    long count = 0;
    for (int i = 0; i < layers; i++) {
      w0[i] = grads.weight(names.get(i));
      double ss = w0[i].mul(w0[i]).sumNumber().doubleValue();
      step[i] = STEP * Math.max(Math.sqrt(ss / w0[i].length()), 1e-3);
      sumSquares += ss;
      count += w0[i].length();
    }
    if (options.probes() == TraceOptions.Probes.JOINT) {
      // One step for all layers: with per-layer steps the cross terms v_i^T H_ij v_j would be
      // scaled by
      // step_j / step_i, which inflates the variance of layers with small weights next to large
      // ones.
      java.util.Arrays.fill(step, STEP * Math.max(Math.sqrt(sumSquares / count), 1e-3));
    }
    Random random = new Random(options.seed());
    INDArray[] z0 = jacobian || outputs ? grads.logits() : null;

    INDArray[] p0 = jacobian || outputs ? softmax(z0) : null;
    double[] sum = new double[layers];
    double[] sumSq = new double[layers];
    double[][] samples = new double[layers][options.maxIterations()];
    double[] previous = new double[layers];
    int iterations = 0;
    boolean converged = false;
    while (iterations < options.maxIterations() && !converged) {
      iterations++;
      double[] sample = options.probes() == TraceOptions.Probes.OUTPUT
          ? output(grads, names, p0, random)
          : options.probes() == TraceOptions.Probes.JOINT
              ? (exact
                  ? jointExact(grads, names, w0, random)
                  : joint(grads, names, w0, step, random))
              : jacobian
                  ? perLayerJacobian(grads, names, w0, random, p0)
                  : exact
                      ? perLayerExact(grads, names, w0, random)
                      : perLayer(grads, names, w0, step, random);
      converged = iterations >= options.minIterations();
      for (int i = 0; i < layers; i++) {
        sum[i] += sample[i];
        sumSq[i] += sample[i] * sample[i];
        samples[i][iterations - 1] = sample[i];
        double mean = sum[i] / iterations;
        if (iterations == 1 || Math.abs(mean - previous[i]) > options.tolerance() * Math.abs(mean))
          converged = false;
        previous[i] = mean;
      }
      Work.progress(String.format(
          "Hessian traces of %s: probe %d of at most %d",
          model.name(), iterations, options.maxIterations()));
    }
    List<LayerTrace> out = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      double mean = sum[i] / iterations;
      double var = iterations > 1
          ? Math.max(0, (sumSq[i] - iterations * mean * mean) / (iterations - 1))
          : Double.NaN;
      out.add(new LayerTrace(
          model.layers().get(i).name(),
          mean,
          Math.sqrt(var / iterations),
          w0[i].length(),
          iterations,
          java.util.Arrays.copyOf(samples[i], iterations)));
    }
    return new Traces(
        model.name(),
        images.name(),
        images.size(),
        options,
        out,
        converged,
        (System.nanoTime() - start) / 1e9);
  }

  /** One probe per layer: v nonzero on that layer only; returns v_i^T H_ii v_i per layer. */
  private static double[] perLayer(
      Gradients g, List<String> names, INDArray[] w0, double[] step, Random r) {
    double[] out = new double[names.size()];
    for (int i = 0; i < names.size(); i++) {
      INDArray v = rademacher(w0[i], r);
      String name = names.get(i);
      g.setWeight(name, w0[i].add(v.mul(step[i])));
      INDArray plus = g.gradient(List.of(name)).get(name);
      g.setWeight(name, w0[i].sub(v.mul(step[i])));
      INDArray minus = g.gradient(List.of(name)).get(name);
      g.setWeight(name, w0[i]);
      out[i] = v.mul(plus.sub(minus)).sumNumber().doubleValue() / (2 * step[i]);
      Work.checkpoint();
    }
    return out;
  }

  /**
   * One probe per layer, {@code v^T H_ii v = mean_n (J v)_n^T A_n (J v)_n} with
   * {@code (J v)^T A (J v) = sum_c p_c d_c^2 - (sum_c p_c d_c)^2} for the logits' derivative d along v.
   */
  private static double[] perLayerJacobian(
      Gradients g, List<String> names, INDArray[] w0, Random r, INDArray[] p0) {
    double[] out = new double[names.size()];
    for (int i = 0; i < names.size(); i++) {
      INDArray v = rademacher(w0[i], r);
      INDArray[] d = g.logitsTangent(Map.of(names.get(i), v));
      double s = 0;
      for (int c = 0; c < d.length; c++) {
        INDArray pd = p0[c].mul(d[c]);
        INDArray lin = pd.sum(1);
        s += pd.mul(d[c]).sum(1).subi(lin.mul(lin)).sumNumber().doubleValue();
      }
      out[i] = s / g.images();
      Work.checkpoint();
    }
    return out;
  }

  /** One probe per layer: {@code v_i^T H_ii v_i} from one exact Hessian-vector product. */
  private static double[] perLayerExact(Gradients g, List<String> names, INDArray[] w0, Random r) {
    double[] out = new double[names.size()];
    for (int i = 0; i < names.size(); i++) {
      INDArray v = rademacher(w0[i], r);
      String name = names.get(i);
      out[i] = v.mul(g.hessianVector(Map.of(name, v), List.of(name)).get(name))
          .sumNumber()
          .doubleValue();
      Work.checkpoint();
    }
    return out;
  }

  /** One probe over all layers at once from one exact Hessian-vector product; returns {@code v_i^T (H v)_i} per layer. */
  private static double[] jointExact(Gradients g, List<String> names, INDArray[] w0, Random r) {
    Map<String, INDArray> v = new java.util.HashMap<>();
    for (int i = 0; i < names.size(); i++) v.put(names.get(i), rademacher(w0[i], r));
    Map<String, INDArray> hv = g.hessianVector(v, names);
    double[] out = new double[names.size()];
    for (int i = 0; i < names.size(); i++)
      out[i] = v.get(names.get(i)).mul(hv.get(names.get(i))).sumNumber().doubleValue();
    Work.checkpoint();
    return out;
  }

  /**
   * One Rademacher probe u in the space of the logits (images x classes), all layers from one
   * gradient: with {@code A_n = B_n B_n^T}, {@code B = diag(sqrt p) - p sqrt(p)^T}, and
   * {@code r_n = B_n u_n}, the gradient against targets {@code p - r} is {@code g = (1/N) sum_n J_n^T r_n},
   * and {@code E ||g_i||^2 = (1/N^2) sum_n Tr(J_ni^T A_n J_ni) = Tr(H_ii) / N}: Hutchinson's estimator of
   * {@code Tr(B^T J_i J_i^T B)} = {@code Tr(J_i^T A J_i)}, which is {@code N Tr(H_ii)} for piecewise-linear networks.
   */
  private static double[] output(Gradients g, List<String> names, INDArray[] p0, Random r) {
    INDArray[] targets = new INDArray[p0.length];
    for (int c = 0; c < p0.length; c++) {
      INDArray u = rademacher(p0[c], r);
      INDArray sp = org.nd4j.linalg.ops.transforms.Transforms.sqrt(p0[c], true);
      INDArray spu = sp.mul(u);
      INDArray proj = spu.sum(true, 1); // [n, 1]: sqrt(p) . u per image
      INDArray rr = spu.sub(p0[c].mulColumnVector(proj));
      targets[c] = p0[c].sub(rr);
    }
    Map<String, INDArray> grad = g.gradient(names, targets);
    double[] out = new double[names.size()];
    double n = g.images();
    for (int i = 0; i < names.size(); i++) {
      INDArray gi = grad.get(names.get(i));
      out[i] = n * gi.mul(gi).sumNumber().doubleValue();
    }
    Work.checkpoint();
    return out;
  }

  private static INDArray[] softmax(INDArray[] z) {
    INDArray[] p = new INDArray[z.length];
    for (int c = 0; c < z.length; c++)
      p[c] = org.nd4j.linalg.ops.transforms.Transforms.softmax(z[c], true);
    return p;
  }

  /** The Jacobian form needs logits piecewise linear in every layer's weights: a Softmax only at the very end. */
  private static void requirePiecewiseLinear(Model model) {
    for (bitlab.model.Node n : model.nodes()) {
      if (n.op() instanceof bitlab.model.Op.Softmax && n != model.output()) {
        throw new HawqException(
            "Model '" + model.name() + "' has a Softmax inside ('" + n.name()
                + "'), so its logits are not piecewise linear "
                + "in the weights and JACOBIAN curvature would miss a term; use GRADIENTS curvature for it.");
      }
    }
  }

  /** One probe over all layers at once; returns v_i^T (H v)_i per layer (unbiased for Tr(H_ii)). */
  private static double[] joint(
      Gradients g, List<String> names, INDArray[] w0, double[] step, Random r) {
    int n = names.size();
    INDArray[] v = new INDArray[n];
    for (int i = 0; i < n; i++) {
      v[i] = rademacher(w0[i], r);
      g.setWeight(names.get(i), w0[i].add(v[i].mul(step[i])));
    }
    Map<String, INDArray> plus = g.gradient(names);
    for (int i = 0; i < n; i++) g.setWeight(names.get(i), w0[i].sub(v[i].mul(step[i])));
    Map<String, INDArray> minus = g.gradient(names);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      g.setWeight(names.get(i), w0[i]);
      // Block i of (g(W + h v) - g(W - h v)) / 2h is H_ii v_i plus cross terms H_ij v_j, which
      // average to zero.
      out[i] = v[i].mul(plus.get(names.get(i)).sub(minus.get(names.get(i))))
              .sumNumber()
              .doubleValue()
          / (2 * step[i]);
    }
    return out;
  }

  private static INDArray rademacher(INDArray like, Random r) {
    double[] v = new double[(int) like.length()];
    for (int k = 0; k < v.length; k++) v[k] = r.nextBoolean() ? 1 : -1;
    return Nd4j.create(v, like.shape(), 'c').castTo(DataType.DOUBLE);
  }
}
