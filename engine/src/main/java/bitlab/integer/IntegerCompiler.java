package bitlab.integer;

import bitlab.integer.kernel.ConvGeometry;
import bitlab.integer.kernel.ConvKernels;
import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import bitlab.quant.ActivationQuant;
import bitlab.quant.BiasGrid;
import bitlab.quant.LayerQuant;
import bitlab.quant.QuantParams;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Rounding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a statically quantized model into an integer-only program: BatchNorm is already folded by
 * quantization; here the weight codes are packed, biases become int32 at {@code S_x·S_w[c]}, every
 * rescaling becomes a dyadic multiplier, ReLU/ReLU6 become clamps fused into the layer or addition
 * before them, and the last layer's accumulators become the dequantized logits. Everything that
 * cannot run in integers is refused here, before any image is seen.
 */
public final class IntegerCompiler {
  /** Bits a weighted layer's input code may take: the kernels read bytes. */
  public static final int MAX_ACTIVATION_BITS = IntTensor.BYTE_BITS;

  private final QuantizedModel q;
  private final Model m;
  private final Rounding rounding;
  private final Map<String, List<Node>> readers;
  /** Name of the tensor that holds each node's value (a fused layer's value lives under its ReLU's name). */
  private final Map<String, String> tensorOf = new HashMap<>();

  private final Map<String, QuantParams> paramsOf = new HashMap<>();
  private final List<Step> steps = new ArrayList<>();
  /** Layers whose accumulator goes into the residual Add that reads them, by layer name. */
  private final Map<String, Pending> pending = new HashMap<>();

  /** A layer's accumulator waiting for its Add: what it reads and its weights' scales. */
  private record Pending(
      LayerAccumulator acc, String input, QuantParams in, float[] weightScales) {}

  private IntegerCompiler(QuantizedModel q) {
    this.q = q;
    this.m = q.folded();
    this.rounding = q.rounding();
    this.readers = m.readers();
  }

  public static IntegerModel compile(QuantizedModel q) {
    // its Vector API code compiled by C2 whatever rate a model calls it at (see JitWarmup)
    bitlab.integer.kernel.JitWarmup.start();
    if (q.dynamic()) {
      throw new IntegerException(
          "Dynamic quantization has no fixed activation scales, so it cannot run in integers only; "
              + "build a static one with quantize(net, policy).calibrate(data).build().");
    }
    if (q.activationsAllocated()) {
      throw new IntegerException(
          "Per-channel activation widths (bit allocation) cannot run in integers only: a layer sums the products of "
              + "all its input channels in one int32 accumulator, which needs one input scale; this model is "
              + "simulated only (allocate the weights only for an integer program).");
    }
    return new IntegerCompiler(q).build();
  }

