package bitlab.quant;

import bitlab.data.Batch;
import bitlab.data.Dataset;
import bitlab.data.Samples;
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

  public static QatResult train(
      Model model, Policy policy, Dataset data, PtqConfig ptq, QatConfig cfg) {
    if (ptq.asymmetricActivations())
      throw new QuantException("QAT uses symmetric activations; drop the asymmetric option.");
    refuseAllocation(ptq);
    data = model.prepare(data);
    QuantizedModel start =
        Quantizer.ptq(model, policy, data.calibration(cfg.calibrationImages()), ptq);
    Dataset prepared = data;
    List<EpochRecord> history = new ArrayList<>();
    List<Double> stepLosses = new ArrayList<>();
    String method = "QAT " + cfg.epochs() + " epochs ("
        + (cfg.learnedStep() ? "learned step size" : "STE") + ", " + ptq.describe() + ")";
    QuantizedModel q = run(method, start, cfg, (loop, net) -> {
      history.addAll(fit(prepared, cfg, loop, net));
      stepLosses.addAll(loop.losses);
    });
    return new QatResult(
        q, cfg, history, stepLosses.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * A short fine-tune of a quantized model from its PTQ state: {@code steps} batches of {@code train}
   * (images prepared for the model), in the order {@code cfg.seed()} shuffles them (a second pass reshuffles),
   * Adam with a cosine decay to zero over the steps, the same hooks as {@link #train}; no epoch is scored.
   * HAQ fine-tunes every policy this way before scoring it. A loss that stops being finite throws
   * {@link Diverged}.
   */
  public static QuantizedModel fineTune(
      QuantizedModel start, Samples train, QatConfig cfg, int steps) {
    if (steps < 1)
      throw new QuantException("A fine-tune needs at least 1 step, got " + steps + ".");
    if (start.config().asymmetricActivations())
      throw new QuantException("QAT uses symmetric activations; drop the asymmetric option.");
    refuseAllocation(start.config());
    String method = "QAT " + steps + " steps of " + cfg.batchSize() + " ("
        + (cfg.learnedStep() ? "learned step size" : "STE") + ", "
        + start.config().describe() + ")";
    return run(method, start, cfg, (loop, net) -> {
      loop.report = false; // the caller (a search scoring many policies) reports its own progress
      int perEpoch = train.batchCount(cfg.batchSize());
      Adam adam = new Adam(new CosineSchedule(cfg.learningRate(), steps));
      loop.begin(adam, net);
      int done = 0;
      for (int pass = 1; done < steps; pass++) {
        int b = 0;
        for (Batch batch : train.batches(cfg.batchSize(), cfg.seed() * 1000 + pass)) {
          if (done == steps) break;
          b++;
          loop.step(batch, done++, pass, b, perEpoch);
        }
      }
    });
  }

  /** The sentence QAT gives a configuration with per-channel bit allocation ({@link BitAllocation}). */
  static final String ALLOCATION_REFUSAL =
      "QAT trains every layer's weights at one width and every activation at one scale, so it cannot keep "
          + "per-channel bit allocation; drop the allocation for QAT, or allocate with static PTQ (no QAT).";

  // The training hooks fake-quantize a layer's weights at its container width and an activation
  // with one scale,
  // and the delivered model is re-quantized the same way: allocated widths would be trained for and
  // then lost.
  private static void refuseAllocation(PtqConfig config) {
    if (config.allocation() != BitAllocation.Target.NONE)
      throw new QuantException(ALLOCATION_REFUSAL);
  }

  /** A fine-tune whose loss became NaN or infinite. */
  public static final class Diverged extends QuantException {
    Diverged(String message) {
      super(message);
    }
  }

  /** The folded weights of {@code start} trained by {@code body} through the QAT hooks, assembled into a quantized model. */
  private static QuantizedModel run(
      String method,
      QuantizedModel start,
      QatConfig cfg,
      java.util.function.BiConsumer<Loop, Net> body) {
    Model folded = start.folded();
    QatHooks hooks = new QatHooks(start, cfg.learnedStep());
    List<String> vars = new ArrayList<>();
    for (Node n : folded.layers()) {
      vars.add(n.param("weight"));
      if (folded.params().containsKey(n.param("bias"))) vars.add(n.param("bias"));
    }
    try (Net net = Net.compile(folded, Net.Mode.INFERENCE, hooks, Net.Precision.FLOAT, vars)) {
      Loop loop = new Loop(folded, hooks, cfg);
      loop.snapshot = () -> assemble(method, start, hooks, net, vars);
      body.accept(loop, net);
      return assemble(method, start, hooks, net, vars);
    }
  }

  /** The quantized model of the weights and steps trained so far: what the run would deliver now. */
  private static QuantizedModel assemble(
      String method, QuantizedModel start, QatHooks hooks, Net net, List<String> vars) {
    Map<String, INDArray> trained = new LinkedHashMap<>();
    for (String v : vars) trained.put(v, net.parameter(v).dup());
    Map<String, INDArray> learned = new LinkedHashMap<>();
    hooks.steps.forEach((k, s) -> learned.put(k, s.value().dup()));
    return Quantizer.assemble(
        method,
        start.source(),
        start.folded().withParams(trained),
        start.policy(),
        start.config(),
        start,
        learned);
  }

  private static List<EpochRecord> fit(Dataset data, QatConfig cfg, Loop loop, Net net) {
    int perEpoch = data.train().batchCount(cfg.batchSize());
    loop.begin(new Adam(new CosineSchedule(cfg.learningRate(), cfg.epochs() * perEpoch)), net);
    List<EpochRecord> history = new ArrayList<>();
    int it = 0;
    for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
      long t0 = System.nanoTime();
      loop.lossSum = 0;
      loop.seen = 0;
      int b = 0;
      for (Batch batch : data.train().batches(cfg.batchSize(), cfg.seed() * 1000 + epoch)) {
        loop.step(batch, it++, epoch, ++b, perEpoch);
      }
      // Epochs are watched on the validation part; the test part is for the result's own
      // evaluate(data). The accuracy is the model this epoch would deliver (biases on the int32
      // grid, as deployed), not the training graph's, whose biases are float.
      Samples watched = data.hasValidation() ? data.validation() : data.test();
      QuantizedModel now = loop.snapshot.get();
      double acc = now.simulate(watched).accuracy();
      now.release();
      history.add(new EpochRecord(
          epoch,
          loop.lossSum / Math.max(1, loop.seen),
          acc,
          data.hasValidation() ? "validation" : "test",
          (System.nanoTime() - t0) / 1e9));
    }
    return history;
  }

  /** One optimizer over the trainable weights and the learned steps; {@link #step} is one batch. */
  private static final class Loop {
    final Model folded;
    final QatHooks hooks;
    final QatConfig cfg;
    Net net;
    final Map<String, GradientUpdater<?>> weights = new LinkedHashMap<>();
    final Map<QatHooks.Step, GradientUpdater<?>> steps = new LinkedHashMap<>();
    double lossSum;
    int seen;
    boolean report = true;
    /** The model the run would deliver now (set by run). */
    java.util.function.Supplier<QuantizedModel> snapshot;
    /** Every step's loss, in order (QatResult.stepLosses). */
    final List<Double> losses = new ArrayList<>();

    Loop(Model folded, QatHooks hooks, QatConfig cfg) {
      this.folded = folded;
      this.hooks = hooks;
      this.cfg = cfg;
    }

    void begin(Adam adam, Net n) {
      net = n;
      for (String v : net.trainable()) weights.put(v, updater(adam, net.parameter(v)));
      for (QatHooks.Step s : hooks.steps.values()) steps.put(s, updater(adam, s.value()));
    }

    void step(Batch batch, int it, int epoch, int b, int perEpoch) {
      for (QatHooks.Step s : steps.keySet()) s.gradient().assign(0);
      double loss = net.lossAndGradients(batch.x(), batch.oneHot());
      if (!Double.isFinite(loss)) {
        throw new Diverged(String.format(
            "QAT of %s stopped at epoch %d, batch %d of %d: the loss became %s; lower the learning rate "
                + "(it was %s) or quantize to more bits.",
            folded.name(),
            epoch,
            b,
            perEpoch,
            Double.isNaN(loss) ? "NaN" : "infinite",
            cfg.learningRate()));
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
        Nd4j.getExecutioner()
            .exec(new org.nd4j.linalg.api.ops.impl.scalar.ScalarMax(value, QuantParams.MIN_SCALE));
      }
      net.parametersChanged();
      losses.add(loss);
      lossSum += loss * batch.size();
      seen += batch.size();
      if (report)
        Work.progress(String.format(
            "QAT %s: epoch %d/%d, batch %d/%d, loss %.4f",
            folded.name(), epoch, cfg.epochs(), b, perEpoch, lossSum / seen));
    }
  }

  private static GradientUpdater<?> updater(Adam adam, INDArray p) {
    INDArray view = Nd4j.zeros(DataType.FLOAT, 1, adam.stateSize(p.length()));
    GradientUpdater<?> u = adam.instantiate(view, true);
    u.setStateViewArray(view, p.shape(), 'c', true);
    return u;
  }
}
