package bitlab.nn;

import bitlab.model.Model;
import bitlab.model.ModelBuilder;
import bitlab.model.Op;
import bitlab.model.Shape;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Small networks that each put one operator of the IR (in one of its forms) between trainable layers. */
final class OpCases {
  private OpCases() {}

  record Case(String name, Model model) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static ModelBuilder image(String name, int c, int size) {
    return Model.builder(name, Shape.image(c, size, size));
  }

  static List<Case> all() {
    return List.of(
        new Case(
            "conv 3x3 pad 1 with bias",
            image("conv", 3, 7)
                .conv("c", 4, 3, 1, 1, 1, true)
                .flatten("f")
                .linear("fc", 5)
                .build(1)),
        new Case(
            "conv 5x5 stride 2 no bias",
            image("conv5", 2, 9)
                .conv("c", 3, 5, 2, 1, 1, false)
                .flatten("f")
                .linear("fc", 5)
                .build(2)),
        new Case(
            "conv 1x1",
            image("conv1", 4, 5)
                .conv("c", 6, 1, 1, 0, 1, true)
                .globalAvgPool("g")
                .linear("fc", 5)
                .build(3)),
        new Case(
            "grouped conv",
            image("grouped", 4, 6)
                .conv("c", 6, 3, 1, 1, 2, true)
                .flatten("f")
                .linear("fc", 5)
                .build(4)),
        new Case(
            "depthwise conv",
            image("dw", 4, 6)
                .conv("p", 4, 1, 1, 0, 1, true)
                .conv("d", 4, 3, 1, 1, 4, true)
                .flatten("f")
                .linear("fc", 5)
                .build(5)),
        new Case(
            "depthwise conv stride 2",
            image("dw2", 3, 7)
                .conv("p", 6, 1, 1, 0, 1, false)
                .conv("d", 6, 3, 2, 1, 6, false)
                .flatten("f")
                .linear("fc", 5)
                .build(6)),
        new Case(
            "linear and relu",
            Model.builder("mlp", Shape.vector(7))
                .linear("a", 9)
                .relu("r")
                .node("b", new Op.Linear(9, 4, false), List.of("r"))
                .build(7)),
        new Case(
            "relu6",
            image("r6", 2, 5)
                .conv("c", 4, 3, 1, 1, 1, true)
                .relu6("r")
                .flatten("f")
                .linear("fc", 5)
                .build(8)),
        new Case(
            "batchnorm on maps",
            image("bn", 2, 5)
                .conv("c", 4, 3, 1, 1, 1, false)
                .batchNorm("b")
                .relu("r")
                .flatten("f")
                .linear("fc", 5)
                .build(9)),
        new Case(
            "batchnorm on vectors",
            Model.builder("bnv", Shape.vector(6))
                .node("a", new Op.Linear(6, 8, false), List.of("input"))
                .batchNorm("b")
                .relu("r")
                .linear("fc", 4)
                .build(10)),
        new Case(
            "residual add",
            image("add", 3, 5)
                .conv("a", 4, 3, 1, 1, 1, true)
                .relu("r")
                .conv("b", 4, 3, 1, 1, 1, true)
                .add("s", "r", "b")
                .flatten("f")
                .linear("fc", 5)
                .build(11)),
        new Case(
            "concat",
            image("cat", 2, 5)
                .conv("a", 3, 3, 1, 1, 1, true)
                .from("input")
                .conv("b", 2, 1, 1, 0, 1, true)
                .node("cat", new Op.Concat(), List.of("a", "b"))
                .flatten("f")
                .linear("fc", 5)
                .build(12)),
        new Case(
            "max pool",
            image("max", 2, 8)
                .conv("c", 3, 3, 1, 1, 1, true)
                .maxPool("p", 2, 2)
                .flatten("f")
                .linear("fc", 5)
                .build(13)),
        new Case(
            "max pool 3x3 stride 2 pad 1",
            image("max3", 2, 7)
                .conv("c", 3, 3, 1, 1, 1, true)
                .maxPool("p", 3, 2, 1)
                .flatten("f")
                .linear("fc", 5)
                .build(14)),
        new Case(
            "avg pool 3x3 stride 2 pad 1",
            image("avg", 2, 7)
                .conv("c", 3, 3, 1, 1, 1, true)
                .node("p", new Op.AvgPool(3, 2, 1), List.of("c"))
                .flatten("f")
                .linear("fc", 5)
                .build(15)),
        new Case(
            "global avg pool",
            image("gap", 2, 6)
                .conv("c", 5, 3, 1, 1, 1, true)
                .globalAvgPool("g")
                .linear("fc", 5)
                .build(16)),
        new Case(
            "softmax inside",
            Model.builder("sm", Shape.vector(5))
                .linear("a", 6)
                .softmax("s")
                .linear("fc", 4)
                .build(17)),
        pointwise("sigmoid", new Op.Sigmoid(), 18),
        pointwise("hardsigmoid", new Op.HardSigmoid(1.0 / 6, 0.5), 19),
        pointwise("hardswish", new Op.HardSwish(), 20),
        pointwise("silu", new Op.Silu(), 21),
        pointwise("clip [-1, 1]", new Op.Clip(-1, 1), 22),
        new Case(
            "squeeze-and-excitation gate",
            image("se", 2, 5)
                .conv("c", 4, 3, 1, 1, 1, true)
                .globalAvgPool("g")
                .linear("fc1", 4)
                .node("s", new Op.Sigmoid(), List.of("fc1"))
                .node("m", new Op.Mul(), List.of("c", "s"))
                .flatten("f")
                .linear("fc", 5)
                .build(23)),
        new Case(
            "product of two maps",
            image("mul", 2, 5)
                .conv("a", 3, 3, 1, 1, 1, true)
                .from("input")
                .conv("b", 3, 1, 1, 0, 1, true)
                .node("m", new Op.Mul(), List.of("a", "b"))
                .flatten("f")
                .linear("fc", 5)
                .build(24)),
        new Case(
            "lrn",
            image("lrn", 2, 4)
                .conv("c", 5, 3, 1, 1, 1, true)
                .node("n", new Op.Lrn(3, 0.5, 0.75, 1), List.of("c"))
                .flatten("f")
                .linear("fc", 5)
                .build(25)),
        new Case(
            "channel shuffle and slice",
            image("shuffle", 2, 4)
                .conv("c", 6, 3, 1, 1, 1, true)
                .node("s", new Op.ChannelShuffle(3), List.of("c"))
                .node("k", new Op.ChannelSlice(1, 4), List.of("s"))
                .flatten("f")
                .linear("fc", 5)
                .build(26)),
        new Case(
            "max pool padded at the end",
            image("maxend", 2, 6)
                .conv("c", 3, 3, 1, 1, 1, true)
                .node("p", new Op.MaxPool(new Op.Window(3, 3, 2, 2, 0, 0, 1, 1)), List.of("c"))
                .flatten("f")
                .linear("fc", 5)
                .build(27)),
        new Case(
            "dilated conv",
            image("dilated", 2, 9)
                .node("c", new Op.Conv2d(2, 3, 3, 2, 1, 2, 1, 1, true, 2, 3), List.of("input"))
                .flatten("f")
                .linear("fc", 5)
                .build(29)),
        new Case(
            "conv strides 2x1 and depthwise strides 1x2",
            image("strided", 2, 8)
                .node("c", new Op.Conv2d(2, 4, 3, 3, 2, 1, 1, 1, 1, true, 1, 1), List.of("input"))
                .node("d", new Op.Conv2d(4, 4, 3, 2, 1, 2, 1, 0, 4, true, 1, 1), List.of("c"))
                .flatten("f")
                .linear("fc", 5)
                .build(30)),
        new Case(
            "max pool 3x2 strides 1x2",
            image("maxrect", 2, 6)
                .conv("c", 3, 3, 1, 1, 1, true)
                .node("p", new Op.MaxPool(new Op.Window(3, 2, 1, 2, 1, 0, 1, 0)), List.of("c"))
                .flatten("f")
                .linear("fc", 5)
                .build(31)),
        new Case(
            "avg pool 3x2 strides 2x1",
            image("avgrect", 2, 6)
                .conv("c", 3, 3, 1, 1, 1, true)
                .node("p", new Op.AvgPool(new Op.Window(3, 2, 2, 1, 1, 0, 1, 1)), List.of("c"))
                .flatten("f")
                .linear("fc", 5)
                .build(28)));
  }

