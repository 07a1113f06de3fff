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
 * Per-layer Hessian traces by Hutchinson's estimator: {@code Tr(H) = E[v^T H v]} for Rademacher
 * {@code v}. Hessian-vector products are central differences of gradients in double precision,
 * {@code H v ~ (g(W + h v) - g(W - h v)) / 2h}, with {@code h = eps^(1/3) * rms(W_i)}: the step that
 * balances the truncation error ({@code O(h^2)}) against rounding ({@code O(eps / h)}) for a
 * central difference, in the units of the layer's weights. Each layer's probes are independent
 * ({@link TraceOptions.Probes#PER_LAYER}) or shared ({@link TraceOptions.Probes#JOINT}, where the
 * cross terms {@code v_i^T H_ij v_j} average to zero).
 */
public final class HessianTraces {
  private static final double STEP = Math.cbrt(Math.ulp(1.0));

  private HessianTraces() {}

  /** Traces of every Conv and Linear layer of the model on the first {@code options.images()} images. */
  public static Traces estimate(Model model, Samples train, TraceOptions options) {
    if (model.layers().isEmpty()) {
      throw new HawqException("Model '" + model.name() + "' has no Conv or Linear layers with weights; HAWQ-V3 has nothing to allocate bits to.");
    }
    long start = System.nanoTime();
    Samples images = train.take(options.images());
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
      step[i] = STEP * Math.max(Math.sqrt(ss / w0[i].length()), 1e-3);
      sumSquares += ss;
      count += w0[i].length();
    }
    if (options.probes() == TraceOptions.Probes.JOINT) {
      // One step for all layers: with per-layer steps the cross terms v_i^T H_ij v_j would be scaled by
      // step_j / step_i, which inflates the variance of layers with small weights next to large ones.
      java.util.Arrays.fill(step, STEP * Math.max(Math.sqrt(sumSquares / count), 1e-3));
    }
    Random random = new Random(options.seed());
    double[] sum = new double[layers];
    double[] sumSq = new double[layers];
    double[] previous = new double[layers];
    int iterations = 0;
    boolean converged = false;
    while (iterations < options.maxIterations() && !converged) {
      iterations++;
      double[] sample = options.probes() == TraceOptions.Probes.JOINT
          ? joint(grads, names, w0, step, random) : perLayer(grads, names, w0, step, random, model.name(), iterations);
      converged = iterations >= options.minIterations();
      for (int i = 0; i < layers; i++) {
        sum[i] += sample[i];
        sumSq[i] += sample[i] * sample[i];
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
      out.add(new LayerTrace(model.layers().get(i).name(), mean, Math.sqrt(var / iterations), w0[i].length(), iterations));
    }
    return new Traces(model.name(), images.name(), images.size(), options, out, converged, (System.nanoTime() - start) / 1e9);
  }

  /** One probe per layer: v nonzero on that layer only; returns v_i^T H_ii v_i per layer. */
  private static double[] perLayer(Gradients g, List<String> names, INDArray[] w0, double[] step, Random r, String model, int it) {
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
