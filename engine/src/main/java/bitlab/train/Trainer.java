package bitlab.train;

import bitlab.data.Batch;
import bitlab.data.Dataset;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import bitlab.model.SameDiffGraph;
import bitlab.task.Work;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * Supervised training with softmax cross-entropy through a model's SameDiff graph. The loop is
 * ours (not {@code SameDiff.fit}) so that BatchNorm running statistics are kept as PyTorch keeps
 * them, progress is reported per batch and an interrupt stops between batches.
 */
public final class Trainer {
  private Trainer() {}

  public static TrainResult train(Model model, Dataset data, TrainConfig cfg) {
    return train(model, data, cfg, SameDiffGraph.build(model, SameDiffGraph.Mode.TRAINING));
  }

  /** Trains through a given training graph (e.g. with fake-quantization hooks for QAT). */
  public static TrainResult train(Model model, Dataset data, TrainConfig cfg, SameDiffGraph graph) {
    return train(model, data, cfg, graph, e -> {});
  }

  /** As {@link #train(Model, Dataset, TrainConfig)}, telling {@code onEpoch} about each epoch as it ends (long runs log it). */
  public static TrainResult train(Model model, Dataset data, TrainConfig cfg, java.util.function.Consumer<EpochRecord> onEpoch) {
    return train(model, data, cfg, SameDiffGraph.build(model, SameDiffGraph.Mode.TRAINING), onEpoch);
  }

  private static TrainResult train(Model model, Dataset data, TrainConfig cfg, SameDiffGraph graph,
      java.util.function.Consumer<EpochRecord> onEpoch) {
    Inference.checkFits(model, data.train());
    Nd4j.getRandom().setSeed(cfg.seed());
    SameDiff sd = graph.prepareGradients().sameDiff();
    List<String> params = graph.trainable();
    int batchesPerEpoch = (data.train().size() + cfg.batchSize() - 1) / cfg.batchSize();
    CosineSchedule lr = new CosineSchedule(cfg.learningRate(), cfg.epochs() * batchesPerEpoch);
    IUpdater config = cfg.optimizer() == TrainConfig.Optimizer.ADAM ? new Adam(lr) : new Nesterovs(lr, cfg.momentum());
    Map<String, GradientUpdater<?>> updaters = new HashMap<>();
    for (String p : params) {
      INDArray arr = sd.getArrForVarName(p);
      long state = config.stateSize(arr.length());
      INDArray view = state == 0 ? null : Nd4j.zeros(DataType.FLOAT, 1, state);
      GradientUpdater<?> u = config.instantiate(view, true);
      if (view != null) u.setStateViewArray(view, arr.shape(), 'c', true);
      updaters.put(p, u);
    }
    Map<String, INDArray> running = runningStats(model, graph);
    List<String> outputs = new ArrayList<>(List.of(SameDiffGraph.LOSS));
    graph.batchStats().values().forEach(s -> outputs.addAll(List.of(s)));

    List<EpochRecord> history = new ArrayList<>();
    int iteration = 0;
    OffHeap offHeap = new OffHeap();
    Model current = model;
    for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
      long start = System.nanoTime();
      double lossSum = 0;
      int seen = 0;
      int b = 0;
      java.util.Random augment = new java.util.Random(cfg.seed() * 7919 + epoch);
      for (Batch batch : data.train().batches(cfg.batchSize(), cfg.seed() * 1000 + epoch)) {
        if (batch.labels().length < 2) continue; // BatchNorm statistics need at least two images
        INDArray x = cfg.shift() > 0 && batch.x().rank() == 4 ? Augment.shift(batch.x(), cfg.shift(), augment) : batch.x();
        OutAndGrad r = sd.calculateGradientsAndOutputs(
            Map.of(SameDiffGraph.INPUT, x, SameDiffGraph.LABELS, batch.oneHot()), outputs, params);
        for (String p : params) {
          INDArray w = sd.getArrForVarName(p);
          INDArray g = r.getGradients().get(p);
          if (cfg.weightDecay() > 0 && p.endsWith(".weight") && w.rank() > 1) {
            INDArray decay = w.mul(cfg.weightDecay());
            g.addi(decay);
            decay.close();
          }
          updaters.get(p).applyUpdater(g, iteration, epoch - 1);
          w.subi(g);
        }
        updateRunning(graph, r.getOutputs(), running, batch);
        double loss = r.getOutputs().get(SameDiffGraph.LOSS).getDouble(0);
        OffHeap.release(r.getGradients().values());
        OffHeap.release(r.getOutputs().values());
        if (x != batch.x()) x.close();
        offHeap.collect();
        lossSum += loss * batch.labels().length;
        seen += batch.labels().length;
        iteration++;
        b++;
        if (b % 10 == 0 || b == batchesPerEpoch) {
          Work.progress(String.format("training %s: epoch %d/%d, batch %d/%d, loss %.4f", model.name(), epoch, cfg.epochs(),
              b, batchesPerEpoch, lossSum / seen));
        } else {
          Work.checkpoint();
        }
      }
      current = snapshot(model, sd, params, running);
      double acc = Inference.evaluate(current, data.test()).accuracy();
      EpochRecord record = new EpochRecord(epoch, lossSum / Math.max(1, seen), acc, (System.nanoTime() - start) / 1e9);
      history.add(record);
      onEpoch.accept(record);
    }
    return new TrainResult(current, cfg, history);
  }

  private static Map<String, INDArray> runningStats(Model model, SameDiffGraph graph) {
    Map<String, INDArray> r = new LinkedHashMap<>();
    for (String bn : graph.batchStats().keySet()) {
      r.put(bn + ".running_mean", model.param(bn + ".running_mean").castTo(DataType.FLOAT).dup());
      r.put(bn + ".running_var", model.param(bn + ".running_var").castTo(DataType.FLOAT).dup());
    }
    return r;
  }

  /** PyTorch's update: running = (1 - m) running + m batch, with the unbiased batch variance. */
  private static void updateRunning(SameDiffGraph graph, Map<String, INDArray> out, Map<String, INDArray> running, Batch batch) {
    for (Map.Entry<String, String[]> e : graph.batchStats().entrySet()) {
      String bn = e.getKey();
      Node node = graph.model().node(bn);
      double m = ((Op.BatchNorm) node.op()).momentum();
      INDArray mean = out.get(e.getValue()[0]);
      INDArray var = out.get(e.getValue()[1]);
      long count = batch.x().size(0) * (node.shape().elements() / node.shape().channels());
      double unbias = count > 1 ? (double) count / (count - 1) : 1;
      try (INDArray meanStep = mean.reshape(mean.length()).mul(m); INDArray varStep = var.reshape(var.length()).mul(m * unbias)) {
        running.get(bn + ".running_mean").muli(1 - m).addi(meanStep);
        running.get(bn + ".running_var").muli(1 - m).addi(varStep);
      }
    }
  }

  private static Model snapshot(Model model, SameDiff sd, List<String> params, Map<String, INDArray> running) {
    Map<String, INDArray> p = new LinkedHashMap<>();
    for (String k : params) p.put(k, sd.getArrForVarName(k).dup());
    for (Map.Entry<String, INDArray> e : running.entrySet()) p.put(e.getKey(), e.getValue().dup());
    return model.withParams(p);
  }
}
