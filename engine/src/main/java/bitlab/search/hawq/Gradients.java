package bitlab.search.hawq;

import bitlab.data.Samples;
import bitlab.model.Model;
import bitlab.model.SameDiffGraph;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseScalarOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Gradients of the mean cross-entropy over fixed images with respect to the layers' weights, in
 * double precision: the model's own SameDiff graph (inference mode: BatchNorm uses running
 * statistics) with every float variable, constant and placeholder converted to DOUBLE. Weights can
 * be set to any value before a gradient is taken; that is how Hessian-vector products are formed
 * by central differences ({@link HessianTraces}).
 *
 * <p>Why differences and not double backprop: SameDiff 1.0.0-M2.1 cannot differentiate its own
 * backward ops ({@code MmulBp.doDiff} throws "Differentiation of ... not supported"), so a gradient of
 * a gradient cannot be built.
 */
final class Gradients {
  /** Images per forward/backward pass; gradients of chunks are averaged weighted by size. */
  private static final int CHUNK = 256;

  private final SameDiff sd;
  private final String logits;
  private final List<String> weights;
  private final INDArray[] x;
  private final INDArray[] y;
  private final int total;

  Gradients(Model model, Samples images) {
    SameDiffGraph graph = SameDiffGraph.build(model, SameDiffGraph.Mode.INFERENCE);
    this.sd = graph.sameDiff();
    this.logits = graph.logits();
    Map<String, DataType> toDouble = new HashMap<>();
    for (SDVariable v : sd.variables()) {
      VariableType t = v.getVariableType();
      if ((t == VariableType.VARIABLE || t == VariableType.CONSTANT || t == VariableType.PLACEHOLDER)
          && v.dataType() == DataType.FLOAT) {
        toDouble.put(v.name(), DataType.DOUBLE);
      }
    }
    sd.convertDataTypes(toDouble);
    // convertDataTypes leaves two things in float: scalar operands of scalar ops (ReLU's cut-off,
    // BatchNorm's epsilon) and the declared type of intermediate arrays.
    for (DifferentialFunction f : sd.ops()) {
      if (f instanceof BaseScalarOp op && op.scalar() != null && op.scalar().dataType() == DataType.FLOAT) {
        op.setScalar(op.scalar().castTo(DataType.DOUBLE));
      }
    }
    for (SDVariable v : sd.variables()) {
      if (v.getVariableType() == VariableType.ARRAY && v.dataType() == DataType.FLOAT) v.setDataType(DataType.DOUBLE);
    }
    graph.prepareGradients();
    this.weights = model.layers().stream().map(n -> n.param("weight")).toList();
    int n = images.size();
    int chunks = (n + CHUNK - 1) / CHUNK;
    x = new INDArray[chunks];
    y = new INDArray[chunks];
    int classes = model.outputShape().channels();
    int[] labels = images.labels();
    for (int c = 0; c < chunks; c++) {
      int from = c * CHUNK;
      int to = Math.min(n, from + CHUNK);
      x[c] = images.images().get(NDArrayIndex.interval(from, to)).castTo(DataType.DOUBLE).dup();
      double[] hot = new double[(to - from) * classes];
      for (int i = from; i < to; i++) hot[(i - from) * classes + labels[i]] = 1;
      y[c] = Nd4j.create(hot, new long[] {to - from, classes}, 'c');
    }
    this.total = n;
  }

  List<String> weightNames() { return weights; }

  /** The current value of a weight (a copy, double). */
  INDArray weight(String name) {
    return sd.getVariable(name).getArr().dup();
  }

  void setWeight(String name, INDArray value) {
    sd.getVariable(name).getArr().assign(value);
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
      Map<String, INDArray> g = sd.calculateGradients(Map.of(SameDiffGraph.INPUT, x[c], SameDiffGraph.LABELS, targets[c]),
          names.toArray(new String[0]));
      double w = (double) x[c].size(0) / total;
      for (String k : names) {
        INDArray part = g.get(k).castTo(DataType.DOUBLE).mul(w);
        sum.merge(k, part, INDArray::addi);
      }
    }
    return sum;
  }

  /** The logits of every chunk of images at the current weights, {@code [images in chunk, classes]} in double. */
  INDArray[] logits() {
    INDArray[] out = new INDArray[x.length];
    for (int c = 0; c < x.length; c++) out[c] = sd.output(Map.of(SameDiffGraph.INPUT, x[c]), logits).get(logits).castTo(DataType.DOUBLE);
    return out;
  }

  int images() { return total; }

  /** The mean softmax cross-entropy of these logits (one array per chunk, as {@link #logits()} returns) against the labels. */
  double loss(INDArray[] z) {
    double sum = 0;
    for (int c = 0; c < z.length; c++) {
      INDArray logp = org.nd4j.linalg.ops.transforms.Transforms.log(org.nd4j.linalg.ops.transforms.Transforms.softmax(z[c], true), false);
      sum -= logp.mul(y[c]).sumNumber().doubleValue();
    }
    return sum / total;
  }
}
