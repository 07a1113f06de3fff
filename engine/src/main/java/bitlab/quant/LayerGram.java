package bitlab.quant;

import bitlab.model.Op;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The squared output error of one Conv or Linear layer as a quadratic form in its weights, from the inputs it
 * reads and the outputs it should give: with {@code P} the rows of its input patches (one per image and output
 * position) and {@code t} the target output less the bias, channel {@code o}'s mean squared error over the rows is
 * {@code wᵀ H w − 2 wᵀ g_o + c_o}, {@code H = PᵀP / M}, {@code g_o = Pᵀ t_o / M}, {@code c_o = t_oᵀ t_o / M}. The
 * channels separate, and the sums are taken once, so an optimizer over the weights (AdaRound) needs no more passes
 * over the images. One {@code H} per convolution group (a depthwise layer has one per channel).
 */
final class LayerGram {
  /** Elements of one block of patch rows (about 16 MB of doubles): larger inputs are summed block by block. */
  private static final int BLOCK = 1 << 21;

  private final int groups;
  private final int outPerGroup;
  private final int k;
  /** Per group, {@code H} ({@code k × k}). */
  private final INDArray[] h;
  /** Per group, {@code Gᵀ} ({@code outPerGroup × k}): row {@code o} is {@code g_o}. */
  private final INDArray[] g;

  private final double[] c;
  private long rows;
  /** {@code H} and {@code Gᵀ} per group as plain arrays (row-major), once {@link #finish()}ed. */
  private double[][] hs;

  private double[][] gs;

  private LayerGram(int groups, int outPerGroup, int k) {
    this.groups = groups;
    this.outPerGroup = outPerGroup;
    this.k = k;
    h = new INDArray[groups];
    g = new INDArray[groups];
    for (int i = 0; i < groups; i++) {
      h[i] = Nd4j.zeros(DataType.DOUBLE, k, k);
      g[i] = Nd4j.zeros(DataType.DOUBLE, outPerGroup, k);
    }
    c = new double[groups * outPerGroup];
  }

  /** An empty form for a layer ({@link Op.Conv2d} or {@link Op.Linear}). */
  static LayerGram of(Op op) {
    if (op instanceof Op.Conv2d cv)
      return new LayerGram(
          cv.groups(), cv.out() / cv.groups(), cv.in() / cv.groups() * cv.kernelH() * cv.kernelW());
    if (op instanceof Op.Linear l) return new LayerGram(1, l.out(), l.in());
    throw new QuantException(
        "Only Conv and Linear layers have weights to round; got " + op.type() + ".");
  }

  int groups() {
    return groups;
  }

  int outPerGroup() {
    return outPerGroup;
  }

  /** Weights per output channel. */
  int k() {
    return k;
  }

