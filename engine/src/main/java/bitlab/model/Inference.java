package bitlab.model;

import bitlab.data.Samples;
import bitlab.task.Work;
import java.util.Collection;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Floating-point inference: logits, node outputs and accuracy, computed by the {@link FloatEngine} listed in
 * {@code META-INF/services} (the float engine of {@code bitlab.nn}, which keeps the networks of the few most recently
 * used models and frees their native memory as soon as a model falls out of that set, or by {@link #release}).
 */
public final class Inference {
  private static final int BATCH = 250;

  private Inference() {}

  /** The float engine, found once. */
  private static final class Engine {
    static final FloatEngine INSTANCE = java.util.ServiceLoader.load(
            FloatEngine.class, Inference.class.getClassLoader())
        .findFirst()
        .orElseThrow(
            () -> new IllegalStateException("No float engine (" + FloatEngine.class.getName()
                + ") is listed in META-INF/services: the engine's jar is incomplete."));
  }

  /** Frees the working memory of a model's inference network now (it recompiles on the next use). */
  public static void release(Model model) {
    Engine.INSTANCE.release(model);
  }

  /** Logits {@code [N, classes]} for a batch of inputs {@code [N, ...input shape]}. */
  public static INDArray logits(Model model, INDArray x) {
    checkInput(model, x.shape(), "the input batch");
    return Engine.INSTANCE.logits(model, x);
  }

  /** Node outputs (before any hook) for a batch, by node name. */
  public static Map<String, INDArray> outputs(Model model, INDArray x, Collection<String> nodes) {
    checkInput(model, x.shape(), "the input batch");
    return Engine.INSTANCE.outputs(model, x, nodes);
  }

  /** Top-1 accuracy and mean cross-entropy on these samples. */
  public static Evaluation evaluate(Model model, Samples samples) {
    return evaluate(model, samples, x -> Engine.INSTANCE.logits(model, x));
  }

  /** Evaluation through any function from a batch of images to logits (e.g. a network with fake-quantization hooks). */
  public static Evaluation evaluate(
      Model model, Samples samples, java.util.function.UnaryOperator<INDArray> logitsOf) {
    checkFits(model, samples);
    int n = samples.size();
    int correct = 0;
    double loss = 0;
    int[] labels = samples.labels();
    for (int from = 0; from < n; from += BATCH) {
      int to = Math.min(n, from + BATCH);
      INDArray x = samples.images(from, to);
      INDArray logits = logitsOf.apply(x);
      double[] z = logits.castTo(DataType.DOUBLE).data().asDouble();
      int classes = (int) logits.size(1);
      for (int i = 0; i < to - from; i++) {
        int y = labels[from + i];
        int best = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
          double v = z[i * classes + k];
          if (v > max) {
            max = v;
            best = k;
          }
        }
        double sum = 0;
        for (int k = 0; k < classes; k++) sum += Math.exp(z[i * classes + k] - max);
        if (best == y) correct++;
        loss -= z[i * classes + y] - max - Math.log(sum);
      }
      Work.progress(String.format("evaluating %s: %,d / %,d images", model.name(), to, n));
    }
    return new Evaluation(model.name(), samples.name(), correct, n, loss / Math.max(1, n));
  }

  /** Throws a one-sentence {@link ModelException} if the samples' images or classes do not fit the model. */
  public static void checkFits(Model model, Samples samples) {
    int[] chw = samples.shape();
    long[] shape = {samples.size(), chw[0], chw[1], chw[2]};
    checkInput(model, shape, "dataset '" + samples.name() + "'");
    int classes = model.outputShape().channels();
    if (samples.classes() > classes) {
      throw new ModelException("Dataset '" + samples.name() + "' has " + samples.classes()
          + " classes but model '" + model.name() + "' predicts " + classes + ".");
    }
  }

  private static void checkInput(Model model, long[] shape, String what) {
    Shape in = model.inputShape();
    long[] want = in.withBatch(shape.length > 0 ? shape[0] : 1);
    if (!java.util.Arrays.equals(shape, want)) {
      StringBuilder got = new StringBuilder();
      for (int i = 1; i < shape.length; i++) got.append(i == 1 ? "" : "x").append(shape[i]);
      throw new ModelException(
          "The images of " + what + " are " + got + " but model '" + model.name() + "' expects "
              + in + "; use data of that shape or a model built for " + got + " inputs.");
    }
  }
}