  /** An element-wise function between a convolution and the classifier. */
  private static Case pointwise(String name, Op.Pointwise f, long seed) {
    return new Case(
        name,
        image(name.replaceAll("[^a-z]", ""), 2, 5)
            .conv("c", 4, 3, 1, 1, 1, true)
            .node("a", f, List.of("c"))
            .flatten("f")
            .linear("fc", 5)
            .build(seed));
  }

  /** A seeded normal batch of the model's input shape. */
  static INDArray input(Model m, int batch, long seed) {
    Random r = new Random(seed);
    long[] shape = m.inputShape().withBatch(batch);
    long n = 1;
    for (long d : shape) n *= d;
    double[] v = new double[(int) n];
    for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
    return Nd4j.create(v, shape, 'c');
  }

  /** Random soft targets (rows summing to one, as one-hot labels do, but reaching every class). */
  static INDArray targets(Model m, int batch, long seed) {
    Random r = new Random(seed);
    int classes = m.outputShape().channels();
    double[] v = new double[batch * classes];
    for (int i = 0; i < batch; i++) {
      double sum = 0;
      for (int k = 0; k < classes; k++) sum += v[i * classes + k] = r.nextDouble();
      for (int k = 0; k < classes; k++) v[i * classes + k] /= sum;
    }
    return Nd4j.create(v, new long[] {batch, classes}, 'c');
  }
}