  private IntegerModel build() {
    String logits = logitsNode();
    for (Node n : m.nodes()) {
      Op op = n.op();
      if (op instanceof Op.Input in) {
        QuantParams p = point(n.name(), "the model input");
        emit(new QuantizeInputStep(n.name(), in.shape(), p), p);
      } else if (n.quantizable()) {
        layer(n, logits);
      } else if (op instanceof Op.Relu || op instanceof Op.Relu6) {
        if (!tensorOf.containsKey(n.name())) standaloneClamp(n);
      } else if (op instanceof Op.Add) {
        add(n);
      } else if (op instanceof Op.Concat) {
        concat(n);
      } else if (op instanceof Op.MaxPool p) {
        String x = input(n, 0);
        emit(
            new MaxPoolStep(n.name(), x, m.node(n.inputs().get(0)).shape(), n.shape(), p.window()),
            paramsOf.get(x));
      } else if (op instanceof Op.AvgPool p) {
        avgPool(n, false, p.window());
      } else if (op instanceof Op.GlobalAvgPool && givesLogits(n, logits)) {
        String x = input(n, 0); // SqueezeNet: the logits are the pool's means
        steps.add(
            PooledLogits.of(n.name(), x, m.node(n.inputs().get(0)).shape(), quantizedInput(n, x)));
      } else if (op instanceof Op.GlobalAvgPool) {
        avgPool(n, true, AvgPoolStep.global(m.node(n.inputs().get(0)).shape()));
      } else if (op instanceof Op.Pointwise f) {
        String x = input(n, 0);
        QuantParams p = point(n.name(), "the output of " + f.type() + " '" + n.name() + "'");
        emit(LookupStep.of(n.name(), x, f, n.shape(), quantizedInput(n, x), p), p);
      } else if (op instanceof Op.BatchNorm) {
        batchNorm(n);
      } else if (op instanceof Op.Lrn l) {
        String x = input(n, 0);
        QuantParams p = point(n.name(), "the output of LRN '" + n.name() + "'");
        emit(LrnStep.of(n.name(), x, l, n.shape(), quantizedInput(n, x), p, rounding), p);
      } else if (op instanceof Op.Mul) {
        product(n);
      } else if (op instanceof Op.ChannelMap cm) {
        String x = input(n, 0);
        emit(
            ChannelMapStep.of(n.name(), x, cm, m.node(n.inputs().get(0)).shape(), n.shape()),
            paramsOf.get(x));
      } else if (op instanceof Op.Flatten
          && n.name().equals(logits)
          && !steps.isEmpty()
          && steps.get(steps.size() - 1) instanceof LogitsStep) {
        continue; // the pooled logits are already N x C
      } else if (op instanceof Op.Flatten) {
        String x = input(n, 0);
        emit(new FlattenStep(n.name(), x, n.shape()), paramsOf.get(x));
      } else if (op instanceof Op.Softmax) {
        continue; // after the logits: the prediction is the logits' argmax
      } else {
        throw new IntegerException(Refusals.noKernel(n));
      }
    }
    if (!(steps.get(steps.size() - 1) instanceof LogitsStep)) {
      throw new IntegerException(
          "Model '" + m.name()
              + "' does not end in a Conv or Linear layer, so its logits are not integer accumulators.");
    }
    return new IntegerModel(q, steps);
  }

  private void emit(Step s, QuantParams p) {
    steps.add(s);
    tensorOf.put(s.node(), s.node());
    if (p != null) paramsOf.put(s.node(), p);
  }

  private QuantParams point(String node, String what) {
    ActivationQuant a = q.activations().get(node);
    if (a == null || a.params() == null) {
      throw new IntegerException("The value of " + what + " ('" + node
          + "') stays in float under policy " + q.policy().summary()
          + "; integer-only inference needs every layer's input quantized: give every layer 2.."
          + MAX_ACTIVATION_BITS + " activation bits.");
    }
    int bits = a.spec().bits();
    if (bits < 2 || bits > IntTensor.MAX_BITS) {
      throw new IntegerException("Activation '" + node + "' has " + bits
          + " bits; the integer executor carries activations in 2.." + IntTensor.MAX_BITS
          + " bits, and weighted layers read 2.." + MAX_ACTIVATION_BITS
          + " (1-bit networks run through binarized(...) with XNOR and popcount).");
    }
    return a.params();
  }

  /** The per-tensor quantization of a tensor a node reads, or a refusal naming the node. */
  private QuantParams quantizedInput(Node n, String tensor) {
    QuantParams p = paramsOf.get(tensor);
    if (p == null || p.channels() != 1) {
      throw new IntegerException("Node '" + n.name() + "' (" + n.op().type() + ") reads '" + tensor
          + "', which is not quantized per tensor; "
          + "integer-only inference needs its input quantized: give the layers around it 2.."
          + MAX_ACTIVATION_BITS + " activation bits.");
    }
    return p;
  }

  /** A product of two activations (the gate second when one is a per-channel gate), rescaled by one dyadic multiplier. */
  private void product(Node n) {
    String a = input(n, 0), b = input(n, 1);
    bitlab.model.Shape sa = m.node(n.inputs().get(0)).shape(),
        sb = m.node(n.inputs().get(1)).shape();
    if (sa.elements() < sb.elements()) {
      String t = a;
      a = b;
      b = t;
      bitlab.model.Shape u = sa;
      sa = sb;
      sb = u;
    }
    QuantParams pa = quantizedInput(n, a), pb = quantizedInput(n, b);
    QuantParams out = point(n.name(), "the product '" + n.name() + "'");
    for (QuantParams p : List.of(pa, pb)) {
      if (IntTensor.wide(p))
        throw new IntegerException("Mul '" + n.name() + "' reads a " + p.spec().bits()
            + "-bit tensor (a residual stream kept wide); the product of two codes must fit 32 bits, so "
            + "its inputs may have at most " + MAX_ACTIVATION_BITS
            + " bits: quantize with streamBits(8) (--stream-bits 8).");
    }
    int plane = sa.equals(sb) ? 1 : sa.height() * sa.width();
    Dyadic multiplier = Dyadic.of((double) pa.scale(0) * pb.scale(0) / out.scale(0));
    emit(
        new ProductStep(
            n.name(),
            a,
            b,
            n.shape(),
            plane,
            pa.zeroPoint(0),
            pb.zeroPoint(0),
            multiplier,
            rounding,
            out),
        out);
  }