  /**
   * Adds a batch: {@code x} what the layer reads ({@code [N, C, H, W]} or {@code [N, K]}), {@code y} its target
   * output ({@code [N, O, Ho, Wo]} or {@code [N, O]}), {@code bias} per output channel (null: none).
   */
  void add(Op op, INDArray x, INDArray y, float[] bias) {
    double[] xs = x.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    double[] ys = y.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    int n = (int) x.size(0);
    int out = groups * outPerGroup;
    if (op instanceof Op.Linear) {
      addRows(xs, n, ys, bias);
      return;
    }
    Op.Conv2d cv = (Op.Conv2d) op;
    int ch = (int) x.size(1), ih = (int) x.size(2), iw = (int) x.size(3);
    int oh = (int) y.size(2), ow = (int) y.size(3);
    int cin = cv.in() / groups;
    int perImage = oh * ow;
    int imagesPerBlock = Math.max(1, BLOCK / Math.max(1, perImage * k));
    double[] p = new double[Math.min(n, imagesPerBlock) * perImage * k];
    double[] t = new double[Math.min(n, imagesPerBlock) * perImage * outPerGroup];
    for (int grp = 0; grp < groups; grp++) {
      for (int from = 0; from < n; from += imagesPerBlock) {
        int to = Math.min(n, from + imagesPerBlock);
        int r = 0;
        for (int img = from; img < to; img++) {
          for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++, r++) {
              int at = r * k;
              for (int ci = 0; ci < cin; ci++) {
                int base = (img * ch + grp * cin + ci) * ih * iw;
                for (int ky = 0; ky < cv.kernelH(); ky++) {
                  int yy = oy * cv.strideH() - cv.padH() + ky * cv.dilationH();
                  for (int kx = 0; kx < cv.kernelW(); kx++, at++) {
                    int xx = ox * cv.strideW() - cv.padW() + kx * cv.dilationW();
                    p[at] = yy < 0 || yy >= ih || xx < 0 || xx >= iw ? 0 : xs[base + yy * iw + xx];
                  }
                }
              }
              for (int o = 0; o < outPerGroup; o++) {
                int oc = grp * outPerGroup + o;
                t[r * outPerGroup + o] =
                    ys[((img * out + oc) * oh + oy) * ow + ox] - (bias == null ? 0 : bias[oc]);
              }
            }
          }
        }
        accumulate(grp, p, t, r);
      }
    }
  }

  /** Linear: the rows are the input vectors themselves. */
  private void addRows(double[] xs, int n, double[] ys, float[] bias) {
    double[] t = new double[n * outPerGroup];
    for (int r = 0; r < n; r++)
      for (int o = 0; o < outPerGroup; o++)
        t[r * outPerGroup + o] = ys[r * outPerGroup + o] - (bias == null ? 0 : bias[o]);
    accumulate(0, xs, t, n);
  }

  private void accumulate(int grp, double[] p, double[] t, int r) {
    INDArray pm = Nd4j.create(
        p.length == r * k ? p : java.util.Arrays.copyOf(p, r * k),
        new long[] {r, k},
        DataType.DOUBLE);
    INDArray tm = Nd4j.create(
        t.length == r * outPerGroup ? t : java.util.Arrays.copyOf(t, r * outPerGroup),
        new long[] {r, outPerGroup},
        DataType.DOUBLE);
    h[grp].addi(pm.transpose().mmul(pm));
    g[grp].addi(tm.transpose().mmul(pm));
    for (int i = 0; i < r * outPerGroup; i++) c[grp * outPerGroup + i % outPerGroup] += t[i] * t[i];
    if (grp == 0) rows += r;
  }

  /** Divides the sums by the number of rows: from here on, errors are means over rows. */
  void finish() {
    if (rows == 0)
      throw new QuantException("No calibration rows reached this layer; give calibration images.");
    hs = new double[groups][];
    gs = new double[groups][];
    for (int i = 0; i < groups; i++) {
      h[i].divi(rows);
      g[i].divi(rows);
      hs[i] = h[i].dup('c').data().asDouble();
      gs[i] = g[i].dup('c').data().asDouble();
    }
    for (int i = 0; i < c.length; i++) c[i] /= rows;
  }

  /**
   * {@code r_o = H w_o − g_o} for every output channel (half the gradient of the error in the weights), {@code w}
   * and {@code r} holding the channels' {@code k} values one after the other.
   */
  void residual(double[] w, double[] r) {
    for (int grp = 0; grp < groups; grp++) {
      int off = grp * outPerGroup * k;
      if ((long) outPerGroup * k * k >= 1 << 16) {
        // Large groups go through BLAS: outPerGroup × k times k × k.
        INDArray wm = Nd4j.create(
            java.util.Arrays.copyOfRange(w, off, off + outPerGroup * k),
            new long[] {outPerGroup, k},
            DataType.DOUBLE);
        double[] rm = wm.mmul(h[grp]).subi(g[grp]).dup('c').data().asDouble();
        System.arraycopy(rm, 0, r, off, rm.length);
        continue;
      }
      double[] hm = hs[grp], gm = gs[grp];
      for (int o = 0; o < outPerGroup; o++) {
        int wo = off + o * k;
        for (int i = 0; i < k; i++) {
          double s = -gm[o * k + i];
          for (int j = 0; j < k; j++) s += hm[i * k + j] * w[wo + j];
          r[wo + i] = s;
        }
      }
    }
  }

  /** Mean squared error over the rows, per output channel, of weights {@code w} (channels one after the other). */
  double[] errors(double[] w) {
    double[] r = new double[w.length];
    residual(w, r);
    double[] e = new double[groups * outPerGroup];
    for (int oc = 0; oc < e.length; oc++) {
      int grp = oc / outPerGroup, o = oc % outPerGroup;
      // wᵀHw − 2wᵀg + c = wᵀ(Hw − g) − wᵀg + c
      double s = c[oc];
      for (int i = 0; i < k; i++) s += w[oc * k + i] * (r[oc * k + i] - gs[grp][o * k + i]);
      e[oc] = s;
    }
    return e;
  }
}
