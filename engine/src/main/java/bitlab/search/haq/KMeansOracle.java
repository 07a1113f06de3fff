package bitlab.search.haq;

import bitlab.data.Samples;
import bitlab.hardware.Bits;
import bitlab.model.Evaluation;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.nn.Net;
import bitlab.quant.kmeans.CentroidTuning;
import bitlab.quant.kmeans.SharedWeights;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HAQ's reward for the model-size experiment (the paper's comparison with Deep Compression): each layer's weights
 * shared by k-means at the policy's weight width ({@link SharedWeights}), optionally the centroids fine-tuned on the
 * training part ({@link CentroidTuning}), then top-1 accuracy on the validation images. Only weights are quantized;
 * activations stay float, so a policy's activation widths are ignored and policies that differ only there share
 * one score. The look-up is simulated in float. Size budgets count each layer's codebook ({@link #sharesWeights}).
 */
public final class KMeansOracle implements AccuracyOracle {
  private final Model model;
  private final Samples evaluation;
  private final Samples train;
  private final FineTune finetune;
  private final long seed;
  private final Map<String, Score> byWeights = new ConcurrentHashMap<>();
  private final AtomicInteger diverged = new AtomicInteger();
  private final AtomicInteger finetuned = new AtomicInteger();
  private volatile String firstDivergence;
  private final AtomicLong finetuneNanos = new AtomicLong();
  private Double reference;

  /** {@code train} may be null when {@code finetune} is off; images prepared for the model. */
  public KMeansOracle(
      Model model, Samples evaluation, Samples train, FineTune finetune, long seed) {
    if (finetune.on() && (train == null || train.size() == 0)) {
      throw new HaqException(
          "Fine-tuning the centroids needs training images, and this data set has none; score without it (FineTune.OFF).");
    }
    this.model = model;
    this.evaluation = evaluation;
    this.train = train;
    this.finetune = finetune;
    this.seed = seed;
  }

  @Override
  public synchronized double reference() {
    if (reference == null) reference = AccuracyOracle.unquantized(model, evaluation);
    return reference;
  }

  @Override
  public double accuracy(List<Bits> policy) {
    return score(policy).accuracy();
  }

  @Override
  public Score score(List<Bits> policy) {
    int[] w = Policies.weights(policy);
    return byWeights.computeIfAbsent(Arrays.toString(w), k -> {
      long t = System.nanoTime();
      SharedWeights s = share(w);
      double tuning = finetune.on() ? (System.nanoTime() - t) / 1e9 : 0;
      Evaluation e = evaluate(s, evaluation);
      return new Score(100 * e.accuracy(), e.loss(), tuning);
    });
  }

  /** The accuracy (percent) of the policy's shared weights on other samples (the test images, for final policies). */
  public double accuracy(List<Bits> policy, Samples samples) {
    return 100 * evaluate(share(Policies.weights(policy)), samples).accuracy();
  }

  /** The policy's weights shared (and fine-tuned, if this oracle fine-tunes). */
  public SharedWeights share(int[] weightBits) {
    SharedWeights s = SharedWeights.of(model, weightBits);
    if (!finetune.on()) return s;
    long t = System.nanoTime();
    finetuned.incrementAndGet();
    try {
      return CentroidTuning.fineTune(
          s,
          train,
          finetune.stepsFor(train.size()),
          finetune.batchSize(),
          finetune.learningRate(),
          seed);
    } catch (CentroidTuning.Diverged d) {
      if (diverged.incrementAndGet() == 1) firstDivergence = d.getMessage();
      return s;
    } finally {
      finetuneNanos.addAndGet(System.nanoTime() - t);
    }
  }

  private static Evaluation evaluate(SharedWeights s, Samples samples) {
    Model m = s.model();
    try {
      return Net.oneThread(() -> Inference.evaluate(m, samples));
    } finally {
      Inference.release(m);
    }
  }

  /** Fine-tunes that diverged (each policy was scored with its weights shared but not fine-tuned). */
  public int diverged() {
    return diverged.get();
  }

  @Override
  public boolean sharesWeights() {
    return true;
  }

  @Override
  public int images() {
    return evaluation.size();
  }

  @Override
  public String describe() {
    String tuned = !finetune.on()
        ? "no fine-tuning"
        : String.format(
                "centroids fine-tuned %d steps of %d images of %s (Adam %.1e, seed %d)",
                finetune.stepsFor(train.size()),
                finetune.batchSize(),
                train.name(),
                finetune.learningRate(),
                seed)
            + (diverged.get() == 0
                ? ""
                : "; " + diverged.get() + " of " + finetuned.get()
                    + " fine-tunes diverged and those policies were scored without it (the first: "
                    + firstDivergence + ")");
    return String.format(
        "k-means weight sharing per layer (2^b float32 centroids, codebooks counted in the size; "
            + "simulated float look-up, activations float), %s, scored on %d images of %s",
        tuned, evaluation.size(), evaluation.name());
  }
}