  /** The tensor holding input {@code i} of a node. */
  private String input(Node n, int i) {
    String src = n.inputs().get(i);
    String t = tensorOf.get(src);
    if (t == null)
      throw new IntegerException("Node '" + n.name() + "' reads '" + src
          + "', which has no integer value (it stays in float).");
    return t;
  }

  /** The node whose value is the logits: the last node, or the input of a final Softmax. */
  private String logitsNode() {
    Node out = m.output();
    return out.op() instanceof Op.Softmax ? out.inputs().get(0) : out.name();
  }

  /** An unquantized global pool whose value (or its flattening) is the logits. */
  private boolean givesLogits(Node pool, String logits) {
    if (q.activations().containsKey(pool.name())) return false;
    if (pool.name().equals(logits)) return true;
    Node l = m.node(logits);
    return l.op() instanceof Op.Flatten && l.inputs().get(0).equals(pool.name());
  }

  /** The chain of ReLU/ReLU6 a layer or addition is fused with, ending at its activation point (or empty: no point). */
  private List<Node> fusedChain(Node n) {
    List<Node> relus = m.reluChain(n, x -> !q.activations().containsKey(x.name()));
    Node end = relus.isEmpty() ? n : relus.get(relus.size() - 1);
    if (!q.activations().containsKey(end.name())) return List.of();
    List<Node> chain = new ArrayList<>(List.of(n));
    chain.addAll(relus);
    return chain;
  }

  /** Output code bounds after a fused chain: the quantizer's range narrowed by ReLU (code of 0) and ReLU6 (code of 6). */
  private static int[] bounds(List<Node> chain, QuantParams out) {
    int lo = out.spec().qmin(), hi = out.spec().qmax();
    for (Node c : chain) {
      if (c.op() instanceof Op.Relu || c.op() instanceof Op.Relu6)
        lo = Math.max(lo, out.quantize(0f, 0));
      if (c.op() instanceof Op.Relu6) hi = Math.min(hi, out.quantize(6f, 0));
    }
    return new int[] {lo, hi};
  }

  private static String opName(List<Node> chain) {
    StringBuilder b = new StringBuilder();
    for (Node c : chain) b.append(b.length() == 0 ? "" : "+").append(c.op().type());
    return b.toString();
  }

