package bitlab.nn;

/**
 * A convolution (any groups) or linear layer as plain loops in double, on {@code NHWC} activations and
 * {@code OIHW} weights: {@code y[n,oh,ow,o] = b[o] + Σ x[n, oh·s-p+i, ow·s-p+j, g·ci+c] · w[o,c,i,j]}.
 */
final class ReferenceConv implements Backend.Layer {
  private final Backend.ConvShape s;
  private final boolean bias;
  private final Backend.Post post;

  ReferenceConv(Backend.ConvShape s, boolean bias, Backend.Post post) {
    this.s = s;
    this.bias = bias;
    this.post = post;
  }

  /** The weights are read from their tensor at every call. */
  private record Plain(Tensor w) implements Backend.Prepared {
    @Override
    public void load() {}

    @Override
    public void close() {}
  }

  @Override
  public Backend.Prepared prepare(Tensor weights) {
    return new Plain(weights);
  }

  @Override
  public void forward(Tensor x, Backend.Prepared w, Tensor b, Tensor y) {
    double[] out = post.sum() ? y.toDoubles() : new double[(int) y.size()];
    double[] acc = convolve(x.toDoubles(), ((Plain) w).w().toDoubles());
    double[] bv = bias ? b.toDoubles() : null;
    int oc = s.out();
    for (int i = 0; i < out.length; i++) {
      double v = acc[i] + (bv == null ? 0 : bv[i % oc]) + out[i];
      out[i] = ReferenceBackend.apply(post.activation(), v);
    }
    y.setAll(out);
  }

  @Override
  public void forwardAdd(Tensor x, Backend.Prepared w, Tensor y) {
    double[] out = y.toDoubles();
    double[] acc = convolve(x.toDoubles(), ((Plain) w).w().toDoubles());
    for (int i = 0; i < out.length; i++) out[i] += acc[i];
    y.setAll(out);
  }

  /** One term of the convolution: output {@code y} (flat index), input {@code x} and weight {@code w} (first channel of the group), {@code c} channels. */
  private interface Tap {
    void at(int y, int x, int w, int channels, int weightStride);
  }

  /** Visits every (output, input window position, weight tap) of the convolution: the one loop nest all three passes share. */
  private void taps(Tap t) {
    int ipg = s.in() / s.groups(), opg = s.out() / s.groups();
    int kh = s.kernelH(), kw = s.kernelW();
    for (int n = 0; n < s.batch(); n++) {
      for (int oh = 0; oh < s.outH(); oh++) {
        for (int ow = 0; ow < s.outW(); ow++) {
          int yo = ((n * s.outH() + oh) * s.outW() + ow) * s.out();
          for (int o = 0; o < s.out(); o++) {
            int g = o / opg;
            for (int i = 0; i < kh; i++) {
              int ih = oh * s.strideH() - s.padH() + i * s.dilationH();
              if (ih < 0 || ih >= s.inH()) continue;
              for (int j = 0; j < kw; j++) {
                int iw = ow * s.strideW() - s.padW() + j * s.dilationW();
                if (iw < 0 || iw >= s.inW()) continue;
                t.at(
                    yo + o,
                    ((n * s.inH() + ih) * s.inW() + iw) * s.in() + g * ipg,
                    o * ipg * kh * kw + i * kw + j,
                    ipg,
                    kh * kw);
              }
            }
          }
        }
      }
    }
  }

  private double[] convolve(double[] x, double[] w) {
    double[] y = new double[s.batch() * s.outH() * s.outW() * s.out()];
    taps((yo, xo, wo, channels, ws) -> {
      double sum = 0;
      for (int c = 0; c < channels; c++) sum += x[xo + c] * w[wo + c * ws];
      y[yo] += sum;
    });
    return y;
  }

  @Override
  public void backwardData(Tensor dyT, Backend.Prepared wp, Tensor dxT) {
    double[] dy = dyT.toDoubles();
    double[] w = ((Plain) wp).w().toDoubles();
    double[] dx = new double[(int) dxT.size()];
    taps((yo, xo, wo, channels, ws) -> {
      double g = dy[yo];
      for (int c = 0; c < channels; c++) dx[xo + c] += g * w[wo + c * ws];
    });
    dxT.setAll(dx);
  }

  @Override
  public void backwardWeights(Tensor xT, Tensor dyT, Tensor dwT, Tensor dbT) {
    double[] x = xT.toDoubles();
    double[] dy = dyT.toDoubles();
    double[] dw = new double[(int) dwT.size()];
    double[] db = new double[s.out()];
    for (int i = 0; i < dy.length; i++) db[i % s.out()] += dy[i];
    taps((yo, xo, wo, channels, ws) -> {
      double g = dy[yo];
      for (int c = 0; c < channels; c++) dw[wo + c * ws] += g * x[xo + c];
    });
    dwT.setAll(dw);
    if (dbT != null) dbT.setAll(db);
  }

  @Override
  public void close() {}
}
