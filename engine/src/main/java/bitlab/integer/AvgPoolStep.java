package bitlab.integer;

import bitlab.model.Op;
import bitlab.model.Shape;
import bitlab.quant.QuantParams;
import bitlab.quant.Rounding;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Average pooling in integers: the window's sum of {@code q − z_in} is requantized with the dyadic
 * multiplier of {@code S_in / (S_out · count)}, one per possible count (windows at a padded border
 * count fewer cells, as {@code count_include_pad=False} does, and so do windows that reach past the end of the map
 * in ceil mode, which are clipped to it). The window has a kernel and stride per axis and padding per side. Global
 * average pooling is the case of one window over the whole map ({@code global}, {@link #global(Shape)}).
 *
 * @param byCount multiplier for a window of {@code k} cells at index {@code k}
 */
public record AvgPoolStep(
    String node,
    String input,
    Shape inShape,
    Shape shape,
    boolean global,
    Op.Window window,
    int inputZeroPoint,
    Dyadic[] byCount,
    QuantParams out,
    Rounding rounding)
    implements Step {

  @Override
  public String op() {
    return global ? "GlobalAvgPool" : "AvgPool";
  }

  @Override
  public int outputBits() {
    return out.spec().bits();
  }

  /** The multiplier of a whole window (a border window's differs only by its count). */
  @Override
  public String rescaling() {
    return byCount[byCount.length - 1].toString();
  }

  @Override
  public List<String> inputs() {
    return List.of(input);
  }

  /** The one window of a global pooling over a map of shape {@code in}. */
  public static Op.Window global(Shape in) {
    return new Op.Window(in.height(), in.width(), 1, 1, 0, 0, 0, 0);
  }

  private int outH() {
    return global ? 1 : shape.height();
  }

  private int outW() {
    return global ? 1 : shape.width();
  }

  /** Cells of the window at output position (y, x) that lie inside the map. */
  private int count(int y, int x) {
    int h = inShape.height(), w = inShape.width();
    int y0 = Math.max(0, y * window.strideH() - window.padTop()),
        y1 = Math.min(h, y * window.strideH() - window.padTop() + window.kernelH());
    int x0 = Math.max(0, x * window.strideW() - window.padLeft()),
        x1 = Math.min(w, x * window.strideW() - window.padLeft() + window.kernelW());
    return (y1 - y0) * (x1 - x0);
  }

  private long code(long sum, int count) {
    return Requant.code(
        sum,
        byCount[count],
        rounding,
        out.zeroPoint(0),
        out.spec().qmin(),
        out.spec().qmax());
  }

  @Override
  public boolean takesNhwc() {
    return true;
  }

  @Override
  public IntTensor run(List<IntTensor> in) {
    IntTensor x = in.get(0);
    if (x.nhwc()) {
      if (global) return globalNhwc(x);
      x = x.nchw();
    }
    int c = inShape.channels(), h = inShape.height(), w = inShape.width(), oh = outH(), ow = outW();
    int kh = window.kernelH(), kw = window.kernelW(), sh = window.strideH(), sw = window.strideW();
    int top = window.padTop(), left = window.padLeft();
    CodeBuffer o = new CodeBuffer(x.batch() * c * oh * ow, out);
    for (int plane = 0; plane < x.batch() * c; plane++) {
      int inBase = plane * h * w, outBase = plane * oh * ow;
      for (int y = 0; y < oh; y++) {
        for (int xx = 0; xx < ow; xx++) {
          long sum = 0;
          for (int i = 0; i < kh; i++) {
            int iy = y * sh - top + i;
            if (iy < 0 || iy >= h) continue;
            for (int j = 0; j < kw; j++) {
              int ix = xx * sw - left + j;
              if (ix < 0 || ix >= w) continue;
              sum += x.code(inBase + iy * w + ix) - inputZeroPoint;
            }
          }
          o.put(outBase + y * ow + xx, code(sum, count(y, xx)));
        }
      }
    }
    return o.tensor(shape, x.batch(), out);
  }

  /**
   * Global pooling of channels-last codes: per image, the channels' sums over the positions, in runs over the channels;
   * bytes or 16-bit words (the wide residual stream) in, the output quantizer's container out.
   */
  private IntTensor globalNhwc(IntTensor x) {
    int c = inShape.channels(), hw = inShape.height() * inShape.width();
    byte[] src = x.wide() ? null : x.codes();
    short[] wide = x.wide() ? x.wideCodes() : null;
    CodeBuffer o = new CodeBuffer(x.batch() * c, out);
    int mask = !x.unsigned() ? -1 : x.wide() ? 0xFFFF : 0xFF;
    long[] sum = new long[c];
    for (int n = 0; n < x.batch(); n++) {
      java.util.Arrays.fill(sum, 0);
      for (int p = 0, at = n * hw * c; p < hw; p++, at += c) {
        if (wide != null) for (int ch = 0; ch < c; ch++) sum[ch] += wide[at + ch] & mask;
        else for (int ch = 0; ch < c; ch++) sum[ch] += src[at + ch] & mask;
      }
      for (int ch = 0; ch < c; ch++)
        o.put(n * c + ch, code(sum[ch] - (long) hw * inputZeroPoint, hw));
    }
    return o.tensor(shape, x.batch(), out);
  }

  @Override
  public INDArray simulate(List<INDArray> in) {
    INDArray x = in.get(0).sub((double) inputZeroPoint);
    int batch = (int) x.size(0), c = inShape.channels(), oh = outH(), ow = outW();
    INDArray mean;
    if (global) {
      mean = x.mean(2, 3).reshape(batch, c, 1, 1);
    } else {
      // The padding written out as zeros (on codes minus the zero point: they add nothing to a
      // sum), so that a
      // window reaching past the end (ceil mode) is pooled as the executor clips it; the sums are
      // mean times k².
      int h = inShape.height(), w = inShape.width();
      int top = window.padTop(), left = window.padLeft();
      int bottom = Math.max(0, (oh - 1) * window.strideH() + window.kernelH() - h - top),
          right = Math.max(0, (ow - 1) * window.strideW() + window.kernelW() - w - left);
      INDArray padded = Nd4j.zeros(x.dataType(), batch, c, h + top + bottom, w + left + right);
      padded
          .get(
              NDArrayIndex.all(),
              NDArrayIndex.all(),
              NDArrayIndex.interval(top, top + h),
              NDArrayIndex.interval(left, left + w))
          .assign(x);
      x = padded;
      Pooling2DConfig cfg = Pooling2DConfig.builder()
          .kH(window.kernelH())
          .kW(window.kernelW())
          .sH(window.strideH())
          .sW(window.strideW())
          .pH(0)
          .pW(0)
          .dH(1)
          .dW(1)
          .type(Pooling2D.Pooling2DType.AVG)
          .divisor(Pooling2D.Divisor.EXCLUDE_PADDING)
          .paddingMode(PaddingMode.VALID)
          .isNHWC(false)
          .build();
      mean = Nd4j.cnn().avgPooling2d(x, cfg);
    }
    double[] m = mean.dup('c').data().asDouble();
    double[] o = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      int pos = i % (oh * ow);
      int cnt = count(pos / ow, pos % ow);
      // the mean times the cells it was taken over is the integer sum (within float64 rounding)
      long sum = Math.round(m[i] * (global ? cnt : window.kernelH() * window.kernelW()));
      o[i] = code(sum, cnt);
    }
    return Nd4j.createFromArray(o)
        .reshape(shape.isImage() ? shape.withBatch(batch) : new long[] {batch, c});
  }
}
