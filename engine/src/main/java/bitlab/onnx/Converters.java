package bitlab.onnx;

import bitlab.model.Op;
import bitlab.onnx.GraphImporter.Dyn;
import bitlab.onnx.GraphImporter.Pending;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Maps each ONNX operator bitlab imports to its IR operator; constant-only nodes go to {@link Folding}. */
final class Converters {
  private final GraphImporter g;

  Converters(GraphImporter g) {
    this.g = g;
  }

  void convert(Call c) {
    String domain = c.proto().getDomain();
    if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
      throw new UnsupportedOperatorException(
          c.display(), c.opType(), " from domain '" + domain + "'");
    }
    if (!OnnxImport.SUPPORTED_OPERATORS.contains(c.opType()))
      throw new UnsupportedOperatorException(c.display(), c.opType(), "");
    if (allConstant(c)) {
      c.out(Folding.fold(c));
      return;
    }
    try {
      activations(c);
    } catch (OnnxException e) {
      throw e;
    } catch (bitlab.model.ModelException e) {
      // An operator's own check (a negative LRN alpha, an empty pooling window): the sentence, with
      // the node named.
      throw new OnnxFormatException(
          "ONNX node " + c.label() + " does not fit bitlab's graph: " + e.getMessage(), e);
    }
  }

  private void activations(Call c) {
    switch (c.opType()) {
      case "Identity" -> c.out(c.in(0));
      case "Dropout" -> dropout(c);
      case "Cast" -> cast(c);
      case "Shape" -> c.out(Folding.shape(c, c.activation(0).onnxShape()));
      case "Conv" -> conv(c);
      case "Gemm" -> gemm(c);
      case "MatMul" -> matmul(c);
      case "Add" -> add(c);
      case "Sum" -> sum(c);
      case "Mul" -> mul(c);
      case "Sub" -> sub(c);
      case "Div" -> div(c);
      case "BatchNormalization" -> batchNorm(c);
      case "Relu" -> unary(c, new Op.Relu());
      case "Sigmoid" -> unary(c, new Op.Sigmoid());
      case "HardSigmoid" -> unary(c, hardSigmoid(c));
      case "HardSwish" -> unary(c, new Op.HardSwish());
      case "Clip" -> clip(c);
      case "MaxPool", "AveragePool" -> Pools.pool(g, c);
      case "GlobalAveragePool" ->
        c.out(g.emit(c, new Op.GlobalAvgPool(), List.of(c.image(0)), Map.of(), true));
      case "ReduceMean" -> reduceMean(c);
      case "Flatten" -> flatten(c);
      case "Reshape" -> reshape(c);
      case "Transpose" -> Channels.transpose(g, c);
      case "Split" -> Channels.split(g, c);
      case "Slice" -> Channels.slice(g, c);
      case "LRN" -> lrn(c);
      case "Concat" -> concat(c);
      case "Softmax" -> softmax(c);
      default ->
        throw new UnsupportedAttributeException(
            c.display(),
            c.opType(),
            "its inputs",
            "activations",
            "constants for this operator (shape arithmetic)");
    }
  }

  private static boolean allConstant(Call c) {
    if (c.opType().equals("Constant")) return true;
    boolean any = false;
    for (int i = 0; i < c.inputs(); i++) {
      if (!c.present(i)) continue;
      if (!c.isConst(i)) return false;
      any = true;
    }
    return any;
  }

  private void unary(Call c, Op op) {
    Dyn x = c.activation(0);
    c.out(g.emit(c, op, List.of(x), Map.of(), x.pooled()));
  }

  private void dropout(Call c) {
    c.onlyFirstOutputUsed();
    if (c.present(2) && c.constant(2, "training_mode").asLongs()[0] != 0) {
      throw c.attrs().unsupported("training_mode", "true", "false (inference graphs)");
    }
    c.out(c.activation(0));
  }

  private void cast(Call c) {
    long to = c.attrs().integer("to", 0);
    if (to != onnx.Onnx.TensorProto.DataType.FLOAT_VALUE)
      throw c.attrs().unsupported("to", Tensors.typeName((int) to), "FLOAT on activations");
    c.out(c.activation(0));
  }

  private void conv(Call c) {
    if (c.activation(0).pooled()) {
      pooledConv(c);
      return;
    }
    Dyn x = c.image(0);
    Const w = c.constant(1, "the weight");
    if (w.rank() != 4)
      throw new UnsupportedOperatorException(
          c.display(), "Conv", " with a rank-" + w.rank() + " weight (only 2-D convolutions)");
    Attributes a = c.attrs();
    long groups = a.integer("group", 1);
    long[] k = {w.dims()[2], w.dims()[3]};
    long[] given = a.ints("kernel_shape", k);
    if (given.length != 2 || given[0] != k[0] || given[1] != k[1])
      throw a.unsupported("kernel_shape", given, "the weight's kernel " + k[0] + "x" + k[1]);
    long[] d = a.ints("dilations", new long[] {1, 1});
    if (d.length != 2 || d[0] <= 0 || d[1] <= 0)
      throw a.unsupported("dilations", d, "two positive dilations (height, width)");
    int[] strides = Pools.strides(c);
    // The padding arithmetic sees the dilated kernel's extent.
    int[] pads = Pools.pads(
        c, x.shape(), (int) (d[0] * (k[0] - 1) + 1), (int) (d[1] * (k[1] - 1) + 1), strides, false);
    int in = x.shape().channels();
    int out = Math.toIntExact(w.dims()[0]);
    if (w.dims()[1] * groups != in) {
      throw new OnnxFormatException("ONNX node " + c.label() + " has a weight for "
          + w.dims()[1] * groups + " input channels (" + w.dims()[1] + " per group, " + groups
          + " groups) but its input has " + in + ".");
    }
    Map<String, Const> params = new LinkedHashMap<>();
    params.put("weight", w);
    boolean bias = c.present(2);
    if (bias) params.put("bias", vector(c, c.constant(2, "the bias"), out, "bias"));
    Op op = new Op.Conv2d(
        in,
        out,
        (int) k[0],
        (int) k[1],
        strides[0],
        strides[1],
        pads[0],
        pads[1],
        Math.toIntExact(groups),
        bias,
        (int) d[0],
        (int) d[1]);
    c.out(g.emit(c, op, List.of(x), params, false));
  }

  /**
   * A 1x1 convolution of the N x C x 1 x 1 output of a global pooling (Caffe2's classifiers, as in the onnx
   * package's DenseNet-121) is a fully connected layer; its output stays N x C' x 1 x 1 for ONNX.
   */
  private void pooledConv(Call c) {
    Dyn x = c.activation(0);
    Const w = c.constant(1, "the weight");
    Attributes a = c.attrs();
    long[] pads = a.ints("pads", new long[4]);
    boolean plain = w.rank() == 4
        && w.dims()[2] == 1
        && w.dims()[3] == 1
        && a.integer("group", 1) == 1
        && java.util.Arrays.stream(pads).allMatch(p -> p == 0);
    if (!plain) {
      throw new OnnxFormatException("ONNX node " + c.label() + " convolves the "
          + x.shape().channels() + " x 1 x 1 output of a global "
          + "pooling with a weight of shape " + java.util.Arrays.toString(w.dims())
          + "; bitlab imports only an unpadded, ungrouped 1x1 "
          + "convolution there (a fully connected layer).");
    }
    Const bias = c.present(2)
        ? vector(c, c.constant(2, "the bias"), Math.toIntExact(w.dims()[0]), "bias")
        : null;
    linear(c, x, w.reshape(w.dims()[0], w.dims()[1]), bias, true);
  }

  private void gemm(Call c) {
    Attributes a = c.attrs();
    a.require("transA", 0, 0, "the activation is not transposed");
    Dyn x = features(c);
    Const b = c.constant(1, "B (the weight)");
    if (b.rank() != 2)
      throw new OnnxFormatException("ONNX node " + c.label() + " has a weight of rank " + b.rank()
          + "; Gemm needs a matrix.");
    Const w = a.integer("transB", 0) != 0 ? b : b.transpose2d();
    w = w.scaled((float) a.real("alpha", 1.0));
    Const bias = null;
    if (c.present(2)) {
      bias = vector(c, c.constant(2, "C (the bias)"), Math.toIntExact(w.dims()[0]), "C (the bias)")
          .scaled((float) a.real("beta", 1.0));
    }
    linear(c, x, w, bias, false);
  }

  private void matmul(Call c) {
    Dyn x = features(c);
    Const b = c.constant(1, "the weight");
    if (b.rank() != 2)
      throw new OnnxFormatException("ONNX node " + c.label() + " multiplies by a rank-" + b.rank()
          + " constant; bitlab imports a 2-D weight.");
    linear(c, x, b.transpose2d(), null, false);
  }

  /** A fully connected layer; {@code pooled} keeps its output N x C x 1 x 1 for ONNX (a 1x1 Conv on a pooled input). */
  private void linear(Call c, Dyn x, Const w, Const bias, boolean pooled) {
    int in = x.shape().channels();
    if (w.dims()[1] != in) {
      throw new OnnxFormatException("ONNX node " + c.label() + " has a weight for " + w.dims()[1]
          + " input features but its input has " + in + ".");
    }
    Map<String, Const> params = new LinkedHashMap<>();
    params.put("weight", w);
    if (bias != null) params.put("bias", bias);
    c.out(g.emit(
        c,
        new Op.Linear(in, Math.toIntExact(w.dims()[0]), bias != null),
        List.of(x),
        params,
        pooled));
  }

  private static Dyn features(Call c) {
    Dyn x = c.activation(0);
    if (x.onnxRank() != 2) {
      throw new OnnxFormatException(
          "ONNX node " + c.label() + " multiplies a rank-" + x.onnxRank()
              + " activation; bitlab imports fully connected layers on N x F inputs (add a Flatten before it).");
    }
    return x;
  }

  private void add(Call c) {
    Object a = c.in(0);
    Object b = c.in(1);
    if (a instanceof Dyn x && b instanceof Dyn y) {
      if (x.pooled() != y.pooled()) {
        throw new OnnxFormatException("ONNX node " + c.label() + " adds tensors of ranks "
            + x.onnxRank() + " and " + y.onnxRank() + "; bitlab adds tensors of one shape.");
      }
      c.out(g.emit(c, new Op.Add(), List.of(x, y), Map.of(), x.pooled()));
      return;
    }
    int di = a instanceof Dyn ? 0 : 1;
    Const k = (Const) (di == 0 ? b : a);
    addConstant(c, di, (Dyn) (di == 0 ? a : b), k, k);
  }

  /** {@code x - k} is {@code x + (-k)}, folded where an Add of a constant is; a constant minus an activation is refused. */
  private void sub(Call c) {
    if (c.in(0) instanceof Dyn x && c.in(1) instanceof Dyn y) {
      throw new UnsupportedOperatorException(c.display(), "Sub", " of two activations");
    }
    Const k = c.constant(1, "the subtrahend");
    addConstant(c, 0, c.activation(0), k.scaled(-1f), k);
  }

  /** {@code x / k} is {@code x * (1/k)}, folded where a Mul by a constant is. */
  private void div(Call c) {
    if (c.in(0) instanceof Dyn x && c.in(1) instanceof Dyn y) {
      throw new UnsupportedOperatorException(c.display(), "Div", " of two activations");
    }
    Const k = c.constant(1, "the divisor");
    float[] r = k.asFloats().clone();
    for (int i = 0; i < r.length; i++) r[i] = 1f / r[i];
    mulConstant(c, 0, c.activation(0), Const.floats(k.dims(), r), k);
  }

  /** Folds {@code x + k} into the node computing {@code x}; {@code shown} is the constant as the file has it, for messages. */
  private void addConstant(Call c, int di, Dyn x, Const k, Const shown) {
    Pending p = g.producer(x);
    boolean sole = p != null && p.onnxOutput.equals(c.inputName(di)) && g.uses(p.onnxOutput) == 1;
    if (sole
        && p.op instanceof Op.Linear l
        && !l.bias()
        && k.size() == l.out()
        && k.dims()[k.rank() - 1] == l.out()) {
      p.op = new Op.Linear(l.in(), l.out(), true);
      p.params.put("bias", k.reshape(l.out()));
      p.onnxOutput = c.proto().getOutput(0);
      c.out(x);
      return;
    }
    if (sole
        && p.op instanceof Op.Conv2d cv
        && !cv.bias()
        && k.size() == cv.out()
        && k.rank() >= 3
        && k.dims()[k.rank() - 3] == cv.out()) {
      p.op = cv.withBias(true);
      p.params.put("bias", k.reshape(cv.out()));
      p.onnxOutput = c.proto().getOutput(0);
      c.out(x);
      return;
    }
    if (sole && p.op instanceof Op.BatchNorm bn && perChannel(k, bn.channels(), x.onnxRank())) {
      float[] v = channelValues(k, bn.channels());
      float[] beta = p.params.get("bias").asFloats().clone();
      for (int i = 0; i < beta.length; i++) beta[i] += v[i];
      p.params.put("bias", Const.floats(new long[] {beta.length}, beta));
      p.onnxOutput = c.proto().getOutput(0);
      c.out(x);
      return;
    }
    throw c.attrs()
        .unsupported(
            "a constant operand '" + c.inputName(1 - di) + "'",
            shown.describe(),
            "two activations of one shape, or a bias added right after MatMul, Conv or BatchNormalization");
  }

  /** Sum of one activation is that activation; of several, a chain of Adds (Caffe2's residual connections). */
  private void sum(Call c) {
    List<Dyn> in = new ArrayList<>();
    for (int i = 0; i < c.inputs(); i++) if (c.present(i)) in.add(c.activation(i));
    Dyn acc = in.get(0);
    for (int i = 1; i < in.size(); i++) {
      Dyn y = in.get(i);
      if (acc.pooled() != y.pooled()) {
        throw new OnnxFormatException("ONNX node " + c.label() + " sums tensors of ranks "
            + acc.onnxRank() + " and " + y.onnxRank() + "; bitlab adds tensors of one shape.");
      }
      acc = g.emit(c, new Op.Add(), List.of(acc, y), Map.of(), acc.pooled());
    }
    c.out(acc);
  }

  /**
   * A per-channel (or scalar) constant scale right after a BatchNormalization or Conv read by nothing
   * else is folded into it (Caffe2's Scale layer after its BatchNorm, as in the onnx package's DenseNet
   * and Inception v2); bitlab has no elementwise product of activations.
   */
  private void mul(Call c) {
    Object a = c.in(0);
    Object b = c.in(1);
    int di = a instanceof Dyn ? 0 : 1;
    if (a instanceof Dyn x && b instanceof Dyn y) {
      mulActivations(c, x, y);
      return;
    }
    Const k = (Const) (di == 0 ? b : a);
    mulConstant(c, di, (Dyn) (di == 0 ? a : b), k, k);
  }

  private static Op.HardSigmoid hardSigmoid(Call c) {
    return new Op.HardSigmoid(c.attrs().real("alpha", 0.2), c.attrs().real("beta", 0.5));
  }

  /**
   * The product of two activations: {@code x * sigmoid(x)} is SiLU and {@code x * hardsigmoid(x)} (alpha 1/6, beta
   * 1/2) HardSwish, when nothing else reads the gate; otherwise an element-wise product of one shape, or a feature
   * map by an N x C x 1 x 1 gate (squeeze-and-excitation).
   */
  private void mulActivations(Call c, Dyn x, Dyn y) {
    for (int i = 0; i < 2; i++) {
      Dyn gate = i == 0 ? y : x;
      Dyn other = i == 0 ? x : y;
      Pending p = g.producer(gate);
      boolean sole = p != null
          && p.onnxOutput.equals(c.inputName(i == 0 ? 1 : 0))
          && g.uses(p.onnxOutput) == 1
          && p.inputs.equals(List.of(other.node()))
          && gate.shape().equals(other.shape())
          && gate.pooled() == other.pooled();
      Op fused = !sole
          ? null
          : p.op instanceof Op.Sigmoid
              ? new Op.Silu()
              : p.op instanceof Op.HardSigmoid h
                      && Math.abs(h.alpha() - 1.0 / 6) < 1e-6
                      && Math.abs(h.beta() - 0.5) < 1e-6
                  ? new Op.HardSwish()
                  : null;
      if (fused != null) {
        p.op = fused;
        p.onnxOutput = c.proto().getOutput(0);
        c.out(gate);
        return;
      }
    }
    boolean same = x.shape().equals(y.shape()) && x.pooled() == y.pooled();
    boolean gated = (x.shape().isImage() && y.pooled() && !x.pooled())
        || (y.shape().isImage() && x.pooled() && !y.pooled());
    if (!same && !gated) {
      String n = String.valueOf(Const.BATCH);
      throw new OnnxFormatException("ONNX node " + c.label() + " multiplies activations of shapes "
          + java.util.Arrays.toString(x.onnxShape()).replace(n, "N") + " and "
          + java.util.Arrays.toString(y.onnxShape()).replace(n, "N")
          + "; bitlab multiplies tensors of one shape, or a feature map by an "
          + "N x C x 1 x 1 gate of its channels.");
    }
    c.out(g.emit(c, new Op.Mul(), List.of(x, y), Map.of(), same && x.pooled()));
  }

  /** Folds {@code x * k} into the node computing {@code x}; {@code shown} is the constant as the file has it, for messages. */
  private void mulConstant(Call c, int di, Dyn x, Const k, Const shown) {
    Pending p = g.producer(x);
    boolean sole = p != null && p.onnxOutput.equals(c.inputName(di)) && g.uses(p.onnxOutput) == 1;
    if (sole && p.op instanceof Op.BatchNorm bn && perChannel(k, bn.channels(), x.onnxRank())) {
      float[] v = channelValues(k, bn.channels());
      p.params.put("weight", scaleChannels(p.params.get("weight"), v, 1));
      p.params.put("bias", scaleChannels(p.params.get("bias"), v, 1));
      p.onnxOutput = c.proto().getOutput(0);
      c.out(x);
      return;
    }
    if (sole && p.op instanceof Op.Conv2d cv && perChannel(k, cv.out(), x.onnxRank())) {
      float[] v = channelValues(k, cv.out());
      Const w = p.params.get("weight");
      p.params.put("weight", scaleChannels(w, v, w.size() / cv.out()));
      if (cv.bias()) p.params.put("bias", scaleChannels(p.params.get("bias"), v, 1));
      p.onnxOutput = c.proto().getOutput(0);
      c.out(x);
      return;
    }
    throw c.attrs()
        .unsupported(
            "a constant operand '" + c.inputName(1 - di) + "'",
            shown.describe(),
            "a per-channel scale right after a Conv or BatchNormalization that nothing else reads (bitlab's graph has no "
                + "elementwise product yet)");
  }

  /** Whether {@code k} broadcasts over an activation of this ONNX rank as one value per channel (or one value for all). */
  private static boolean perChannel(Const k, int channels, int rank) {
    if (k.size() == 1) return k.rank() <= rank;
    if (k.size() != channels || k.rank() > rank) return false;
    int channelAxis = k.rank() - (rank - 1);
    return channelAxis >= 0 && k.dims()[channelAxis] == channels;
  }

  private static float[] channelValues(Const k, int channels) {
    float[] v = new float[channels];
    float[] f = k.asFloats();
    for (int i = 0; i < channels; i++) v[i] = f.length == 1 ? f[0] : f[i];
    return v;
  }

  /** {@code t} (out-channel major, {@code block} values per channel) with each channel's block scaled. */
  private static Const scaleChannels(Const t, float[] v, int block) {
    float[] f = t.asFloats().clone();
    for (int i = 0; i < f.length; i++) f[i] *= v[i / block];
    return Const.floats(t.dims(), f);
  }

  private void batchNorm(Call c) {
    c.onlyFirstOutputUsed();
    Attributes a = c.attrs();
    if (c.opset() < 9) a.require("spatial", 1, 1, "per-channel statistics");
    a.require("training_mode", 0, 0, "inference with running statistics");
    Dyn x = c.activation(0);
    int ch = x.shape().channels();
    Map<String, Const> params = new LinkedHashMap<>();
    String[] names = {"weight", "bias", "running_mean", "running_var"};
    String[] roles = {"scale", "B", "input_mean", "input_var"};
    for (int i = 0; i < 4; i++)
      params.put(names[i], vector(c, c.constant(i + 1, roles[i]), ch, roles[i]));
    double eps = a.real("epsilon", 1e-5);
    double momentum = Attributes.oneMinus(a.real("momentum", 0.9));
    c.out(g.emit(c, new Op.BatchNorm(ch, eps, momentum), List.of(x), params, x.pooled()));
  }

  private void clip(Call c) {
    Attributes a = c.attrs();
    double lo;
    double hi;
    if (c.opset() < 11) {
      lo = a.real("min", -Float.MAX_VALUE);
      hi = a.real("max", Float.MAX_VALUE);
    } else {
      lo = c.present(1) ? c.scalarConstant(1, "min") : -Float.MAX_VALUE;
      hi = c.present(2) ? c.scalarConstant(2, "max") : Float.MAX_VALUE;
    }
    if (lo == 0 && hi == 6) unary(c, new Op.Relu6());
    else if (lo == 0 && hi >= Float.MAX_VALUE) unary(c, new Op.Relu());
    else if (lo < hi) unary(c, new Op.Clip(lo, hi));
    else throw a.unsupported("[min, max]", "[" + bound(lo) + ", " + bound(hi) + "]", "min < max");
  }

  private static String bound(double v) {
    return Math.abs(v) >= Float.MAX_VALUE ? "none" : String.valueOf(v);
  }

  /** ReduceMean over height and width is a global average pool (PyTorch's dynamo exporter writes adaptive_avg_pool2d so). */
  private void reduceMean(Call c) {
    Dyn x = c.image(0);
    long[] axes = c.opset() < 18
        ? c.attrs().ints("axes", null)
        : (c.present(1) ? c.constant(1, "axes").asLongs() : null);
    long[] norm = axes == null
        ? null
        : java.util.Arrays.stream(axes).map(a -> a < 0 ? a + 4 : a).sorted().toArray();
    if (norm == null || !java.util.Arrays.equals(norm, new long[] {2, 3})) {
      throw c.attrs()
          .unsupported(
              "axes",
              axes == null ? "all axes" : java.util.Arrays.toString(axes),
              "[2, 3] (height and width: a global average pool)");
    }
    boolean keep = c.attrs().integer("keepdims", 1) != 0;
    c.out(g.emit(c, new Op.GlobalAvgPool(), List.of(x), Map.of(), keep));
  }

  private void flatten(Call c) {
    Dyn x = c.activation(0);
    long axis = c.attrs().integer("axis", 1);
    if (axis < 0) axis += x.onnxRank();
    if (axis != 1)
      throw c.attrs()
          .unsupported(
              "axis", String.valueOf(c.attrs().integer("axis", 1)), "1 (keep the batch dimension)");
    c.out(toVector(c, x));
  }

  private Dyn toVector(Call c, Dyn x) {
    if (x.shape().isImage()) return g.emit(c, new Op.Flatten(), List.of(x), Map.of(), false);
    return new Dyn(x.node(), x.shape(), false);
  }

  private void lrn(Call c) {
    Attributes a = c.attrs();
    Dyn x = c.image(0);
    long size = a.integer("size", 0);
    if (size <= 0)
      throw new OnnxFormatException(
          "ONNX node " + c.label() + " lacks a positive size; the file is malformed.");
    c.out(g.emit(
        c,
        new Op.Lrn((int) size, a.real("alpha", 1e-4), a.real("beta", 0.75), a.real("bias", 1.0)),
        List.of(x),
        Map.of(),
        false));
  }

  private void reshape(Call c) {
    if (Channels.reshape(g, c)) return;
    Dyn x = c.activation(0);
    long[] t = c.constant(1, "shape").asLongs();
    long[] s = x.onnxShape();
    boolean copyZero = c.attrs().integer("allowzero", 0) == 0;
    long n = x.shape().elements();
    if (java.util.Arrays.equals(t, s)) {
      c.out(x);
      return;
    }
    if (t.length == 2) {
      boolean batchFirst =
          t[0] == Const.BATCH || (t[0] == 0 && copyZero) || (t[0] > 0 && t[0] == g.declaredBatch());
      boolean restAll = t[1] == -1 || t[1] == n;
      if ((batchFirst && restAll) || (t[0] == -1 && t[1] == n)) {
        c.out(toVector(c, x));
        return;
      }
    }
    throw c.attrs()
        .unsupported(
            "the target shape",
            Const.vector(t).describe().replaceAll(" of shape.*", ""),
            "[N, -1] or [N, " + n + "] (a flatten that keeps the batch)");
  }

  private void concat(Call c) {
    long axis = c.attrs().integer("axis", 1);
    List<Dyn> in = new ArrayList<>();
    for (int i = 0; i < c.inputs(); i++) in.add(c.image(i));
    if (axis < 0) axis += 4;
    if (axis != 1)
      throw c.attrs()
          .unsupported("axis", String.valueOf(c.attrs().integer("axis", 1)), "1 (channels)");
    // torch.cat of a one-element list (DenseNet's first layer in each block) is the identity.
    c.out(in.size() == 1 ? in.get(0) : g.emit(c, new Op.Concat(), in, Map.of(), false));
  }

  private void softmax(Call c) {
    Dyn x = c.activation(0);
    long axis = c.attrs().integer("axis", c.opset() < 13 ? 1 : -1);
    if (axis < 0) axis += x.onnxRank();
    // Over N x C x 1 x 1 (a global pooling's output) axis 1 is the channels, the features, at every
    // opset
    // (before 13 Softmax flattens from its axis on: C x 1 x 1 is C values); axes 2 and 3 would give
    // ones.
    // On a feature map axis 1 is the channels at each pixel from opset 13 on; before, it meant all
    // of C x H x W at once.
    boolean features = x.onnxRank() == 2 ? axis == 1 : (x.pooled() || c.opset() >= 13) && axis == 1;
    if (!features) {
      throw c.attrs()
          .unsupported(
              "axis",
              String.valueOf(c.attrs().integer("axis", c.opset() < 13 ? 1 : -1)),
              x.pooled()
                  ? "1 (the channels of an N x C x 1 x 1 input)"
                  : "the feature axis of an N x F input, or the channels (axis 1) of a feature map from opset 13 on");
    }
    c.out(g.emit(c, new Op.Softmax(), List.of(x), Map.of(), x.pooled()));
  }

  /** A per-channel constant (shape [n], or [1, n], [n, 1, 1] and the like) as a vector of n. */
  static Const vector(Call c, Const k, int n, String role) {
    int big = 0;
    for (long d : k.dims()) if (d != 1) big++;
    if (k.size() != n || big > 1) {
      throw new OnnxFormatException("ONNX node " + c.label() + " has " + role + " " + k.describe()
          + " where " + n + " values, one per channel, are needed.");
    }
    return k.reshape(n);
  }
}
