package bitlab.search.hawq;

import bitlab.data.Samples;
import bitlab.model.Model;
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
 * vector u, in double precision. SameDiff 1.0.0-M2.1 cannot differentiate its own backward ops, so
 * there is no exact Hessian-vector product; three estimators work around that
 * ({@link TraceOptions.Probes}, {@link TraceOptions.Curvature}):
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
 *       {@code (J v)^T A (J v)} from the forward difference {@code (z(W + h v) - z(W)) / h} of the logits
 *       ({@code h = sqrt(eps) * rms(W_i)}, the balance of truncation and rounding for a forward
 *       difference; one forward pass per probe and layer); {@code GRADIENTS} curvature takes
 *       {@code v^T (g(W + h v) - g(W - h v)) / 2h} with {@code h = eps^(1/3) * rms(W_i)} (the balance for a
 *       central difference; two gradients per probe and layer; any network).</li>
 *   <li>{@code JOINT} probes, u in all weights at once, by differences of gradients: two gradients per
 *       probe, but each layer's estimate carries the cross terms {@code v_i^T H_ij v_j} (zero mean, large
 *       variance next to layers of larger curvature).</li>
 * </ul>
 * On the shipped LeNet-5 (64 images, the same 40 per-layer probes) JACOBIAN and GRADIENTS samples agreed
 * to a median relative difference of 3e-8; on conv1 single probes differed by up to 0.5% (a ReLU kink
 * within the gradient difference's step), the means by 0.03%. JACOBIAN took a third of the CPU time.
 */
public final class HessianTraces {
  private static final double STEP = Math.cbrt(Math.ulp(1.0));
  private static final double FORWARD_STEP = Math.sqrt(Math.ulp(1.0));

  private HessianTraces() {}

  /** Traces of every Conv and Linear layer of the model on the first {@code options.images()} images. */
  public static Traces estimate(Model model, Samples train, TraceOptions options) {
    if (model.layers().isEmpty()) {
      throw new HawqException("Model '" + model.name() + "' has no Conv or Linear layers with weights; HAWQ-V3 has nothing to allocate bits to.");
    }
    boolean jacobian = options.curvature() == TraceOptions.Curvature.JACOBIAN;
    boolean outputs = options.probes() == TraceOptions.Probes.OUTPUT;
    if (jacobian || outputs) requirePiecewiseLinear(model);
    long start = System.nanoTime();
    Samples images = train.take(options.images());
    bitlab.model.Inference.checkFits(model, images);
    Gradients grads = new Gradients(model, images);
    List<String> names = grads.weightNames();
    int layers = names.size();
    INDArray[] w0 = new INDArray[layers];
    double[] step = new double[layers];
    double sumSquares = 0;
    long count = 0;
    for (int i = 0; i < layers; i++) {
      w0[i] = grads.weight(names.get(i));
      double ss = w0[i].mul(w0[i]).sumNumber().doubleValue();
      step[i] = (jacobian ? FORWARD_STEP : STEP) * Math.max(Math.sqrt(ss / w0[i].length()), 1e-3);
      sumSquares += ss;
      count += w0[i].length();
    }
    if (options.probes() == TraceOptions.Probes.JOINT) {
      // One step for all layers: with per-layer steps the cross terms v_i^T H_ij v_j would be scaled by
      // step_j / step_i, which inflates the variance of layers with small weights next to large ones.
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
      double[] sample = options.probes() == TraceOptions.Probes.OUTPUT ? output(grads, names, p0, random)
          : options.probes() == TraceOptions.Probes.JOINT ? joint(grads, names, w0, step, random)
          : jacobian ? perLayerJacobian(grads, names, w0, step, random, z0, p0) : perLayer(grads, names, w0, step, random);
      converged = iterations >= options.minIterations();
      for (int i = 0; i < layers; i++) {
        sum[i] += sample[i];
        sumSq[i] += sample[i] * sample[i];
        samples[i][iterations - 1] = sample[i];
        double mean = sum[i] / iterations;
        if (iterations == 1 || Math.abs(mean - previous[i]) > options.tolerance() * Math.abs(mean)) converged = false;
        previous[i] = mean;
      }
      Work.progress(String.format("Hessian traces of %s: probe %d of at most %d", model.name(), iterations, options.maxIterations()));
    }
    List<LayerTrace> out = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      double mean = sum[i] / iterations;
      double var = iterations > 1 ? Math.max(0, (sumSq[i] - iterations * mean * mean) / (iterations - 1)) : Double.NaN;
      out.add(new LayerTrace(model.layers().get(i).name(), mean, Math.sqrt(var / iterations), w0[i].length(), iterations,
          java.util.Arrays.copyOf(samples[i], iterations)));
    }
    return new Traces(model.name(), images.name(), images.size(), options, out, converged, (System.nanoTime() - start) / 1e9);
  }

  /** One probe per layer: v nonzero on that layer only; returns v_i^T H_ii v_i per layer. */
  private static double[] perLayer(Gradients g, List<String> names, INDArray[] w0, double[] step, Random r) {
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
   * {@code (J v)^T A (J v) = sum_c p_c d_c^2 - (sum_c p_c d_c)^2} for the logits' change d.
   */
  private static double[] perLayerJacobian(Gradients g, List<String> names, INDArray[] w0, double[] step, Random r, INDArray[] z0,
      INDArray[] p0) {
    double[] out = new double[names.size()];
    for (int i = 0; i < names.size(); i++) {
      INDArray v = rademacher(w0[i], r);
      g.setWeight(names.get(i), w0[i].add(v.mul(step[i])));
      INDArray[] z = g.logits();
      g.setWeight(names.get(i), w0[i]);
      double s = 0;
      for (int c = 0; c < z.length; c++) {
        INDArray d = z[c].sub(z0[c]).divi(step[i]);
        INDArray pd = p0[c].mul(d);
        INDArray lin = pd.sum(1);
        s += pd.mul(d).sum(1).subi(lin.mul(lin)).sumNumber().doubleValue();
      }
      out[i] = s / g.images();
      Work.checkpoint();
    }
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
    for (int c = 0; c < z.length; c++) p[c] = org.nd4j.linalg.ops.transforms.Transforms.softmax(z[c], true);
    return p;
  }

  /** The Jacobian form needs logits piecewise linear in every layer's weights: a Softmax only at the very end. */
  private static void requirePiecewiseLinear(Model model) {
    for (bitlab.model.Node n : model.nodes()) {
      if (n.op() instanceof bitlab.model.Op.Softmax && n != model.output()) {
        throw new HawqException("Model '" + model.name() + "' has a Softmax inside ('" + n.name() + "'), so its logits are not piecewise linear "
            + "in the weights and JACOBIAN curvature would miss a term; use GRADIENTS curvature for it.");
      }
    }
  }

  /** One probe over all layers at once; returns v_i^T (H v)_i per layer (unbiased for Tr(H_ii)). */
  private static double[] joint(Gradients g, List<String> names, INDArray[] w0, double[] step, Random r) {
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
      // Block i of (g(W + h v) - g(W - h v)) / 2h is H_ii v_i plus cross terms H_ij v_j, which average to zero.
      out[i] = v[i].mul(plus.get(names.get(i)).sub(minus.get(names.get(i)))).sumNumber().doubleValue() / (2 * step[i]);
    }
    return out;
  }

  private static INDArray rademacher(INDArray like, Random r) {
    double[] v = new double[(int) like.length()];
    for (int k = 0; k < v.length; k++) v[k] = r.nextBoolean() ? 1 : -1;
    return Nd4j.create(v, like.shape(), 'c').castTo(DataType.DOUBLE);
  }
}
