package bitlab.train;

import bitlab.nn.Net;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * Adam or Nesterov SGD (ND4J's updaters) on a network's live parameters, with the cosine schedule and
 * L2 weight decay of weights (not biases or BatchNorm) from a {@link TrainConfig}.
 */
final class Optimizer {
  private final Net net;
  private final TrainConfig cfg;
  private final Map<String, GradientUpdater<?>> updaters = new LinkedHashMap<>();
  private int iteration;

  Optimizer(Net net, TrainConfig cfg, int batchesPerEpoch) {
    this.net = net;
    this.cfg = cfg;
    CosineSchedule lr = new CosineSchedule(cfg.learningRate(), cfg.epochs() * batchesPerEpoch);
    IUpdater config = cfg.optimizer() == TrainConfig.Optimizer.ADAM
        ? new Adam(lr)
        : new Nesterovs(lr, cfg.momentum());
    for (String p : net.trainable()) {
      INDArray arr = net.parameter(p);
      long state = config.stateSize(arr.length());
      INDArray view = state == 0 ? null : Nd4j.zeros(arr.dataType(), 1, state);
      GradientUpdater<?> u = config.instantiate(view, true);
      if (view != null) u.setStateViewArray(view, arr.shape(), 'c', true);
      updaters.put(p, u);
    }
  }

  /** Applies the gradients of the last backward pass to the parameters. */
  void step(int epoch) {
    for (Map.Entry<String, GradientUpdater<?>> e : updaters.entrySet()) {
      String p = e.getKey();
      INDArray w = net.parameter(p);
      INDArray g = net.gradient(p);
      if (cfg.weightDecay() > 0 && p.endsWith(".weight") && w.rank() > 1) {
        try (INDArray decay = w.mul(cfg.weightDecay())) {
          g.addi(decay);
        }
      }
      e.getValue().applyUpdater(g, iteration, epoch - 1);
      w.subi(g);
    }
    iteration++;
    net.parametersChanged();
  }
}
