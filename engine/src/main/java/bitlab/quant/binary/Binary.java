package bitlab.quant.binary;

import bitlab.nn.Tensor;
import bitlab.nn.Transform;
import java.nio.FloatBuffer;

/** The transforms of binarized networks: signs and per-channel scales. */
final class Binary {
  private Binary() {}

  /**
   * {@code sign(x)} with sign(0) = +1. As a weight transform it may also record {@code α_c = mean|w_c|}
   * per output channel (the training scales, no gradient through them) and passes the gradient straight
   * through; on activations with {@code htanh} its gradient is that of {@code clip(x, -1, 1)}.
   */
  static final class Sign implements Transform {
    private final float[] alpha;
    private final boolean htanh;

    Sign(float[] alpha) {
      this(alpha, false);
    }

    Sign(float[] alpha, boolean htanh) {
      this.alpha = alpha;
      this.htanh = htanh;
    }

    @Override
    public void forward(Tensor x, Tensor y) {
      FloatBuffer in = x.bytes().asFloatBuffer();
      FloatBuffer out = y.bytes().asFloatBuffer();
      int n = (int) x.size();
      for (int i = 0; i < n; i++) out.put(i, in.get(i) >= 0 ? 1f : -1f);
      if (alpha != null) {
        int per = (int) (n / alpha.length);
        for (int c = 0; c < alpha.length; c++) {
          double s = 0;
          for (int i = c * per; i < (c + 1) * per; i++) s += Math.abs(in.get(i));
          alpha[c] = (float) (s / per);
        }
      }
    }

    @Override
    public void backward(Tensor x, Tensor dy, Tensor dx) {
      FloatBuffer in = x.bytes().asFloatBuffer();
      FloatBuffer g = dy.bytes().asFloatBuffer();
      FloatBuffer out = dx.bytes().asFloatBuffer();
      int n = (int) x.size();
      for (int i = 0; i < n; i++) {
        float v = in.get(i);
        out.put(i, !htanh || (v > -1 && v < 1) ? g.get(i) : 0f);
      }
    }
  }

  /** {@code y = x · α_c} per channel (the scales may change between passes: they are read at each call). */
  static final class ChannelScale implements Transform {
    private final float[] alpha;

    ChannelScale(float[] alpha) {
      this.alpha = alpha;
    }

    @Override
    public void forward(Tensor x, Tensor y) {
      scale(x, y);
    }

    @Override
    public void backward(Tensor x, Tensor dy, Tensor dx) {
      scale(dy, dx);
    }

    private void scale(Tensor x, Tensor y) {
      FloatBuffer in = x.bytes().asFloatBuffer();
      FloatBuffer out = y.bytes().asFloatBuffer();
      int c = x.channels();
      long stride = x.channelStride();
      int n = (int) x.size();
      for (int i = 0; i < n; i++) out.put(i, in.get(i) * alpha[(int) ((i / stride) % c)]);
    }
  }
}
