package bitlab.search.hawq;

import bitlab.data.Samples;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Exact Hessian traces of a network's last layers, in closed form, to check Hutchinson's estimates
 * against. Under mean softmax cross-entropy with {@code A = diag(p) - p p^T} per image (p the softmax
 * of the logits):
 * <ul>
 *   <li>the classifier {@code z = W h + b} (the Linear layer whose output is the logits):
 *       {@code Tr(H_W) = mean ||h||^2 tr(A)};</li>
 *   <li>a Linear layer {@code u = V a + c} feeding the classifier through one ReLU ({@code h = relu(u)}):
 *       {@code Tr(H_V) = mean ||a||^2 sum_k m_k (W^T A W)_kk}, m the ReLU's mask.</li>
 * </ul>
 * Both are exact, not Gauss-Newton approximations: the logits are piecewise linear in these weights,
 * so the second-derivative term of the chain rule vanishes (as it does in every autodiff at a ReLU).
 * BatchNorm, pooling or convolutions between the two layers are not covered: such layers are left out.
 */
public final class ExactTraces {
  /** One layer's exact trace. */
  public record Exact(String layer, double trace, long parameters) {
    public double average() {
      return trace / parameters;
    }
  }

  private static final int BATCH = 250;

  private ExactTraces() {}

  /**
   * Exact traces of the classifier and, when the network ends Linear, ReLU, Linear, of the layer before
   * it, averaged over these samples (in that order: earlier layer first).
   */
  public static List<Exact> lastLayers(Model model, Samples samples) {
    Inference.checkFits(model, samples);
    Node classifier = classifier(model);
    Node before = feedingThroughRelu(model, classifier);
    String hName = classifier.inputs().get(0);
    List<String> wanted = new ArrayList<>(List.of(hName, logitsName(model)));
    String aName = null;
    if (before != null) {
      aName = before.inputs().get(0);
      wanted.add(aName);
    }
    double[][] w = model
        .param(classifier.param("weight"))
        .castTo(DataType.DOUBLE)
        .toDoubleMatrix(); // [classes, hidden]
    double classifierSum = 0;
    double beforeSum = 0;
    int n = samples.size();
    for (int from = 0; from < n; from += BATCH) {
      int to = Math.min(n, from + BATCH);
      var out =
          Inference.outputs(model, samples.images().get(NDArrayIndex.interval(from, to)), wanted);
      double[][] h = flat(out.get(hName), to - from);
      double[][] z = out.get(logitsName(model)).castTo(DataType.DOUBLE).toDoubleMatrix();
      double[][] a = aName == null ? null : flat(out.get(aName), to - from);
      for (int i = 0; i < to - from; i++) {
        double[] p = softmax(z[i]);
        double trA = 0;
        for (double pc : p) trA += pc * (1 - pc);
        classifierSum += dot(h[i], h[i]) * trA;
        if (a != null) {
          double inner = 0;
          for (int k = 0; k < h[i].length; k++) {
            if (!(h[i][k] > 0))
              continue; // the ReLU's mask: its output is positive where its input is
            double sq = 0;
            double lin = 0;
            for (int c = 0; c < p.length; c++) {
              sq += p[c] * w[c][k] * w[c][k];
              lin += p[c] * w[c][k];
            }
            inner += sq - lin * lin; // (W^T A W)_kk
          }
          beforeSum += dot(a[i], a[i]) * inner;
        }
      }
      bitlab.task.Work.progress(
          String.format("exact traces of %s: %,d / %,d images", model.name(), to, n));
    }
    List<Exact> result = new ArrayList<>();
    if (before != null)
      result.add(new Exact(
          before.name(), beforeSum / n, model.param(before.param("weight")).length()));
    result.add(new Exact(
        classifier.name(),
        classifierSum / n,
        model.param(classifier.param("weight")).length()));
    return result;
  }

  /** The Linear layer that produces the logits. */
  static Node classifier(Model model) {
    Node out = model.node(logitsName(model));
    if (!(out.op() instanceof Op.Linear)) {
      throw new HawqException(
          "Model '" + model.name() + "' does not end in a Linear layer (its logits come from '"
              + out.name() + "', a " + out.op().getClass().getSimpleName()
              + "); exact traces are known in closed form only for a final Linear classifier.");
    }
    return out;
  }

  private static String logitsName(Model model) {
    Node out = model.output();
    return out.op() instanceof Op.Softmax ? out.inputs().get(0) : out.name();
  }

  /** The Linear layer feeding {@code classifier} through exactly one ReLU (and nothing else), or null. */
  private static Node feedingThroughRelu(Model model, Node classifier) {
    Node relu = model.node(classifier.inputs().get(0));
    if (!(relu.op() instanceof Op.Relu)) return null;
    Node lin = model.node(relu.inputs().get(0));
    if (!(lin.op() instanceof Op.Linear)) return null;
    for (Node n : model.nodes()) {
      if (n != relu && n.inputs().contains(lin.name()))
        return null; // its output also goes elsewhere
      if (n != classifier && n.inputs().contains(relu.name())) return null;
    }
    return lin;
  }

  private static double[][] flat(INDArray x, int rows) {
    return x.castTo(DataType.DOUBLE).reshape(rows, -1).toDoubleMatrix();
  }

  private static double[] softmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) max = Math.max(max, v);
    double[] p = new double[z.length];
    double sum = 0;
    for (int c = 0; c < z.length; c++) sum += p[c] = Math.exp(z[c] - max);
    for (int c = 0; c < z.length; c++) p[c] /= sum;
    return p;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }
}
