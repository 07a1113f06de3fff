package bitlab.quant.binary;

import bitlab.data.Dataset;
import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import bitlab.model.Shape;
import bitlab.nn.Hooks;
import bitlab.nn.Net;
import bitlab.nn.Transform;
import bitlab.quant.QuantException;
import bitlab.train.TrainConfig;
import bitlab.train.TrainResult;
import bitlab.train.Trainer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Binarized network architectures and their graphs. A binarized model is an ordinary {@link Model}
 * of bias-free, unpadded Conv and Linear layers each followed by a BatchNorm (MaxPool and Flatten
 * between); the input and every BatchNorm output but the last are binarized by {@link #hooks}, the
 * layers compute with {@code sign(W)} and scale their output by {@code α_c = mean|W_c|}, and the last
 * BatchNorm gives the logits.
 */
public final class BinaryNets {
  private BinaryNets() {}

  /** LeNet-style for 28x28: 5x5 conv 32, pool, 5x5 conv 64, pool, linear 256, linear 10; a BatchNorm after each. */
  public static Model lenet(int size, long seed) {
    int side = ((size - 4) / 2 - 4) / 2;
    return Model.builder("bnn-lenet", Shape.image(1, size, size))
        .conv("conv1", 32, 5, 1, 0, 1, false)
        .batchNorm("bn1")
        .maxPool("pool1", 2, 2)
        .conv("conv2", 64, 5, 1, 0, 1, false)
        .batchNorm("bn2")
        .maxPool("pool2", 2, 2)
        .flatten("flatten")
        .node("fc1", new Op.Linear(64 * side * side, 256, false), List.of("flatten"))
        .batchNorm("bn3")
        .node("fc2", new Op.Linear(256, 10, false), List.of("bn3"))
        .batchNorm("bn4")
        .meta(
            "architecture",
            "binarized LeNet-style (sign weights with per-channel scale, sign activations)")
        .build(seed);
  }

  /** A small binarized net for 8x8 digits: 3x3 conv 32, pool, linear 128, linear 10. */
  public static Model small(int size, long seed) {
    int side = (size - 2) / 2;
    return Model.builder("bnn-small", Shape.image(1, size, size))
        .conv("conv1", 32, 3, 1, 0, 1, false)
        .batchNorm("bn1")
        .maxPool("pool1", 2, 2)
        .flatten("flatten")
        .node("fc1", new Op.Linear(32 * side * side, 128, false), List.of("flatten"))
        .batchNorm("bn2")
        .node("fc2", new Op.Linear(128, 10, false), List.of("bn2"))
        .batchNorm("bn3")
        .meta("architecture", "small binarized net")
        .build(seed);
  }

  /** Trains with the straight-through estimator (Adam, batch statistics in BatchNorm). */
  public static TrainResult train(Model bnn, Dataset data, TrainConfig cfg) {
    check(bnn);
    return Trainer.train(bnn, data, cfg, hooks(bnn, true));
  }

  /** The float simulation of the binary net (inference mode, running statistics); close it when done. */
  public static Net simulation(Model bnn) {
    check(bnn);
    return Net.compile(bnn, Net.Mode.INFERENCE, hooks(bnn, false));
  }

  /** Per-channel weight scales {@code α_c = mean |W_c|}, in float as the simulation and XNOR engine both use them. */
  public static float[] alpha(Model bnn, String layer) {
    INDArray w = bnn.param(layer + ".weight").castTo(DataType.FLOAT);
    int out = (int) w.size(0);
    float[] v = w.dup('c').data().asFloat();
    int per = v.length / out;
    float[] a = new float[out];
    for (int c = 0; c < out; c++) {
      double s = 0;
      for (int i = c * per; i < (c + 1) * per; i++) s += Math.abs(v[i]);
      a[c] = (float) (s / per);
    }
    return a;
  }

  /**
   * Binarization hooks. Training ({@code ste}): weights {@code sign(w)} with the gradient passed straight
   * through, scales {@code α_c = mean|w_c|} taken from the live weights without gradient, activations
   * {@code sign(x)} with the gradient of {@code htanh(x)}. Inference: exact signs and the float scales of
   * {@link #alpha}.
   */
  public static Hooks hooks(Model bnn, boolean ste) {
    String logits = bnn.output().name();
    Map<String, float[]> scales = new HashMap<>();
    return new Hooks() {
      @Override
      public Transform weight(Node node) {
        float[] alpha = new float[node.shape().channels()];
        scales.put(node.name(), ste ? alpha : alpha(bnn, node.name()));
        return new Binary.Sign(ste ? alpha : null);
      }

      @Override
      public Transform output(Node node) {
        if (node.quantizable()) return new Binary.ChannelScale(scales.get(node.name()));
        boolean binarize = node.op() instanceof Op.Input
            || (node.op() instanceof Op.BatchNorm && !node.name().equals(logits));
        if (!binarize) return null;
        return new Binary.Sign(null, ste && !(node.op() instanceof Op.Input));
      }
    };
  }

  /** Checks the structure the XNOR engine runs: unpadded bias-free ungrouped layers, each followed by a BatchNorm. */
  static void check(Model bnn) {
    for (Node n : bnn.layers()) {
      if (n.op() instanceof Op.Conv2d c
          && (c.bias() || c.padH() != 0 || c.padW() != 0 || c.groups() != 1)) {
        throw new QuantException(
            "Layer '" + n.name() + "' of binarized model '" + bnn.name()
                + "' must be an unpadded, ungrouped convolution without bias (padding zeros are not ±1); build it with pad 0.");
      }
      if (n.op() instanceof Op.Linear l && l.bias()) {
        throw new QuantException("Layer '" + n.name() + "' of binarized model '" + bnn.name()
            + "' must have no bias (the BatchNorm after it shifts).");
      }
    }
  }
}
