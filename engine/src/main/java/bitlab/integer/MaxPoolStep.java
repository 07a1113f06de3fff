package bitlab.integer;

import bitlab.model.Shape;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/** Max pooling on codes (the affine map is monotone, so the scale is unchanged); padded cells take no part. */
public record MaxPoolStep(String node, String input, Shape inShape, Shape shape, int kernel, int stride, int pad) implements Step {

  @Override public String op() { return "MaxPool"; }

  @Override public List<String> inputs() { return List.of(input); }

  @Override public IntTensor run(List<IntTensor> in) {
    IntTensor x = in.get(0);
    int c = inShape.channels(), h = inShape.height(), w = inShape.width(), oh = shape.height(), ow = shape.width();
    byte[] o = new byte[x.batch() * (int) shape.elements()];
    for (int p = 0; p < x.batch() * c; p++) {
      int inBase = p * h * w, outBase = p * oh * ow;
      for (int y = 0; y < oh; y++) {
        for (int xx = 0; xx < ow; xx++) {
          int best = Integer.MIN_VALUE;
          for (int i = 0; i < kernel; i++) {
            int iy = y * stride - pad + i;
            if (iy < 0 || iy >= h) continue;
            for (int j = 0; j < kernel; j++) {
              int ix = xx * stride - pad + j;
              if (ix < 0 || ix >= w) continue;
              best = Math.max(best, x.code(inBase + iy * w + ix));
            }
          }
          o[outBase + y * ow + xx] = (byte) best;
        }
      }
    }
    return new IntTensor(shape, x.batch(), o, x.params());
  }

  @Override public INDArray simulate(List<INDArray> in) {
    Pooling2DConfig cfg = Pooling2DConfig.builder().kH(kernel).kW(kernel).sH(stride).sW(stride).pH(pad).pW(pad).dH(1).dW(1)
        .type(Pooling2D.Pooling2DType.MAX).paddingMode(PaddingMode.VALID).isNHWC(false).build();
    return Nd4j.cnn().maxPooling2d(in.get(0), cfg);
  }
}