  private void layer(Node n, String logits) {
    LayerQuant l = q.layer(n.name());
    if (!l.quantized()) {
      throw new IntegerException("Layer '" + n.name() + "' keeps float weights under policy "
          + q.policy().summary() + "; give it 2..8 weight bits to run it in integers.");
    }
    // The codes' width: the policy's, or the widest channel's under per-channel bit allocation.
    int wb = l.weights().spec().bits();
    if (wb < 2 || wb > 8) {
      throw new IntegerException("Layer '" + n.name() + "' has " + wb
          + "-bit weights; the integer executor runs 2..8-bit weights"
          + (wb == 1
              ? " (1-bit networks run through binarized(...) with XNOR and popcount)."
              : "."));
    }
    String x = input(n, 0);
    if (paramsOf.get(x) == null)
      throw new IntegerException(
          "Layer '" + n.name() + "' reads float values; quantize its input activations.");
    Node src = m.node(n.inputs().get(0));
    ActivationQuant view = q.view(n.name());
    if (view != null) x = view(x, src, view);
    QuantParams in = paramsOf.get(x);
    if (IntTensor.wide(in)) {
      throw new IntegerException(
          "Layer '" + n.name() + "' reads '" + x + "' at " + in.spec().bits()
              + " bits; the integer kernels read codes of 2.." + MAX_ACTIVATION_BITS
              + " bits: give the layer 2.." + MAX_ACTIVATION_BITS
              + " activation bits (it then reads a narrower view of the wide tensor).");
    }
    ConvGeometry g;
    boolean linear = n.op() instanceof Op.Linear;
    byte[] codes = weightCodes(l);
    if (n.op() instanceof Op.Conv2d c) {
      g = DilatedKernel.geometry(
          c, src.shape()); // a dilated kernel runs with zeros between its taps
      codes = DilatedKernel.codes(c, codes);
    } else {
      Op.Linear lin = (Op.Linear) n.op();
      g = ConvGeometry.linear(lin.in(), lin.out());
    }
    float[] sw = new float[g.outChannels()];
    for (int c = 0; c < sw.length; c++) sw[c] = l.weights().scale(c);
    int[] bias = biasCodes(l, in, sw.length);
    checkOverflow(n.name(), g, in, codes, bias);
    LayerAccumulator acc = new LayerAccumulator(
        n.name(),
        g,
        linear,
        PackedCodes.pack(codes, wb),
        bias,
        ConvKernels.best(g, codes, !in.spec().signed(), in.zeroPoint(0)));
    if (q.residualAdd(n.name()) != null) {
      pending.put(n.name(), new Pending(acc, x, in, sw));
      return;
    }
    List<Node> chain = fusedChain(n);
    if (chain.isEmpty()) {
      if (!n.name().equals(logits)) {
        throw new IntegerException(
            "The output of layer '" + n.name()
                + "' stays in float; only the logits may: quantize the activations of the layers reading it.");
      }
      float[] scales = new float[sw.length];
      for (int c = 0; c < sw.length; c++) scales[c] = (float) ((double) in.scale(0) * sw[c]);
      steps.add(new LogitsStep(n.name(), n.op().type(), x, in.zeroPoint(0), acc, scales));
      return;
    }
    String pointName = chain.get(chain.size() - 1).name();
    QuantParams out = point(pointName, "layer '" + n.name() + "'");
    Dyadic[] mult = new Dyadic[g.outChannels()];
    for (int c = 0; c < mult.length; c++)
      mult[c] = Dyadic.of((double) in.scale(0) * sw[c] / out.scale(0));
    int[] b = bounds(chain, out);
    Step s = new ConvStep(
        pointName,
        opName(chain),
        x,
        in.zeroPoint(0),
        n.shape(),
        acc,
        mult,
        out,
        b[0],
        b[1],
        rounding);
    emit(s, out);
    for (Node c : chain) tensorOf.put(c.name(), pointName);
  }

  /** A BatchNorm no layer absorbed (it reads a concatenation or a pooling), with its ReLU fused: {@link AffineStep}. */
  private void batchNorm(Node n) {
    String x = input(n, 0);
    QuantParams in = quantizedInput(n, x);
    List<Node> chain = fusedChain(n);
    if (chain.isEmpty())
      throw new IntegerException("The output of BatchNorm '" + n.name()
          + "' stays in float; quantize the activations of the layers reading it.");
    String pointName = chain.get(chain.size() - 1).name();
    QuantParams out = point(pointName, "BatchNorm '" + n.name() + "'");
    int[] b = bounds(chain, out);
    emit(
        AffineStep.batchNorm(m, n, pointName, opName(chain), x, in, out, b[0], b[1], rounding),
        out);
    for (Node c : chain) tensorOf.put(c.name(), pointName);
  }

