package bitlab.search.hawq;

import bitlab.data.Samples;
import bitlab.model.Model;
import bitlab.nn.Hooks;
import bitlab.nn.Net;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Gradients of the mean cross-entropy over fixed images with respect to the layers' weights, their
 * exact Hessian-vector products (forward over reverse) and the logits' Jacobian-vector products, on
 * the float engine in inference mode (BatchNorm uses running statistics), in float or in double (the
 * reference arithmetic, for finite-difference checks). Weights can be set to any value in between.
 * Results come back in double. Images are taken in chunks; results are averaged weighted by size.
 */
final class Gradients implements AutoCloseable {
  /** Images per pass: a Hessian pass keeps values, gradients and both tangents of every layer. */
  private static final int CHUNK = 64;

  private final Net net;
  private final String logits;
  private final List<String> weights;
  private final INDArray[] x;
  private final INDArray[] y;
  private final int total;

  Gradients(Model model, Samples images) {
    this(model, images, Net.Precision.DOUBLE);
  }

  Gradients(Model model, Samples images, Net.Precision precision) {
    this.weights = model.layers().stream().map(n -> n.param("weight")).toList();
    this.net = Net.compile(model, Net.Mode.INFERENCE, Hooks.NONE, precision, weights);
    this.logits = Net.logitsNode(model);
    int n = images.size();
    int chunks = (n + CHUNK - 1) / CHUNK;
    x = new INDArray[chunks];
    y = new INDArray[chunks];
    int classes = model.outputShape().channels();
    int[] labels = images.labels();
    for (int c = 0; c < chunks; c++) {
      int from = c * CHUNK;
      int to = Math.min(n, from + CHUNK);
      x[c] = images.images().get(NDArrayIndex.interval(from, to)).dup();
      double[] hot = new double[(to - from) * classes];
      for (int i = from; i < to; i++) hot[(i - from) * classes + labels[i]] = 1;
      y[c] = Nd4j.create(hot, new long[] {to - from, classes}, 'c');
    }
    this.total = n;
  }

  List<String> weightNames() {
    return weights;
  }

  /** The current value of a weight (a copy, double). */
  INDArray weight(String name) {
    return net.parameter(name).castTo(DataType.DOUBLE).dup();
  }

  void setWeight(String name, INDArray value) {
    net.setParameter(name, value);
  }

  /** Gradients of the mean loss over all images for the named weights. */
  Map<String, INDArray> gradient(List<String> names) {
    return gradient(names, y);
  }

  /**
   * Gradients of the mean softmax cross-entropy against other targets, one {@code [images, classes]}
   * array per chunk. The loss's gradient in the logits is {@code p - t} for targets t that sum to 1
   * per image, so targets {@code p - r} (any r summing to 0 per image) give {@code (1/N) sum_n J_n^T r_n}.
   */
  Map<String, INDArray> gradient(List<String> names, INDArray[] targets) {
    Map<String, INDArray> sum = new HashMap<>();
    for (int c = 0; c < x.length; c++) {
      net.lossAndGradients(x[c], targets[c]);
      add(sum, names, c, net::gradient);
    }
    return sum;
  }

  /** The exact Hessian-vector products {@code H v} of the mean loss for a direction in the weights (missing layers: zero). */
  Map<String, INDArray> hessianVector(Map<String, INDArray> v, List<String> names) {
    Map<String, INDArray> sum = new HashMap<>();
    for (int c = 0; c < x.length; c++) {
      net.hessianVectorProduct(x[c], y[c], v);
      add(sum, names, c, net::hessianVector);
    }
    return sum;
  }

  private void add(
      Map<String, INDArray> sum,
      List<String> names,
      int chunk,
      java.util.function.Function<String, INDArray> of) {
    double w = (double) x[chunk].size(0) / total;
    for (String k : names) sum.merge(k, of.apply(k).castTo(DataType.DOUBLE).mul(w), INDArray::addi);
  }

  /** The logits of every chunk of images at the current weights, {@code [images in chunk, classes]} in double. */
  INDArray[] logits() {
    INDArray[] out = new INDArray[x.length];
    for (int c = 0; c < x.length; c++)
      out[c] = net.outputs(x[c], List.of(logits)).get(logits).castTo(DataType.DOUBLE);
    return out;
  }

  /** The logits' derivative along a direction in the weights, per chunk, in double (exact: forward mode, no difference step). */
  INDArray[] logitsTangent(Map<String, INDArray> v) {
    INDArray[] out = new INDArray[x.length];
    for (int c = 0; c < x.length; c++) out[c] = net.logitsTangent(x[c], v).castTo(DataType.DOUBLE);
    return out;
  }

  int images() {
    return total;
  }

  /** The mean softmax cross-entropy of these logits (one array per chunk, as {@link #logits()} returns) against the labels. */
  double loss(INDArray[] z) {
    double sum = 0;
    for (int c = 0; c < z.length; c++) {
      INDArray logp = org.nd4j.linalg.ops.transforms.Transforms.log(
          org.nd4j.linalg.ops.transforms.Transforms.softmax(z[c], true), false);
      sum -= logp.mul(y[c]).sumNumber().doubleValue();
    }
    return sum / total;
  }

  @Override
  public void close() {
    net.close();
  }
}
