package bitlab.dsl.quant;

import bitlab.data.Dataset;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import bitlab.model.Evaluation;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.nn.Net;
import bitlab.quant.binary.BinaryNets;
import bitlab.quant.binary.XnorNet;
import bitlab.train.TrainConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A binarized network trained on a data set and run two ways on its test split: the float simulation
 * (the float engine with sign weights and activations) and the XNOR-popcount engine; {@code agreeing} counts the
 * images on which both predict the same class.
 */
public record BinaryReport(
    Model model,
    Evaluation simulated,
    Evaluation xnor,
    int agreeing,
    int total,
    long xnorBytes,
    long floatBytes)
    implements Renderable {

  /** Trains {@link BinaryNets#lenet} (28x28 data) or {@link BinaryNets#small} (8x8) with Adam for {@code epochs}. */
  public static BinaryReport train(Dataset data, int epochs, long seed) {
    int size = data.shape()[1];
    Model init = size >= 20 ? BinaryNets.lenet(size, seed) : BinaryNets.small(size, seed);
    Model bnn = BinaryNets.train(init, data, TrainConfig.adam(epochs, seed).withLearningRate(3e-3))
        .model();
    return of(bnn, data);
  }

  /** Runs a trained binarized model both ways. */
  public static BinaryReport of(Model bnn, Dataset data) {
    Dataset prepared = bnn.prepare(data);
    try (Net sim = BinaryNets.simulation(bnn)) {
      return of(bnn, prepared, sim);
    }
  }

  private static BinaryReport of(Model bnn, Dataset data, Net sim) {
    Evaluation s = Inference.evaluate(bnn, data.test(), sim::logits);
    XnorNet x = XnorNet.compile(bnn);
    int[] xp = x.predict(data.test().images());
    int n = xp.length;
    int agree = 0;
    int correct = 0;
    for (int from = 0; from < n; from += 250) {
      int to = Math.min(n, from + 250);
      INDArray logits = sim.logits(data.test().images(from, to));
      INDArray pred = Nd4j.argMax(logits, 1);
      for (int i = from; i < to; i++) {
        if (pred.getInt(i - from) == xp[i]) agree++;
        if (xp[i] == data.test().label(i)) correct++;
      }
    }
    Evaluation xe =
        new Evaluation(bnn.name() + " (XNOR-popcount)", data.test().name(), correct, n, Double.NaN);
    long weights = bnn.layers().stream()
        .mapToLong(l -> bnn.param(l.param("weight")).length())
        .sum();
    return new BinaryReport(bnn, s, xe, agree, n, x.sizeBytes(), 4 * weights);
  }

  public boolean identical() {
    return agreeing == total;
  }

  @Override
  public String toString() {
    return String.format(
        "%s: float simulation %.2f%%, XNOR-popcount %.2f%%, same prediction on %,d of %,d images; "
            + "%,d bytes packed (float weights: %,d)",
        model.name(),
        100 * simulated.accuracy(),
        100 * xnor.accuracy(),
        agreeing,
        total,
        xnorBytes,
        floatBytes);
  }

  @Override
  public MimeBundle render() {
    return MimeBundle.html(toString(), "<p>" + TableHtml.escape(toString()) + "</p>");
  }
}
