package bitlab.quant;

import bitlab.model.Node;
import bitlab.nn.Hooks;
import bitlab.nn.Tensor;
import bitlab.nn.Transform;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What quantization-aware training computes through: per layer, its weights fake-quantized per channel
 * (scales from the current extremes, or learned steps), binary layers as {@code α·sign(w)}; per
 * activation point its calibrated quantizer (or a learned step). Rounding is bridged by the
 * straight-through estimator. Learned steps (LSQ, Esser et al.) carry their own value and gradient,
 * with LSQ's gradient scale {@code 1/√(N·qmax)}; the training loop updates them.
 */
final class QatHooks implements Hooks {
  /** A learned step size: its values (one per channel, or one) and this batch's gradient. */
  record Step(INDArray value, INDArray gradient, double gradScale) {}

  private final QuantizedModel start;
  private final boolean learned;
  /** By the key {@link Quantizer#assemble} reads: {@code <layer>.weight_step}, or the activation point's node. */
  final Map<String, Step> steps = new LinkedHashMap<>();

  QatHooks(QuantizedModel start, boolean learned) {
    this.start = start;
    this.learned = learned;
  }

  @Override
  public Transform weight(Node node) {
    LayerQuant l = start.layer(node.name());
    if (!l.quantized()) return null;
    QuantSpec spec = l.weights().spec();
    if (spec.binary()) return new BinaryWeights();
    if (learned) {
      INDArray init = Nd4j.createFromArray(l.weights().scale());
      Step s = new Step(
          init,
          Nd4j.zeros(DataType.FLOAT, init.length()),
          1 / Math.sqrt((double) l.folded().length() * spec.qmax()));
      steps.put(node.name() + ".weight_step", s);
      return new LearnedStep(s, spec);
    }
    return new ExtremesSte(spec);
  }

  @Override
  public Transform output(Node node) {
    ActivationQuant a = start.activations().get(node.name());
    if (a == null) return null;
    if (learned) {
      INDArray init = Nd4j.createFromArray(new float[] {a.params().scale(0)});
      Step s = new Step(
          init,
          Nd4j.zeros(DataType.FLOAT, 1),
          1 / Math.sqrt((double) node.shape().elements() * a.spec().qmax()));
      steps.put(node.name(), s);
      return new LearnedStep(s, a.spec());
    }
    return FakeQuant.fixed(a.params(), true);
  }

  /** A narrower view of a wide tensor (the residual stream's 4-bit copy) keeps its calibrated step. */
  @Override
  public Transform input(Node node) {
    ActivationQuant v = start.view(node.name());
    return v == null ? null : FakeQuant.fixed(v.params(), true);
  }

  /** Per output channel, scale {@code max|w_c| / qmax} recomputed at every pass (no gradient through it). */
  static final class ExtremesSte implements Transform {
    private final QuantSpec spec;
    private float[] scale;

    ExtremesSte(QuantSpec spec) {
      this.spec = spec;
    }

    @Override
    public void forward(Tensor x, Tensor y) {
      FloatBuffer w = x.bytes().asFloatBuffer();
      int c = x.channels();
      int per = (int) (x.size() / c);
      if (scale == null) scale = new float[c];
      for (int o = 0; o < c; o++) {
        float m = 0;
        for (int i = o * per; i < (o + 1) * per; i++) m = Math.max(m, Math.abs(w.get(i)));
        scale[o] = Math.max(m / (float) spec.qmax(), QuantParams.MIN_SCALE);
      }
      FakeQuant.perChannel(x, y, scale, new int[c], spec);
    }

    @Override
    public void backward(Tensor x, Tensor dy, Tensor dx) {
      int c = x.channels();
      int per = (int) (x.size() / c);
      ByteBuffer xs = x.bytes(), g = dy.bytes(), out = dx.bytes();
      for (int o = 0; o < c; o++) {
        ByteBuffer xo = slice(xs, o * per, per),
            go = slice(g, o * per, per),
            oo = slice(out, o * per, per);
        FakeQuant.straightThrough(xo, go, oo, per, scale[o], spec.qmin(), spec.qmax());
      }
    }
  }

  static ByteBuffer slice(ByteBuffer b, int from, int count) {
    return b.duplicate().position(from * 4).limit((from + count) * 4).slice().order(b.order());
  }

  /** Binary weights {@code α_c·sign(w)}, {@code α_c = mean|w_c|} without gradient; the gradient passes straight through. */
  static final class BinaryWeights implements Transform {
    @Override
    public void forward(Tensor x, Tensor y) {
      FloatBuffer w = x.bytes().asFloatBuffer(), out = y.bytes().asFloatBuffer();
      int c = x.channels();
      int per = (int) (x.size() / c);
      for (int o = 0; o < c; o++) {
        double s = 0;
        for (int i = o * per; i < (o + 1) * per; i++) s += Math.abs(w.get(i));
        float alpha = (float) (s / per);
        for (int i = o * per; i < (o + 1) * per; i++) out.put(i, w.get(i) >= 0 ? alpha : -alpha);
      }
    }

    @Override
    public void backward(Tensor x, Tensor dy, Tensor dx) {
      if (dy != dx) dx.bytes().put(dy.bytes());
    }
  }

  /**
   * A learned step (one per channel of a weight, or one for an activation): the forward pass fake-quantizes
   * with it; the backward pass passes the gradient inside the clipping range and adds
   * {@code gradScale · Σ dy · (code − (inside ? x/s : 0))} to the step's gradient (LSQ's derivative).
   */
  static final class LearnedStep implements Transform {
    private final Step step;
    private final QuantSpec spec;

    LearnedStep(Step step, QuantSpec spec) {
      this.step = step;
      this.spec = spec;
    }

    private float[] steps() {
      return step.value().data().asFloat();
    }

    @Override
    public void forward(Tensor x, Tensor y) {
      float[] s = steps();
      if (s.length == 1) FakeQuant.apply(x.bytes(), y.bytes(), (int) x.size(), s[0], 0, spec);
      else FakeQuant.perChannel(x, y, s, new int[s.length], spec);
    }

    @Override
    public void backward(Tensor x, Tensor dy, Tensor dx) {
      float[] s = steps();
      FloatBuffer xs = x.bytes().asFloatBuffer(),
          g = dy.bytes().asFloatBuffer(),
          out = dx.bytes().asFloatBuffer();
      int n = (int) x.size();
      int c = s.length;
      long stride = s.length == 1 ? n : x.channelStride();
      double[] grad = new double[c];
      float lo = spec.qmin(), hi = spec.qmax();
      for (int i = 0; i < n; i++) {
        int ch = c == 1 ? 0 : (int) ((i / stride) % c);
        float v = xs.get(i) / s[ch];
        float gi = g.get(i);
        boolean inside = v >= lo && v <= hi;
        float code = (float) Math.max(lo, Math.min(hi, spec.rounding().round(v)));
        grad[ch] += gi * (inside ? code - v : code);
        out.put(i, inside ? gi : 0f);
      }
      INDArray acc = step.gradient();
      for (int k = 0; k < c; k++) acc.putScalar(k, acc.getDouble(k) + grad[k] * step.gradScale());
    }
  }
}
