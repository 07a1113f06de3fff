package bitlab.quant;

import bitlab.data.Batch;
import bitlab.data.Dataset;
import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.SameDiffGraph;
import bitlab.task.Work;
import bitlab.train.CosineSchedule;
import bitlab.train.EpochRecord;
import bitlab.train.OffHeap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.NameScope;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * Quantization-aware training: static PTQ gives the starting point (BatchNorm folded, activation ranges
 * calibrated), then the folded weights are fine-tuned through a graph with fake-quantized weights and
 * activations. Rounding is bridged by the straight-through estimator (gradient 1 inside the clipping
 * range, 0 outside). With {@link QatConfig#learnedStep()} the step sizes are trained as well (LSQ, with
 * its gradient scale {@code 1/√(N·qmax)}). Remaining BatchNorms (if any) use their running statistics.
 * The result is an ordinary {@link QuantizedModel}, evaluated by the same simulation as PTQ.
 */
public final class Qat {
  private Qat() {}

  public static QatResult train(Model model, Policy policy, Dataset data, PtqConfig ptq, QatConfig cfg) {
    if (ptq.asymmetricActivations()) throw new QuantException("QAT uses symmetric activations; drop the asymmetric option.");
    QuantizedModel start = Quantizer.ptq(model, policy, data.train().take(cfg.calibrationImages()), ptq);
    Model folded = start.folded();
    Map<String, String> steps = new LinkedHashMap<>();
    Map<String, INDArray> stepInit = new LinkedHashMap<>();
    SameDiffGraph.Hooks hooks = new SameDiffGraph.Hooks() {
      @Override public SDVariable weight(SameDiff sd, Node node, SDVariable w) {
        LayerQuant l = start.layer(node.name());
        if (!l.quantized()) return w;
        try (NameScope ns = sd.withNameScope(FakeQuant.SCOPE + node.name())) {
          QuantSpec spec = l.weights().spec();
          if (spec.binary()) {
            SDVariable alpha = FakeQuant.stopGradient(sd, sd.math().abs(w).mean(true, range(1, l.folded().rank())));
            return FakeQuant.binary(sd, w, alpha, true);
          }
          if (cfg.learnedStep()) {
            String name = node.name() + ".weight_step";
            INDArray init = Nd4j.createFromArray(l.weights().scale()).reshape(FakeQuant.channelShape(l.folded().shape()));
            SDVariable step = sd.var(name, init);
            steps.put(name, step.name());
            stepInit.put(step.name(), init);
            return FakeQuant.learned(sd, w, step, spec, 1 / Math.sqrt((double) l.folded().length() * spec.qmax()));
          }
          // Straight-through with per-channel extremes recomputed every step.
          SDVariable m = sd.math().abs(w).max(true, range(1, l.folded().rank()));
          SDVariable s = FakeQuant.stopGradient(sd, sd.math().max(m.div((double) spec.qmax()),
              sd.constant(Nd4j.scalar(DataType.FLOAT, QuantParams.MIN_SCALE))));
          return FakeQuant.withScale(sd, w, s, spec, true);
        }
      }

      @Override public SDVariable output(SameDiff sd, Node node, SDVariable y) {
        ActivationQuant a = start.activations().get(node.name());
        if (a == null) return y;
        try (NameScope ns = sd.withNameScope(FakeQuant.SCOPE + node.name())) {
          if (cfg.learnedStep()) {
            INDArray init = Nd4j.scalar(DataType.FLOAT, a.params().scale(0)).reshape(1);
            SDVariable step = sd.var(node.name() + ".act_step", init);
            steps.put(node.name(), step.name());
            stepInit.put(step.name(), init);
            long features = node.shape().elements();
            return FakeQuant.learned(sd, y, step, a.spec(), 1 / Math.sqrt((double) features * a.spec().qmax()));
          }
          return FakeQuant.fixed(sd, y, a.params(), null, true);
        }
      }
    };
    SameDiffGraph graph = SameDiffGraph.build(folded, SameDiffGraph.Mode.INFERENCE, hooks).prepareGradients();
    SameDiff sd = graph.sameDiff();
    List<String> vars = new ArrayList<>();
    for (Node n : folded.layers()) {
      vars.add(n.param("weight"));
      if (folded.params().containsKey(n.param("bias"))) vars.add(n.param("bias"));
    }
    vars.addAll(stepInit.keySet());
    List<EpochRecord> history = fit(folded, data, cfg, graph, vars);
    Map<String, INDArray> trained = new LinkedHashMap<>();
    for (Node n : folded.layers()) {
      trained.put(n.param("weight"), sd.getArrForVarName(n.param("weight")).dup());
      if (folded.params().containsKey(n.param("bias"))) trained.put(n.param("bias"), sd.getArrForVarName(n.param("bias")).dup());
    }
    Map<String, INDArray> learned = new LinkedHashMap<>();
    steps.forEach((k, v) -> learned.put(k, sd.getArrForVarName(v).dup()));
    String method = "QAT " + cfg.epochs() + " epochs (" + (cfg.learnedStep() ? "learned step size" : "STE") + ", " + ptq.describe() + ")";
    QuantizedModel q = Quantizer.assemble(method, model, folded.withParams(trained), policy, ptq, start, learned);
    return new QatResult(q, cfg, history);
  }

