package bitlab.integer;

import bitlab.integer.kernel.ConvGeometry;
import bitlab.integer.kernel.ConvKernels;
import bitlab.model.Shape;
import bitlab.quant.QuantParams;
import java.util.Arrays;

/**
 * Logits that are a global average pool's output (SqueezeNet's classifier: a 1x1 Conv to the classes, ReLU, then
 * the pool): the pool is a depthwise layer whose {@code H x W} kernel is all ones, so its int32 accumulators are the
 * sums of each channel's codes, and the logits they dequantize to, {@code S_x/(H·W)·Σ(q − z)}, are the mean the
 * fake-quantized model computes in float (the logits leave the integer domain once, as a Linear's do). Everything
 * downstream of the program ({@link LogitsStep}, prediction, tracing) then treats it as any last layer.
 */
final class PooledLogits {
  private PooledLogits() {}

  static LogitsStep of(String node, String input, Shape in, QuantParams x) {
    int c = in.channels(), h = in.height(), w = in.width();
    ConvGeometry g = new ConvGeometry(c, c, h, w, 1, 0, 0, c, h, w);
    byte[] ones = new byte[g.weightSize()];
    Arrays.fill(ones, (byte) 1);
    LayerAccumulator acc = new LayerAccumulator(
        node,
        g,
        false,
        PackedCodes.pack(ones, 2),
        new int[c],
        ConvKernels.best(g, ones, !x.spec().signed(), x.zeroPoint(0)));
    float[] scales = new float[c];
    Arrays.fill(scales, (float) ((double) x.scale(0) / ((long) h * w)));
    return new LogitsStep(node, "GlobalAvgPool", input, x.zeroPoint(0), acc, scales);
  }
}
