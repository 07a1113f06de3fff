package bitlab.integer;

import bitlab.integer.kernel.ConvGeometry;
import bitlab.integer.kernel.ConvKernel;
import bitlab.model.Shape;
import bitlab.quant.QuantParams;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The integer core of a Conv or Linear layer: {@code acc = Σ (x − zx)·w + bias} in int32, with the
 * weight codes stored packed and the int32 bias at scale {@code S_x·S_w[c]}. {@link #accumulate} runs
 * the layer's kernel; {@link #simulate} computes the same sums with ND4J's float64 convolution.
 */
public record LayerAccumulator(
    String layer,
    ConvGeometry geometry,
    boolean linear,
    PackedCodes weights,
    int[] bias,
    ConvKernel kernel) {

  /** int32 accumulators, NCHW (or N x features for a linear layer), bias included. */
  public int[] accumulate(IntTensor x) {
    x = x.nchw();
    int batch = x.batch();
    int[] acc = new int[batch * geometry.outputSize()];
    kernel.accumulate(x.codes(), batch, acc);
    addBias(acc, batch);
    return acc;
  }

  /**
   * The layer's output codes: the kernel's accumulators through {@code e} (bias, requantization, clamp), channels-last
   * where the kernel works so ({@link ConvKernel#channelsLast}: oneDNN, which reads either layout), else NCHW (the
   * input is then brought to NCHW first).
   */
  public IntTensor requantize(
      IntTensor x, bitlab.integer.kernel.Epilogue e, Shape shape, QuantParams out) {
    byte[] codes = CallBuffers.bytes(x.batch() * geometry.outputSize());
    if (kernel.channelsLast()) {
      kernel.requantizeNhwc(x.codes(), x.nhwc(), x.batch(), e, codes);
      return new IntTensor(shape, x.batch(), codes, out, true);
    }
    kernel.requantize(x.nchw().codes(), x.batch(), e, codes);
    return new IntTensor(shape, x.batch(), codes, out);
  }

  /**
   * A layer writing the wide residual stream: the kernel's sums go through {@code e} ({@link WideEpilogue} or the wide
   * Add's, which hold their 16-bit output) while in cache, channels-last where the kernel works so (the input is then
   * read in its layout), else NCHW. Returns whether the codes are channels-last.
   */
  boolean requantizeWide(IntTensor x, bitlab.integer.kernel.Epilogue e) {
    if (kernel.channelsLast()) {
      kernel.requantizeNhwc(x.codes(), x.nhwc(), x.batch(), e, null);
      return true;
    }
    kernel.requantize(x.nchw().codes(), x.batch(), e, null);
    return false;
  }

  private void addBias(int[] acc, int batch) {
    int plane = geometry.outH() * geometry.outW(), out = geometry.outChannels();
    for (int n = 0; n < batch; n++) {
      for (int c = 0; c < out; c++) {
        int b = bias[c];
        if (b == 0) continue;
        int base = (n * out + c) * plane;
        for (int i = base; i < base + plane; i++) acc[i] += b;
      }
    }
  }

  /** The same accumulators from ND4J float64 arithmetic on codes {@code [N, ...]} with input zero point {@code zx}. */
  public int[] simulate(INDArray codes, int zx) {
    ConvGeometry g = geometry;
    int batch = (int) codes.size(0);
    INDArray x = codes.castTo(DataType.DOUBLE).sub((double) zx);
    byte[] w = weights.unpack();
    double[] wd = new double[w.length];
    for (int i = 0; i < w.length; i++) wd[i] = w[i];
    INDArray wOihw =
        Nd4j.createFromArray(wd).reshape(g.outChannels(), g.groupIn(), g.kernelH(), g.kernelW());
    INDArray y;
    if (linear) {
      y = x.reshape(batch, g.inChannels())
          .mmul(wOihw.reshape(g.outChannels(), g.inChannels()).transpose());
    } else {
      x = x.reshape(batch, g.inChannels(), g.inH(), g.inW());
      Conv2DConfig cfg = Conv2DConfig.builder()
          .kH(g.kernelH())
          .kW(g.kernelW())
          .sH(g.strideH())
          .sW(g.strideW())
          .pH(g.padH())
          .pW(g.padW())
          .dH(1)
          .dW(1)
          .paddingMode(PaddingMode.VALID)
          .dataFormat(Conv2DConfig.NCHW)
          .weightsFormat(WeightsFormat.YXIO)
          .build();
      if (g.groups() == 1) {
        y = Nd4j.cnn().conv2d(x, wOihw.permute(2, 3, 1, 0).dup('c'), cfg);
      } else if (g.depthwise()) {
        y = Nd4j.cnn().depthWiseConv2d(x, wOihw.permute(2, 3, 0, 1).dup('c'), cfg);
      } else {
        int gi = g.groupIn(), go = g.outChannels() / g.groups();
        INDArray[] parts = new INDArray[g.groups()];
        for (int k = 0; k < g.groups(); k++) {
          INDArray xs = x.get(
                  NDArrayIndex.all(),
                  NDArrayIndex.interval(k * gi, (k + 1) * gi),
                  NDArrayIndex.all(),
                  NDArrayIndex.all())
              .dup('c');
          INDArray ws = wOihw.get(
              NDArrayIndex.interval(k * go, (k + 1) * go),
              NDArrayIndex.all(),
              NDArrayIndex.all(),
              NDArrayIndex.all());
          parts[k] = Nd4j.cnn().conv2d(xs, ws.permute(2, 3, 1, 0).dup('c'), cfg);
        }
        y = Nd4j.concat(1, parts);
      }
    }
    int[] acc = Requant.exactInts(y.dup('c').data().asDouble());
    addBias(acc, batch);
    return acc;
  }

  /** Bytes of the packed weights and the int32 biases. */
  public long bytes() {
    return weights.bytes().length + 4L * bias.length;
  }
}
