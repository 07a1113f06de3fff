package bitlab.bench;

import bitlab.model.Model;
import bitlab.model.ModelException;
import bitlab.model.Node;
import bitlab.model.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * bitlab's previous float path, kept in the bench tree only so that the float engine ({@code bitlab.nn})
 * can be measured against it side by side: a {@link Model} compiled to a SameDiff graph (one libnd4j op
 * per graph node, run by SameDiff's session). Nothing in the product uses it.
 */
final class SameDiffPath {
  private static final String INPUT = "input";

  private final Model model;
  private final SameDiff sd;
  private final String logits;

  SameDiffPath(Model model) {
    this.model = model;
    this.sd = SameDiff.create();
    Map<String, SDVariable> out = new HashMap<>();
    for (Node n : model.nodes()) {
      List<SDVariable> in = new ArrayList<>();
      for (String i : n.inputs()) in.add(out.get(i));
      out.put(n.name(), node(n, in));
    }
    SDVariable last = out.get(model.output().name());
    if (model.output().op() instanceof Op.Softmax)
      last = out.get(model.output().inputs().get(0));
    this.logits = last.name();
  }

  /** Logits for a batch {@code [N, ...input shape]}. */
  INDArray logits(INDArray x) {
    return sd.output(Map.of(INPUT, x.castTo(DataType.FLOAT)), logits).get(logits);
  }

  private SDVariable param(Node n, String p) {
    String key = n.param(p);
    return sd.var(key, model.param(key).castTo(DataType.FLOAT).dup());
  }

  private SDVariable node(Node n, List<SDVariable> in) {
    Op op = n.op();
    String name = n.name();
    if (op instanceof Op.Input i)
      return sd.placeHolder(INPUT, DataType.FLOAT, i.shape().withBatch(-1));
    SDVariable x = in.isEmpty() ? null : in.get(0);
    if (op instanceof Op.Conv2d c) return conv(n, c, x);
    if (op instanceof Op.Linear l) {
      SDVariable w = param(n, "weight");
      SDVariable y = sd.mmul(name + "/matmul", x, w, false, true, false);
      return l.bias() ? y.add(name, param(n, "bias")) : sd.identity(name, y);
    }
    if (op instanceof Op.BatchNorm b) return batchNorm(n, b, x);
    if (op instanceof Op.Relu) return sd.nn().relu(name, x, 0);
    // min(relu(x), 6): the values of clip_by_value(x, 0, 6) and its gradient (1 strictly inside),
    // from two fast ops.
    if (op instanceof Op.Relu6) return sd.scalarMin(name, sd.nn().relu(name + "/relu", x, 0), 6);
    if (op instanceof Op.Add) return in.get(0).add(name, in.get(1));
    if (op instanceof Op.Concat) return sd.concat(name, 1, in.toArray(new SDVariable[0]));
    if (op instanceof Op.MaxPool p)
      return sd.cnn()
          .maxPooling2d(
              name, x, pool(p.kernel(), p.stride(), p.pad(), Pooling2D.Pooling2DType.MAX));
    if (op instanceof Op.AvgPool p)
      return sd.cnn()
          .avgPooling2d(
              name, x, pool(p.kernel(), p.stride(), p.pad(), Pooling2D.Pooling2DType.AVG));
    if (op instanceof Op.GlobalAvgPool) return x.mean(name, 2, 3);
    if (op instanceof Op.Flatten) return sd.reshape(name, x, -1, n.shape().channels());
    if (op instanceof Op.Softmax) return sd.nn().softmax(name, x, 1);
    throw new ModelException("Node '" + name + "': no SameDiff lowering for " + op.type() + ".");
  }

  private SDVariable conv(Node n, Op.Conv2d c, SDVariable x) {
    SDVariable w = param(n, "weight");
    SDVariable b = c.bias() ? param(n, "bias") : null;
    Conv2DConfig cfg = Conv2DConfig.builder()
        .kH(c.kernelH())
        .kW(c.kernelW())
        .sH(c.stride())
        .sW(c.stride())
        .pH(c.padH())
        .pW(c.padW())
        .dH(1)
        .dW(1)
        .paddingMode(PaddingMode.VALID)
        .dataFormat(Conv2DConfig.NCHW)
        .weightsFormat(WeightsFormat.YXIO)
        .build();
    if (c.groups() == 1) {
      // bitlab stores OIHW (as ONNX and PyTorch do); libnd4j's default layout is [kH, kW, in, out].
      return sd.cnn().conv2d(n.name(), x, sd.permute(n.name() + "/hwio", w, 2, 3, 1, 0), b, cfg);
    }
    if (c.depthwise()) return depthwise(n, c, x, w, b);
    // General grouped convolution: one convolution per group on its slice of channels.
    int gi = c.in() / c.groups();
    int go = c.out() / c.groups();
    SDVariable[] parts = new SDVariable[c.groups()];
    for (int g = 0; g < c.groups(); g++) {
      String p = n.name() + "/g" + g;
      SDVariable xs = sd.identity(
          p + "/x",
          x.get(
              SDIndex.all(), SDIndex.interval(g * gi, (g + 1) * gi), SDIndex.all(), SDIndex.all()));
      SDVariable ws = sd.permute(
          p + "/hwio",
          w.get(
              SDIndex.interval(g * go, (g + 1) * go), SDIndex.all(), SDIndex.all(), SDIndex.all()),
          2,
          3,
          1,
          0);
      SDVariable bs = b == null ? null : b.get(SDIndex.interval(g * go, (g + 1) * go));
      parts[g] = bs == null ? sd.cnn().conv2d(p, xs, ws, cfg) : sd.cnn().conv2d(p, xs, ws, bs, cfg);
    }
    return sd.concat(n.name(), 1, parts);
  }

  /**
   * A depthwise convolution (multiplier 1) as the sum over its {@code kH x kW} taps of a shifted,
   * strided slice of the zero-padded input times that tap's per-channel weight. These are the sums
   * libnd4j's {@code depthwise_conv2d} computes (equal to the last bit on MobileNet shapes, see
   * DepthwiseLoweringTest) at a fraction of its cost: that op took 77% of mobilenet-v2-mini's forward
   * pass, several times what the elementwise form takes.
   */
  private SDVariable depthwise(Node n, Op.Conv2d c, SDVariable x, SDVariable w, SDVariable b) {
    String p = n.name() + "/";
    int s = c.stride();
    int oh = n.shape().height();
    int ow = n.shape().width();
    SDVariable xp = x;
    if (c.padH() > 0 || c.padW() > 0) {
      INDArray pads = Nd4j.createFromArray(
          new int[][] {{0, 0}, {0, 0}, {c.padH(), c.padH()}, {c.padW(), c.padW()}});
      xp = sd.nn()
          .pad(p + "pad", x, sd.constant(p + "pads", pads), org.nd4j.enums.PadMode.CONSTANT, 0.0);
    }
    SDVariable sum = null;
    for (int i = 0; i < c.kernelH(); i++) {
      for (int j = 0; j < c.kernelW(); j++) {
        SDVariable slice = xp.get(
            SDIndex.all(),
            SDIndex.all(),
            SDIndex.interval(i, s, i + (oh - 1) * s + 1),
            SDIndex.interval(j, s, j + (ow - 1) * s + 1));
        SDVariable tap = sd.reshape(
            p + "tap" + i + "_" + j,
            w.get(SDIndex.all(), SDIndex.point(0), SDIndex.point(i), SDIndex.point(j)),
            1,
            c.out(),
            1,
            1);
        SDVariable term = slice.mul(tap);
        sum = sum == null ? term : sum.add(term);
      }
    }
    return b == null
        ? sd.identity(n.name(), sum)
        : sum.add(n.name(), sd.reshape(p + "bias_b", b, 1, c.out(), 1, 1));
  }

  /**
   * BatchNorm from elementary ops: {@code (x - mean) * gamma / sqrt(var + eps) + beta}. (SameDiff's
   * fused batchNorm op cannot be differentiated in 1.0.0-M2.1: its derivative loses the axis.)
   */
  private SDVariable batchNorm(Node n, Op.BatchNorm b, SDVariable x) {
    SDVariable gamma = param(n, "weight");
    SDVariable beta = param(n, "bias");
    boolean image = n.shape().isImage();
    SDVariable mean = param(n, "running_mean");
    SDVariable var = param(n, "running_var");
    long[] bshape = image ? new long[] {1, b.channels(), 1, 1} : new long[] {1, b.channels()};
    String p = n.name() + "/";
    SDVariable scale =
        gamma.div(p + "scale", sd.math().sqrt(p + "std", var.add(p + "var_eps", b.epsilon())));
    SDVariable shift = beta.sub(p + "shift", mean.mul(p + "mean_scale", scale));
    return x.mul(p + "scaled", sd.reshape(p + "scale_b", scale, bshape))
        .add(n.name(), sd.reshape(p + "shift_b", shift, bshape));
  }

  private static Pooling2DConfig pool(int k, int s, int p, Pooling2D.Pooling2DType type) {
    return Pooling2DConfig.builder()
        .kH(k)
        .kW(k)
        .sH(s)
        .sW(s)
        .pH(p)
        .pW(p)
        .dH(1)
        .dW(1)
        .type(type)
        .divisor(Pooling2D.Divisor.EXCLUDE_PADDING)
        .paddingMode(PaddingMode.VALID)
        .isNHWC(false)
        .build();
  }
}