  private static List<EpochRecord> fit(Model folded, Dataset data, QatConfig cfg, SameDiffGraph graph, List<String> vars) {
    SameDiff sd = graph.sameDiff();
    int perEpoch = data.train().batchCount(cfg.batchSize());
    int total = cfg.epochs() * perEpoch;
    ISchedule lr = new CosineSchedule(cfg.learningRate(), total);
    OffHeap offHeap = new OffHeap();
    Adam adam = new Adam(lr);
    Map<String, GradientUpdater<?>> updaters = new LinkedHashMap<>();
    for (String v : vars) {
      INDArray arr = sd.getArrForVarName(v);
      INDArray view = Nd4j.zeros(DataType.FLOAT, 1, adam.stateSize(arr.length()));
      GradientUpdater<?> u = adam.instantiate(view, true);
      u.setStateViewArray(view, arr.shape(), 'c', true);
      updaters.put(v, u);
    }
    List<EpochRecord> history = new ArrayList<>();
    int it = 0;
    for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
      long t0 = System.nanoTime();
      double lossSum = 0;
      int seen = 0;
      int b = 0;
      for (Batch batch : data.train().batches(cfg.batchSize(), cfg.seed() * 1000 + epoch)) {
        var r = sd.calculateGradientsAndOutputs(Map.of(SameDiffGraph.INPUT, batch.x(), SameDiffGraph.LABELS, batch.oneHot()),
            List.of(SameDiffGraph.LOSS), vars);
        for (String v : vars) {
          INDArray g = r.getGradients().get(v);
          if (g == null) continue;
          updaters.get(v).applyUpdater(g, it, epoch - 1);
          INDArray w = sd.getArrForVarName(v);
          w.subi(g);
          if (v.endsWith("_step")) Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.scalar.ScalarMax(w, QuantParams.MIN_SCALE));
        }
        double loss = r.getOutputs().get(SameDiffGraph.LOSS).getDouble(0);
        OffHeap.release(r.getGradients().values());
        OffHeap.release(r.getOutputs().values());
        offHeap.collect();
        lossSum += loss * batch.size();
        seen += batch.size();
        it++;
        b++;
        Work.progress(String.format("QAT %s: epoch %d/%d, batch %d/%d, loss %.4f", folded.name(), epoch, cfg.epochs(), b, perEpoch, lossSum / seen));
      }
      double acc = Inference.evaluate(folded, data.test(), graph).accuracy();
      history.add(new EpochRecord(epoch, lossSum / Math.max(1, seen), acc, (System.nanoTime() - t0) / 1e9));
    }
    return history;
  }

  private static int[] range(int from, int to) {
    int[] r = new int[to - from];
    for (int i = 0; i < r.length; i++) r[i] = from + i;
    return r;
  }
}
