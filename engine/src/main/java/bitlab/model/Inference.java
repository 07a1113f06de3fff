package bitlab.model;

import bitlab.data.Samples;
import bitlab.task.Work;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Floating-point inference: logits and accuracy, through each model's SameDiff graph (cached per model). */
public final class Inference {
  private static final int BATCH = 250;
  private static final Map<Model, SameDiffGraph> GRAPHS = Collections.synchronizedMap(new WeakHashMap<>());

  private Inference() {}

  /** The compiled inference graph of a model, built once and kept while the model is reachable. */
  public static SameDiffGraph graph(Model model) {
    return GRAPHS.computeIfAbsent(model, m -> SameDiffGraph.build(m, SameDiffGraph.Mode.INFERENCE));
  }

  /** Logits {@code [N, classes]} for a batch of inputs {@code [N, ...input shape]}. */
  public static INDArray logits(Model model, INDArray x) {
    checkInput(model, x.shape(), "the input batch");
    return graph(model).logits(x);
  }

  /** Top-1 accuracy and mean cross-entropy on these samples. */
  public static Evaluation evaluate(Model model, Samples samples) {
    return evaluate(model, samples, graph(model));
  }

  /** Evaluation through a given graph (e.g. one with fake-quantization hooks). */
  public static Evaluation evaluate(Model model, Samples samples, SameDiffGraph graph) {
    checkFits(model, samples);
    int n = samples.size();
    int correct = 0;
    double loss = 0;
    int[] labels = samples.labels();
    for (int from = 0; from < n; from += BATCH) {
      int to = Math.min(n, from + BATCH);
      INDArray x = samples.images().get(NDArrayIndex.interval(from, to));
      INDArray logits = graph.logits(x);
      INDArray logp = Transforms.log(Transforms.softmax(logits.castTo(DataType.DOUBLE)), false);
      INDArray pred = Nd4j.argMax(logits, 1);
      for (int i = 0; i < to - from; i++) {
        int y = labels[from + i];
        if (pred.getInt(i) == y) correct++;
        loss -= logp.getDouble(i, y);
      }
      Work.progress(String.format("evaluating %s: %,d / %,d images", model.name(), to, n));
    }
    return new Evaluation(model.name(), samples.name(), correct, n, loss / Math.max(1, n));
  }

  /** Throws a one-sentence {@link ModelException} if the samples' images or classes do not fit the model. */
  public static void checkFits(Model model, Samples samples) {
    long[] shape = samples.images().shape();
    checkInput(model, shape, "dataset '" + samples.name() + "'");
    int classes = model.outputShape().channels();
    if (samples.classes() > classes) {
      throw new ModelException("Dataset '" + samples.name() + "' has " + samples.classes() + " classes but model '"
          + model.name() + "' predicts " + classes + ".");
    }
  }

  private static void checkInput(Model model, long[] shape, String what) {
    Shape in = model.inputShape();
    long[] want = in.withBatch(shape.length > 0 ? shape[0] : 1);
    if (!java.util.Arrays.equals(shape, want)) {
      StringBuilder got = new StringBuilder();
      for (int i = 1; i < shape.length; i++) got.append(i == 1 ? "" : "x").append(shape[i]);
      throw new ModelException("The images of " + what + " are " + got + " but model '" + model.name() + "' expects "
          + in + "; use data of that shape or a model built for " + got + " inputs.");
    }
  }
}
