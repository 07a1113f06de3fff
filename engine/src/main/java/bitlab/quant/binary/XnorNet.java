package bitlab.quant.binary;

import bitlab.data.Samples;
import bitlab.model.Evaluation;
import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import bitlab.quant.QuantException;
import bitlab.task.Work;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A binarized network compiled to packed bits: each layer's dot products are
 * {@code K - 2·popcount(patch XOR weights)} on 64-bit words, each hidden channel's scale, BatchNorm
 * and sign collapse into an integer threshold on that count, max pooling is an OR, and only the last
 * layer's scale and BatchNorm are computed in float, to give the logits.
 *
 * <p>The thresholds are derived by evaluating the simulation's own float32 epilogue
 * ({@code ((z·α)·scale)+shift}, with BatchNorm's {@code scale = γ/√(σ²+ε)} and
 * {@code shift = β − μ·scale} formed in float32 as the float engine forms them for BatchNorm with given
 * statistics) at every reachable
 * count {@code z}, so the bits, and hence the predictions, equal those of {@link BinaryNets#simulation}.
 */
public final class XnorNet {
  private sealed interface Stage permits Dot, Pool, Flatten {}

  /** A Conv or Linear layer on bits with its epilogue: thresholds (hidden) or float logits (last). */
  private record Dot(
      String name,
      int out,
      int inC,
      int k,
      int stride,
      int words,
      long[][] weights,
      int fanIn,
      int[] threshold,
      boolean[] increasing,
      float[] alpha,
      float[] scale,
      float[] shift,
      boolean last)
      implements Stage {}

  private record Pool(int kernel, int stride) implements Stage {}

  private record Flatten() implements Stage {}

  private final String name;
  private final int[] inputShape;
  private final List<Stage> stages;

  private XnorNet(String name, int[] inputShape, List<Stage> stages) {
    this.name = name;
    this.inputShape = inputShape;
    this.stages = stages;
  }

  /** Compiles a (trained) binarized model; throws naming the node if its structure is not one this engine runs. */
  public static XnorNet compile(Model bnn) {
    BinaryNets.check(bnn);
    List<Stage> stages = new ArrayList<>();
    List<Node> nodes = bnn.nodes();
    String prev = nodes.get(0).name();
    for (int i = 1; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      if (n.inputs().size() != 1 || !n.inputs().get(0).equals(prev)) {
        throw new QuantException("Node '" + n.name() + "' of '" + bnn.name()
            + "' does not read the node before it; the XNOR engine runs chains only.");
      }
      prev = n.name();
      Op op = n.op();
      if (op instanceof Op.MaxPool p) {
        if (p.pad() != 0 || !p.window().uniform())
          throw new QuantException("MaxPool '" + n.name()
              + "' is padded or not square; the XNOR engine pools square unpadded windows.");
        stages.add(new Pool(p.kernel(), p.stride()));
      } else if (op instanceof Op.Flatten) {
        stages.add(new Flatten());
      } else if (op instanceof Op.Conv2d c
          && (c.dilated() || c.kernelH() != c.kernelW() || !c.squareStride())) {
        throw new QuantException("Layer '" + n.name() + "' of '" + bnn.name()
            + "' is dilated or not square; the XNOR engine runs square, "
            + "undilated convolutions with one stride.");
      } else if (n.quantizable()) {
        if (i + 1 >= nodes.size() || !(nodes.get(i + 1).op() instanceof Op.BatchNorm)) {
          throw new QuantException(
              "Layer '" + n.name() + "' of '" + bnn.name() + "' must be followed by a BatchNorm.");
        }
        Node bn = nodes.get(++i);
        prev = bn.name();
        stages.add(dot(bnn, n, bn, i == nodes.size() - 1));
      } else {
        throw new QuantException(
            "Node '" + n.name() + "' (" + op.type()
                + ") cannot run on bits; binarized models use Conv, Linear, BatchNorm, MaxPool and Flatten.");
      }
    }
    if (!(stages.get(stages.size() - 1) instanceof Dot d) || !d.last()) {
      throw new QuantException("Binarized model '" + bnn.name()
          + "' must end with a layer and its BatchNorm (the logits).");
    }
    var s = bnn.inputShape();
    return new XnorNet(bnn.name(), new int[] {s.channels(), s.height(), s.width()}, stages);
  }

  private static Dot dot(Model m, Node layer, Node bn, boolean last) {
    INDArray w = m.param(layer.param("weight")).castTo(DataType.FLOAT);
    int out = (int) w.size(0);
    float[] wv = w.dup('c').data().asFloat();
    int fanIn = wv.length / out;
    int words = (fanIn + 63) / 64;
    long[][] packed = new long[out][words];
    for (int o = 0; o < out; o++) {
      for (int j = 0; j < fanIn; j++)
        if (wv[o * fanIn + j] >= 0) packed[o][j >> 6] |= 1L << (j & 63);
    }
    int inC = layer.op() instanceof Op.Conv2d c ? c.in() : fanIn;
    int k = layer.op() instanceof Op.Conv2d c ? c.kernelH() : 1;
    int stride = layer.op() instanceof Op.Conv2d c ? c.stride() : 1;
    float[] alpha = BinaryNets.alpha(m, layer.name());
    float eps = (float) ((Op.BatchNorm) bn.op()).epsilon();
    float[] gamma = floats(m, bn.param("weight"));
    float[] beta = floats(m, bn.param("bias"));
    float[] mean = floats(m, bn.param("running_mean"));
    float[] var = floats(m, bn.param("running_var"));
    float[] scale = new float[out];
    float[] shift = new float[out];
    for (int c = 0; c < out; c++) {
      scale[c] = gamma[c] / (float) Math.sqrt(var[c] + eps);
      shift[c] = beta[c] - mean[c] * scale[c];
    }
    int[] threshold = new int[out];
    boolean[] increasing = new boolean[out];
    if (!last) {
      for (int c = 0; c < out; c++) {
        // The bit as a function of the count z in {-K, -K+2, ..., K}: monotone, so one threshold
        // describes it.
        boolean low = epilogue(-fanIn, alpha[c], scale[c], shift[c]) >= 0;
        boolean high = epilogue(fanIn, alpha[c], scale[c], shift[c]) >= 0;
        increasing[c] = !low || high;
        // Increasing: the smallest count whose bit is set; decreasing: the largest.
        int t = increasing[c] ? fanIn + 2 : -fanIn - 2;
        for (int z = -fanIn; z <= fanIn; z += 2) {
          if (epilogue(z, alpha[c], scale[c], shift[c]) >= 0) {
            if (increasing[c]) {
              t = z;
              break;
            }
            t = z;
          }
        }
        threshold[c] = t;
        for (int z = -fanIn; z <= fanIn; z += 2) {
          boolean want = epilogue(z, alpha[c], scale[c], shift[c]) >= 0;
          if (want != (increasing[c] ? z >= t : z <= t)) {
            throw new IllegalStateException("Channel " + c + " of '" + layer.name()
                + "' is not a threshold function of its count.");
          }
        }
      }
    }
    return new Dot(
        layer.name(),
        out,
        inC,
        k,
        stride,
        words,
        packed,
        fanIn,
        threshold,
        increasing,
        alpha,
        scale,
        shift,
        last);
  }

  /** The simulation's float32 epilogue of a count. */
  static float epilogue(int z, float alpha, float scale, float shift) {
    float y = (float) z * alpha;
    y = y * scale;
    return y + shift;
  }

  private static float[] floats(Model m, String key) {
    return m.param(key).castTo(DataType.FLOAT).dup('c').data().asFloat();
  }

  /** Logits of one image, given as its normalised pixels {@code [C*H*W]}. */
  public float[] logits(float[] pixels) {
    int c = inputShape[0];
    int h = inputShape[1];
    int w = inputShape[2];
    boolean[] bits = new boolean[pixels.length];
    for (int i = 0; i < pixels.length; i++) bits[i] = pixels[i] >= 0;
    for (Stage s : stages) {
      if (s instanceof Pool p) {
        int oh = (h - p.kernel()) / p.stride() + 1;
        int ow = (w - p.kernel()) / p.stride() + 1;
        boolean[] o = new boolean[c * oh * ow];
        for (int ch = 0; ch < c; ch++) {
          for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
              boolean any = false;
              for (int dy = 0; dy < p.kernel() && !any; dy++) {
                for (int dx = 0; dx < p.kernel() && !any; dx++)
                  any = bits[(ch * h + y * p.stride() + dy) * w + x * p.stride() + dx];
              }
              o[(ch * oh + y) * ow + x] = any;
            }
          }
        }
        bits = o;
        h = oh;
        w = ow;
      } else if (s instanceof Flatten) {
        c = c * h * w;
        h = 1;
        w = 1;
      } else {
        Dot d = (Dot) s;
        int oh = (h - d.k()) / d.stride() + 1;
        int ow = (w - d.k()) / d.stride() + 1;
        long[] patch = new long[d.words()];
        boolean[] o = new boolean[d.out() * oh * ow];
        float[] logits = d.last() ? new float[d.out() * oh * ow] : null;
        for (int y = 0; y < oh; y++) {
          for (int x = 0; x < ow; x++) {
            java.util.Arrays.fill(patch, 0);
            int j = 0;
            for (int ch = 0; ch < d.inC(); ch++) {
              for (int dy = 0; dy < d.k(); dy++) {
                int row = (ch * h + y * d.stride() + dy) * w + x * d.stride();
                for (int dx = 0; dx < d.k(); dx++, j++)
                  if (bits[row + dx]) patch[j >> 6] |= 1L << (j & 63);
              }
            }
            for (int oc = 0; oc < d.out(); oc++) {
              long[] wt = d.weights()[oc];
              int mismatches = 0;
              for (int q = 0; q < patch.length; q++) mismatches += Long.bitCount(patch[q] ^ wt[q]);
              int z = d.fanIn() - 2 * mismatches;
              int at = (oc * oh + y) * ow + x;
              if (d.last()) {
                logits[at] = epilogue(z, d.alpha()[oc], d.scale()[oc], d.shift()[oc]);
              } else {
                o[at] = d.increasing()[oc] ? z >= d.threshold()[oc] : z <= d.threshold()[oc];
              }
            }
          }
        }
        if (d.last()) return logits;
        bits = o;
        c = d.out();
        h = oh;
        w = ow;
      }
    }
    throw new IllegalStateException("XNOR net '" + name + "' has no output layer.");
  }

  /** Predicted classes (first maximum on ties, as ND4J's argmax). */
  public int[] predict(INDArray images) {
    int n = (int) images.size(0);
    float[] all = images.castTo(DataType.FLOAT).dup('c').data().asFloat();
    int per = all.length / n;
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      float[] l = logits(java.util.Arrays.copyOfRange(all, i * per, (i + 1) * per));
      int best = 0;
      for (int k = 1; k < l.length; k++) if (l[k] > l[best]) best = k;
      out[i] = best;
      if (i % 100 == 99)
        Work.progress(String.format("XNOR inference %s: %,d / %,d images", name, i + 1, n));
    }
    return out;
  }

  public Evaluation evaluate(Samples samples) {
    int[] p = predict(samples.images());
    int correct = 0;
    for (int i = 0; i < p.length; i++) if (p[i] == samples.label(i)) correct++;
    return new Evaluation(name + " (XNOR)", samples.name(), correct, p.length, Double.NaN);
  }

  /** Weight storage in bytes: one bit per weight, plus per-channel thresholds (int32) or float epilogues. */
  public long sizeBytes() {
    long b = 0;
    for (Stage s : stages)
      if (s instanceof Dot d)
        b += (long) d.out() * d.words() * 8 + (long) d.out() * (d.last() ? 12 : 4);
    return b;
  }
}
