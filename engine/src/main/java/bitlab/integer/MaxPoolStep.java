package bitlab.integer;

import bitlab.integer.kernel.Parallel;
import bitlab.integer.kernel.WideMax;
import bitlab.model.Op;
import bitlab.model.Shape;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Max pooling on codes (the affine map is monotone, so the scale is unchanged); padded cells take no part. The window
 * has a kernel and stride per axis and padding per side (more at the end in ceil mode): every window is clipped to the
 * input, so the padding at the end only shows in the output's size.
 */
public record MaxPoolStep(String node, String input, Shape inShape, Shape shape, Op.Window window)
    implements Step {

  /** A square window: {@code kernel} and {@code stride} along both axes, {@code pad} on every side. */
  public MaxPoolStep(
      String node, String input, Shape inShape, Shape shape, int kernel, int stride, int pad) {
    this(
        node,
        input,
        inShape,
        shape,
        new Op.Window(kernel, kernel, stride, stride, pad, pad, pad, pad));
  }

  @Override
  public String op() {
    return "MaxPool";
  }

  @Override
  public List<String> inputs() {
    return List.of(input);
  }

  @Override
  public boolean takesNhwc() {
    return true;
  }

  @Override
  public IntTensor run(List<IntTensor> in) {
    IntTensor x = in.get(0);
    if (x.nhwc()) return runNhwc(x);
    if (x.wide()) return runWide(x);
    int c = inShape.channels(),
        h = inShape.height(),
        w = inShape.width(),
        oh = shape.height(),
        ow = shape.width();
    byte[] src = x.codes(), o = new byte[x.batch() * (int) shape.elements()];
    int mask = x.unsigned() ? 0xFF : -1; // an unsigned code is its byte & 0xFF
    int kh = window.kernelH(), sh = window.strideH(), top = window.padTop();
    int sw = window.strideW(), left = window.padLeft();
    int planesPerTask = Math.max(1, Requant.GRAIN / (h * w));
    Parallel.ranges(x.batch() * c, planesPerTask, Parallel.defaultThreads(), (from, to) -> {
      // Separable: each input row's window maxima across columns first, then the maxima of those
      // down
      // each window's rows, in contiguous runs over the output columns. Windows are clipped to the
      // input:
      // padded cells take no part.
      int[] across = new int[h * ow];
      int[] down = new int[ow];
      for (int p = from; p < to; p++) {
        int inBase = p * h * w, outBase = p * oh * ow;
        for (int iy = 0; iy < h; iy++) {
          int row = inBase + iy * w, xx = 0;
          if (window.kernelW() == 3) { // the common window, unrolled where it lies inside the row
            for (; xx < ow && xx * sw - left < 0; xx++)
              across[iy * ow + xx] = rowMax(src, row, xx, w, mask);
            for (; xx < ow && xx * sw - left + 3 <= w; xx++) {
              int i = row + xx * sw - left;
              across[iy * ow + xx] =
                  Math.max(Math.max(src[i] & mask, src[i + 1] & mask), src[i + 2] & mask);
            }
          }
          for (; xx < ow; xx++) across[iy * ow + xx] = rowMax(src, row, xx, w, mask);
        }
        for (int y = 0; y < oh; y++) {
          int y0 = Math.max(0, y * sh - top), y1 = Math.min(h, y * sh - top + kh);
          System.arraycopy(across, y0 * ow, down, 0, ow);
          for (int iy = y0 + 1; iy < y1; iy++) {
            int r = iy * ow;
            for (int xx = 0; xx < ow; xx++) down[xx] = Math.max(down[xx], across[r + xx]);
          }
          int o0 = outBase + y * ow;
          for (int xx = 0; xx < ow; xx++) o[o0 + xx] = (byte) down[xx];
        }
      }
    });
    return new IntTensor(shape, x.batch(), o, x.params());
  }

  /** The same pooling on 16-bit words (the residual stream above 8 bits), one window at a time. */
  private IntTensor runWide(IntTensor x) {
    int h = inShape.height(), w = inShape.width(), oh = shape.height(), ow = shape.width();
    CodeBuffer o = new CodeBuffer(x.batch() * (int) shape.elements(), x.params());
    for (int p = 0; p < x.batch() * inShape.channels(); p++) {
      for (int y = 0; y < oh; y++) {
        int y0 = firstRow(y), y1 = endRow(y, h);
        for (int xx = 0; xx < ow; xx++) {
          int x0 = firstColumn(xx), x1 = endColumn(xx, w);
          int best = Integer.MIN_VALUE;
          for (int iy = y0; iy < y1; iy++)
            for (int ix = x0; ix < x1; ix++) best = Math.max(best, x.code(p * h * w + iy * w + ix));
          o.put(p * oh * ow + y * ow + xx, best);
        }
      }
    }
    return o.tensor(shape, x.batch(), x.params());
  }

  /**
   * Channels-last, bytes or 16-bit words (the wide stream as a channels-last layer writes it), on all cores: per output
   * position, the window's positions' channels a vector at a time ({@link WideMax}), the rest in scalar.
   */
  private IntTensor runNhwc(IntTensor x) {
    int c = inShape.channels(), size = x.batch() * (int) shape.elements();
    boolean unsigned = x.unsigned();
    if (x.wide()) {
      short[] src = x.wideCodes(), o = new short[size];
      int mask = unsigned ? 0xFFFF : -1;
      eachWindow(x.batch(), (taps, k, at) -> {
        int ch = WideMax.AVAILABLE && k > 0 ? WideMax.max(src, taps, k, c, unsigned, o, at) : 0;
        for (; ch < c; ch++) {
          int best = Integer.MIN_VALUE;
          for (int t = 0; t < k; t++) best = Math.max(best, src[taps[t] + ch] & mask);
          o[at + ch] = (short) best;
        }
      });
      return new IntTensor(shape, x.batch(), null, o, x.params(), true);
    }
    byte[] src = x.codes(), o = new byte[size];
    int mask = unsigned ? 0xFF : -1;
    if (WideMax.AVAILABLE && c < WideMax.byteLanes()) return narrowNhwc(x, src, o, mask);
    eachWindow(x.batch(), (taps, k, at) -> {
      int ch = WideMax.AVAILABLE && k > 0 ? WideMax.max(src, taps, k, c, unsigned, o, at) : 0;
      for (; ch < c; ch++) {
        int best = Integer.MIN_VALUE;
        for (int t = 0; t < k; t++) best = Math.max(best, src[taps[t] + ch] & mask);
        o[at + ch] = (byte) best;
      }
    });
    return new IntTensor(shape, x.batch(), o, x.params(), true);
  }

  /**
   * Bytes with fewer channels than a vector holds (lenet5's pools: 6 and 16): a window's channels would take no vector
   * and every code a scalar loop. Separable instead, an output row at a time: the maxima down the window's input rows,
   * whole rows of {@code width·channels} bytes a vector at a time ({@link WideMax}), then across each window's columns of
   * that row, per channel.
   */
  private IntTensor narrowNhwc(IntTensor x, byte[] src, byte[] o, int mask) {
    int c = inShape.channels(),
        h = inShape.height(),
        w = inShape.width(),
        oh = shape.height(),
        ow = shape.width(),
        row = w * c;
    boolean unsigned = x.unsigned();
    int rowsPerTask = Math.max(1, Requant.GRAIN / (ow * c));
    Parallel.ranges(x.batch() * oh, rowsPerTask, Parallel.defaultThreads(), (from, to) -> {
      int[] rows = new int[window.kernelH()];
      byte[] down = new byte[row];
      for (int r = from; r < to; r++) {
        int n = r / oh, y = r % oh, k = 0;
        for (int iy = firstRow(y); iy < endRow(y, h); iy++) rows[k++] = (n * h + iy) * row;
        if (k == 0) continue; // a window of padding only: code 0, as the other paths write
        int i = WideMax.max(src, rows, k, row, unsigned, down, 0);
        for (; i < row; i++) {
          int best = src[rows[0] + i] & mask;
          for (int t = 1; t < k; t++) best = Math.max(best, src[rows[t] + i] & mask);
          down[i] = (byte) best;
        }
        for (int xx = 0, at = (n * oh + y) * ow * c; xx < ow; xx++, at += c) {
          int x0 = firstColumn(xx), x1 = endColumn(xx, w);
          for (int ch = 0; ch < c; ch++) {
            int best = Integer.MIN_VALUE;
            for (int ix = x0; ix < x1; ix++) best = Math.max(best, down[ix * c + ch] & mask);
            o[at + ch] = (byte) best;
          }
        }
      }
    });
    return new IntTensor(shape, x.batch(), o, x.params(), true);
  }

  /** One channels-last window: the offsets of its {@code k} input positions, and its output position's offset. */
  private interface Window {
    void pool(int[] taps, int k, int at);
  }

  /** Every channels-last window of the batch, rows of output positions spread over the cores. */
  private void eachWindow(int batch, Window f) {
    int c = inShape.channels(),
        h = inShape.height(),
        w = inShape.width(),
        oh = shape.height(),
        ow = shape.width();
    int rowsPerTask = Math.max(1, Requant.GRAIN / (ow * c));
    Parallel.ranges(batch * oh, rowsPerTask, Parallel.defaultThreads(), (from, to) -> {
      int[] taps = new int[window.kernelH() * window.kernelW()];
      for (int r = from; r < to; r++) {
        int n = r / oh, y = r % oh;
        int y0 = firstRow(y), y1 = endRow(y, h);
        for (int xx = 0; xx < ow; xx++) {
          int x0 = firstColumn(xx), x1 = endColumn(xx, w), k = 0;
          for (int iy = y0; iy < y1; iy++)
            for (int ix = x0; ix < x1; ix++) taps[k++] = ((n * h + iy) * w + ix) * c;
          f.pool(taps, k, ((n * oh + y) * ow + xx) * c);
        }
      }
    });
  }

  /** The window's first input row for output row {@code y}, clipped to the input (and its end, exclusive, below). */
  private int firstRow(int y) {
    return Math.max(0, y * window.strideH() - window.padTop());
  }

  private int endRow(int y, int h) {
    return Math.min(h, y * window.strideH() - window.padTop() + window.kernelH());
  }

  private int firstColumn(int x) {
    return Math.max(0, x * window.strideW() - window.padLeft());
  }

  private int endColumn(int x, int w) {
    return Math.min(w, x * window.strideW() - window.padLeft() + window.kernelW());
  }

  /** The largest code of the window over output column {@code xx} of one input row, clipped to the row. */
  private int rowMax(byte[] src, int row, int xx, int w, int mask) {
    int x0 = firstColumn(xx), x1 = endColumn(xx, w);
    int best = Integer.MIN_VALUE;
    for (int ix = x0; ix < x1; ix++) best = Math.max(best, src[row + ix] & mask);
    return best;
  }

  @Override
  public INDArray simulate(List<INDArray> in) {
    // Padding written out (below every code) so that the end may get more than the start, then an
    // unpadded pooling.
    INDArray x = in.get(0);
    int h = inShape.height(), w = inShape.width();
    int top = window.padTop(), left = window.padLeft();
    int bottom = (shape.height() - 1) * window.strideH() + window.kernelH() - h - top,
        right = (shape.width() - 1) * window.strideW() + window.kernelW() - w - left;
    INDArray padded = Nd4j.valueArrayOf(
        new long[] {
          x.size(0), x.size(1), h + top + Math.max(0, bottom), w + left + Math.max(0, right)
        },
        -1e9,
        x.dataType());
    padded
        .get(
            NDArrayIndex.all(),
            NDArrayIndex.all(),
            NDArrayIndex.interval(top, top + h),
            NDArrayIndex.interval(left, left + w))
        .assign(x);
    Pooling2DConfig cfg = Pooling2DConfig.builder()
        .kH(window.kernelH())
        .kW(window.kernelW())
        .sH(window.strideH())
        .sW(window.strideW())
        .pH(0)
        .pW(0)
        .dH(1)
        .dW(1)
        .type(Pooling2D.Pooling2DType.MAX)
        .paddingMode(PaddingMode.VALID)
        .isNHWC(false)
        .build();
    return Nd4j.cnn().maxPooling2d(padded, cfg);
  }
}