  /**
   * The narrower view of a wide tensor a layer reads (the residual stream's 4-bit copy): the stored codes requantized
   * by one dyadic multiplier {@code S_x / S_view}, made once per tensor and width and shared by the layers reading it.
   */
  private String view(String x, Node src, ActivationQuant view) {
    String name = bitlab.quant.QuantizedModel.viewName(view);
    if (paramsOf.containsKey(name)) return name;
    QuantParams from = paramsOf.get(x);
    QuantParams to = view.params();
    if (to == null)
      throw new IntegerException("The " + view.spec().bits() + "-bit view of '" + view.node()
          + "' has no fixed scale; calibrate it.");
    int bits = to.spec().bits();
    if (bits < 2 || bits > MAX_ACTIVATION_BITS) {
      throw new IntegerException("Layers " + view.point().readers() + " read '" + view.node()
          + "' at " + bits + " bits; the integer executor carries activations in 2.."
          + MAX_ACTIVATION_BITS + " bits.");
    }
    Dyadic mult = Dyadic.of((double) from.scale(0) / to.scale(0));
    emit(
        new RescaleStep(
            name,
            "Requant",
            List.of(x),
            src.shape(),
            new int[] {from.zeroPoint(0)},
            new Dyadic[] {mult},
            to,
            to.spec().qmin(),
            to.spec().qmax(),
            rounding),
        to);
    return name;
  }

  private static byte[] weightCodes(LayerQuant l) {
    int[] c = l.codes()
        .castTo(org.nd4j.linalg.api.buffer.DataType.INT)
        .dup('c')
        .data()
        .asInt();
    byte[] b = new byte[c.length];
    for (int i = 0; i < c.length; i++) b[i] = (byte) c[i];
    return b;
  }

  /**
   * The bias as int32 codes on {@code S_x·S_w[c]} ({@link BiasGrid}: the quantized model's bias is already on that
   * grid, so these are its own codes); refuses biases that need more than 31 bits.
   */
  private int[] biasCodes(LayerQuant l, QuantParams in, int channels) {
    double[] k = BiasGrid.codes(l, in, rounding);
    int[] out = new int[channels];
    if (k == null) return out;
    for (int c = 0; c < out.length; c++) {
      if (Math.abs(k[c]) > Integer.MAX_VALUE / 2) {
        throw new IntegerException(
            "Layer '" + l.layer() + "', channel " + c + ": its bias " + l.bias().getFloat(c)
                + " at scale "
                + BiasGrid.step(in, l.weights(), c)
                + " needs more than 31 bits (its weights are nearly all zero); prune the channel or give the layer more weight bits.");
      }
      out[c] = (int) k[c];
    }
    return out;
  }

  /** Refuses a layer whose worst-case sum of products (plus bias) could leave int32. */
  private static void checkOverflow(
      String layer, ConvGeometry g, QuantParams in, byte[] codes, int[] bias) {
    long maxX = Math.max(
        Math.abs((long) in.spec().qmax() - in.zeroPoint(0)),
        Math.abs((long) in.spec().qmin() - in.zeroPoint(0)));
    int per = g.fanIn();
    for (int c = 0; c < g.outChannels(); c++) {
      long sumW = 0;
      for (int i = c * per; i < (c + 1) * per; i++) sumW += Math.abs(codes[i]);
      long worst = sumW * maxX + Math.abs((long) bias[c]);
      if (worst > Integer.MAX_VALUE) {
        throw new IntegerException(
            "Layer '" + layer + "' could overflow its int32 accumulator: output channel " + c
                + " sums " + per + " products of up to " + maxX + " x its weight codes (worst case "
                + worst + " > 2^31 - 1); use fewer activation or weight bits for it.");
      }
    }
  }

  private void add(Node n) {
    for (int i = 0; i < 2; i++) {
      Pending p = pending.remove(n.inputs().get(i));
      if (p != null) {
        accumulatorAdd(n, p, input(n, 1 - i));
        return;
      }
    }
    String a = input(n, 0), b = input(n, 1);
    QuantParams pa = paramsOf.get(a), pb = paramsOf.get(b);
    if (pa == null || pb == null)
      throw new IntegerException(
          "Add '" + n.name() + "' has a float input; quantize both branches.");
    List<Node> chain = fusedChain(n);
    if (chain.isEmpty())
      throw new IntegerException("The output of Add '" + n.name()
          + "' stays in float; quantize the activations of the layers reading it.");
    String pointName = chain.get(chain.size() - 1).name();
    QuantParams out = point(pointName, "Add '" + n.name() + "'");
    long[] f = ResidualStep.align(
        Dyadic.of((double) pa.scale(0) / out.scale(0)),
        Dyadic.of((double) pb.scale(0) / out.scale(0)),
        Math.max(pa.spec().bits(), pb.spec().bits()));
    int[] bd = bounds(chain, out);
    emit(
        new ResidualStep(
            pointName,
            opName(chain),
            a,
            b,
            n.shape(),
            pa.zeroPoint(0),
            pb.zeroPoint(0),
            f[0],
            f[1],
            (int) f[2],
            out,
            bd[0],
            bd[1],
            rounding),
        out);
    for (Node c : chain) tensorOf.put(c.name(), pointName);
  }

