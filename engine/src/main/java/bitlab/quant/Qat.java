package bitlab.quant;

import bitlab.data.Batch;
import bitlab.data.Dataset;
import bitlab.data.Samples;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.nn.Net;
import bitlab.task.Work;
import bitlab.train.CosineSchedule;
import bitlab.train.EpochRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Quantization-aware training: static PTQ gives the starting point (BatchNorm folded, activation ranges
 * calibrated), then the folded weights are fine-tuned on the float engine through {@link QatHooks}:
 * fake-quantized weights and activations, rounding bridged by the straight-through estimator, and with
 * {@link QatConfig#learnedStep()} the step sizes trained as well (LSQ). Remaining BatchNorms (if any)
 * use their running statistics. The result is an ordinary {@link QuantizedModel}, evaluated by the same
 * simulation as PTQ.
 */
public final class Qat {
  private Qat() {}

  public static QatResult train(Model model, Policy policy, Dataset data, PtqConfig ptq, QatConfig cfg) {
    if (ptq.asymmetricActivations()) throw new QuantException("QAT uses symmetric activations; drop the asymmetric option.");
    data = model.prepare(data);
    QuantizedModel start = Quantizer.ptq(model, policy, data.calibration(cfg.calibrationImages()), ptq);
    Model folded = start.folded();
    QatHooks hooks = new QatHooks(start, cfg.learnedStep());
    List<String> vars = new ArrayList<>();
    for (Node n : folded.layers()) {
      vars.add(n.param("weight"));
      if (folded.params().containsKey(n.param("bias"))) vars.add(n.param("bias"));
    }
    Map<String, INDArray> trained = new LinkedHashMap<>();
    List<EpochRecord> history;
    try (Net net = Net.compile(folded, Net.Mode.INFERENCE, hooks, Net.Precision.FLOAT, vars)) {
      history = fit(folded, data, cfg, net, hooks);
      for (String v : vars) trained.put(v, net.parameter(v).dup());
    }
    Map<String, INDArray> learned = new LinkedHashMap<>();
    hooks.steps.forEach((k, s) -> learned.put(k, s.value().dup()));
    String method = "QAT " + cfg.epochs() + " epochs (" + (cfg.learnedStep() ? "learned step size" : "STE") + ", " + ptq.describe() + ")";
    QuantizedModel q = Quantizer.assemble(method, model, folded.withParams(trained), policy, ptq, start, learned);
    return new QatResult(q, cfg, history);
  }

  private static List<EpochRecord> fit(Model folded, Dataset data, QatConfig cfg, Net net, QatHooks hooks) {
    int perEpoch = data.train().batchCount(cfg.batchSize());
    Adam adam = new Adam(new CosineSchedule(cfg.learningRate(), cfg.epochs() * perEpoch));
    Map<String, GradientUpdater<?>> weights = new LinkedHashMap<>();
    for (String v : net.trainable()) weights.put(v, updater(adam, net.parameter(v)));
    Map<QatHooks.Step, GradientUpdater<?>> steps = new LinkedHashMap<>();
    for (QatHooks.Step s : hooks.steps.values()) steps.put(s, updater(adam, s.value()));
    List<EpochRecord> history = new ArrayList<>();
    int it = 0;
    for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
      long t0 = System.nanoTime();
      double lossSum = 0;
      int seen = 0;
      int b = 0;
      for (Batch batch : data.train().batches(cfg.batchSize(), cfg.seed() * 1000 + epoch)) {
        b++;
        for (QatHooks.Step s : steps.keySet()) s.gradient().assign(0);
        double loss = net.lossAndGradients(batch.x(), batch.oneHot());
        if (!Double.isFinite(loss)) {
          throw new QuantException(String.format("QAT of %s stopped at epoch %d, batch %d of %d: the loss became %s; lower the learning rate "
              + "(it was %s) or quantize to more bits.", folded.name(), epoch, b, perEpoch, Double.isNaN(loss) ? "NaN" : "infinite", cfg.learningRate()));
        }
        for (Map.Entry<String, GradientUpdater<?>> e : weights.entrySet()) {
          INDArray g = net.gradient(e.getKey());
          e.getValue().applyUpdater(g, it, epoch - 1);
          net.parameter(e.getKey()).subi(g);
        }
        for (Map.Entry<QatHooks.Step, GradientUpdater<?>> e : steps.entrySet()) {
          INDArray value = e.getKey().value();
          INDArray g = e.getKey().gradient();
          e.getValue().applyUpdater(g, it, epoch - 1);
          value.subi(g);
          Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.scalar.ScalarMax(value, QuantParams.MIN_SCALE));
        }
        net.parametersChanged();
        lossSum += loss * batch.size();
        seen += batch.size();
        it++;
        Work.progress(String.format("QAT %s: epoch %d/%d, batch %d/%d, loss %.4f", folded.name(), epoch, cfg.epochs(), b, perEpoch, lossSum / seen));
      }
      // Epochs are watched on the validation part; the test part is for the result's own evaluate(data).
      Samples watched = data.hasValidation() ? data.validation() : data.test();
      double acc = Inference.evaluate(folded, watched, net).accuracy();
      history.add(new EpochRecord(epoch, lossSum / Math.max(1, seen), acc, data.hasValidation() ? "validation" : "test",
          (System.nanoTime() - t0) / 1e9));
    }
    return history;
  }

  private static GradientUpdater<?> updater(Adam adam, INDArray p) {
    INDArray view = Nd4j.zeros(DataType.FLOAT, 1, adam.stateSize(p.length()));
    GradientUpdater<?> u = adam.instantiate(view, true);
    u.setStateViewArray(view, p.shape(), 'c', true);
    return u;
  }
}
