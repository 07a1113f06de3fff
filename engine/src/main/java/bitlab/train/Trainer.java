package bitlab.train;

import bitlab.data.Batch;
import bitlab.data.Dataset;
import bitlab.data.Samples;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import bitlab.nn.Hooks;
import bitlab.nn.Net;
import bitlab.task.Work;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Supervised training with softmax cross-entropy on the float engine ({@link Net} in training mode).
 * BatchNorm running statistics are kept as PyTorch keeps them, progress is reported per batch, an
 * interrupt stops between batches (a batch takes well under a second), and a loss that is not a
 * finite number stops training with a sentence naming the epoch and batch, keeping the weights of the
 * last finished epoch. The network's memory is allocated once and freed when training ends.
 */
public final class Trainer {
  private Trainer() {}

  public static TrainResult train(Model model, Dataset data, TrainConfig cfg) {
    return train(model, data, cfg, Hooks.NONE, e -> {});
  }

  /** Trains through hooks (e.g. the binarisation of {@code bitlab.quant.binary.BinaryNets}). */
  public static TrainResult train(Model model, Dataset data, TrainConfig cfg, Hooks hooks) {
    return train(model, data, cfg, hooks, e -> {});
  }

  /** As {@link #train(Model, Dataset, TrainConfig)}, telling {@code onEpoch} about each epoch as it ends (long runs log it). */
  public static TrainResult train(
      Model model, Dataset data, TrainConfig cfg, Consumer<EpochRecord> onEpoch) {
    return train(model, data, cfg, Hooks.NONE, onEpoch);
  }

  public static TrainResult train(
      Model model, Dataset data, TrainConfig cfg, Hooks hooks, Consumer<EpochRecord> onEpoch) {
    data = model.prepare(data);
    Inference.checkFits(model, data.train());
    Nd4j.getRandom().setSeed(cfg.seed());
    int batchesPerEpoch = (data.train().size() + cfg.batchSize() - 1) / cfg.batchSize();
    List<EpochRecord> history = new ArrayList<>();
    Model current = model;
    // Epochs are watched on the validation part; the test part scores only the final model.
    Samples watched = data.hasValidation() ? data.validation() : data.test();
    String part = data.hasValidation() ? "validation" : "test";
    double test = Double.NaN;
    try (Net net = Net.compile(model, Net.Mode.TRAINING, hooks)) {
      Optimizer opt = new Optimizer(net, cfg, batchesPerEpoch);
      List<Node> norms =
          model.nodes().stream().filter(n -> n.op() instanceof Op.BatchNorm).toList();
      for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
        long start = System.nanoTime();
        double lossSum = 0;
        int seen = 0;
        int b = 0;
        java.util.Random augment = new java.util.Random(cfg.seed() * 7919 + epoch);
        for (Batch batch : data.train().batches(cfg.batchSize(), cfg.seed() * 1000 + epoch)) {
          b++;
          if (batch.labels().length < 2) continue; // BatchNorm statistics need at least two images
          INDArray x = cfg.shift() > 0 && batch.x().rank() == 4
              ? Augment.shift(batch.x(), cfg.shift(), augment)
              : batch.x();
          double loss = net.lossAndGradients(x, batch.oneHot());
          if (x != batch.x()) x.close();
          if (!Double.isFinite(loss)) {
            String why = String.format(
                "Training of %s stopped at epoch %d, batch %d of %d: the loss became %s; the model keeps the weights "
                    + "of %s. Lower the learning rate (it was %s) or check the data for extreme values.",
                model.name(),
                epoch,
                b,
                batchesPerEpoch,
                Double.isNaN(loss) ? "NaN" : "infinite",
                epoch == 1 ? "before training" : "epoch " + (epoch - 1),
                cfg.learningRate());
            return new TrainResult(current, cfg, history, Double.NaN, why);
          }
          opt.step(epoch);
          updateRunning(net, norms, batch.labels().length);
          lossSum += loss * batch.labels().length;
          seen += batch.labels().length;
          if (b % 10 == 0 || b == batchesPerEpoch) {
            Work.progress(String.format(
                "training %s: epoch %d/%d, batch %d/%d, loss %.4f",
                model.name(), epoch, cfg.epochs(), b, batchesPerEpoch, lossSum / seen));
          } else {
            Work.checkpoint();
          }
        }
        current = net.snapshot();
        double acc;
        try (Net eval = Net.compile(current, Net.Mode.INFERENCE, hooks)) {
          acc = Inference.evaluate(current, watched, eval::logits).accuracy();
          if (epoch == cfg.epochs())
            test = watched == data.test()
                ? acc
                : Inference.evaluate(current, data.test(), eval::logits).accuracy();
        }
        EpochRecord record = new EpochRecord(
            epoch, lossSum / Math.max(1, seen), acc, part, (System.nanoTime() - start) / 1e9);
        history.add(record);
        onEpoch.accept(record);
      }
    }
    return new TrainResult(current.trainedOn(data), cfg, history, test);
  }

  /** PyTorch's update: running = (1 - m) running + m batch, with the unbiased batch variance. */
  private static void updateRunning(Net net, List<Node> norms, int images) {
    if (norms.isEmpty()) return;
    Map<String, INDArray[]> stats = net.batchStatistics();
    for (Node bn : norms) {
      INDArray[] s = stats.get(bn.name());
      double m = ((Op.BatchNorm) bn.op()).momentum();
      long count = (long) images * (bn.shape().elements() / bn.shape().channels());
      double unbias = count > 1 ? (double) count / (count - 1) : 1;
      INDArray mean = net.parameter(bn.param("running_mean"));
      INDArray var = net.parameter(bn.param("running_var"));
      mean.muli(1 - m).addi(s[0].castTo(mean.dataType()).muli(m));
      var.muli(1 - m).addi(s[1].castTo(var.dataType()).muli(m * unbias));
    }
    net.parametersChanged();
  }
}