  /** A residual Add one of whose branches is a layer's int32 accumulator ({@link AccumulatorAddStep}). */
  private void accumulatorAdd(Node n, Pending p, String other) {
    QuantParams pb = paramsOf.get(other);
    if (pb == null)
      throw new IntegerException(
          "Add '" + n.name() + "' has a float input; quantize both branches.");
    List<Node> chain = fusedChain(n);
    if (chain.isEmpty())
      throw new IntegerException("The output of Add '" + n.name()
          + "' stays in float; quantize the activations of the layers reading it.");
    String pointName = chain.get(chain.size() - 1).name();
    QuantParams out = point(pointName, "Add '" + n.name() + "'");
    int channels = p.weightScales().length;
    double[] accM = new double[channels];
    for (int c = 0; c < channels; c++)
      accM[c] = (double) p.in().scale(0) * p.weightScales()[c] / out.scale(0);
    double mb = (double) pb.scale(0) / out.scale(0);
    int shift = AccumulatorAddStep.commonShift(accM, mb, pb.spec().bits());
    long[] factors = new long[channels];
    for (int c = 0; c < channels; c++) factors[c] = Math.round(Math.scalb(accM[c], shift));
    long fb = Math.round(Math.scalb(mb, shift));
    int[] bd = bounds(chain, out);
    Node layer = m.node(p.acc().layer());
    emit(
        new AccumulatorAddStep(
            pointName,
            layer.op().type() + "+" + opName(chain),
            p.input(),
            p.in().zeroPoint(0),
            other,
            n.shape(),
            p.acc(),
            factors,
            pb.zeroPoint(0),
            fb,
            shift,
            out,
            bd[0],
            bd[1],
            rounding),
        out);
    for (Node c : chain) tensorOf.put(c.name(), pointName);
  }

  private void concat(Node n) {
    QuantParams out = point(n.name(), "Concat '" + n.name() + "'");
    rescale(n, List.of(n), out);
  }

  private void standaloneClamp(Node n) {
    QuantParams out = point(n.name(), n.op().type() + " '" + n.name() + "'");
    rescale(n, List.of(n), out);
  }

  private void rescale(Node n, List<Node> chain, QuantParams out) {
    List<String> ins = new ArrayList<>();
    int[] zps = new int[n.inputs().size()];
    Dyadic[] mult = new Dyadic[zps.length];
    for (int i = 0; i < zps.length; i++) {
      String t = input(n, i);
      QuantParams p = paramsOf.get(t);
      if (p == null)
        throw new IntegerException(
            "Node '" + n.name() + "' has a float input '" + n.inputs().get(i) + "'.");
      ins.add(t);
      zps[i] = p.zeroPoint(0);
      mult[i] = Dyadic.of((double) p.scale(0) / out.scale(0));
    }
    int[] bd = bounds(chain, out);
    emit(
        new RescaleStep(
            n.name(), n.op().type(), ins, n.shape(), zps, mult, out, bd[0], bd[1], rounding),
        out);
  }

  private void avgPool(Node n, boolean global, Op.Window window) {
    String x = input(n, 0);
    QuantParams in = paramsOf.get(x);
    QuantParams out = point(n.name(), n.op().type() + " '" + n.name() + "'");
    var inShape = m.node(n.inputs().get(0)).shape();
    int max = window.kernelH() * window.kernelW();
    Dyadic[] byCount = new Dyadic[max + 1];
    byCount[0] = new Dyadic(0, 0);
    for (int k = 1; k <= max; k++)
      byCount[k] = Dyadic.of((double) in.scale(0) / ((double) out.scale(0) * k));
    emit(
        new AvgPoolStep(
            n.name(),
            x,
            inShape,
            n.shape(),
            global,
            window,
            in.zeroPoint(0),
            byCount,
            out,
            rounding),
        out);
  }
}
