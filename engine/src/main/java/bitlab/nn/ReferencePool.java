package bitlab.nn;

/**
 * Max and average pooling in double over {@code NHWC}. Padded cells take no part (max ignores them,
 * average divides by the cells inside); the maximum of a window is its first largest value.
 */
final class ReferencePool implements Backend.Pool {
  private final Backend.PoolShape s;
  private final boolean max;
  private int[] argmax;

  ReferencePool(Backend.PoolShape s, boolean max) {
    this.s = s;
    this.max = max;
  }

  @Override
  public void forward(Tensor xT, Tensor yT) {
    double[] x = xT.toDoubles();
    double[] y = new double[(int) yT.size()];
    argmax = max ? new int[y.length] : null;
    each((out, cells, count) -> {
      if (max) {
        int best = cells[0];
        for (int k = 1; k < count; k++) if (x[cells[k]] > x[best]) best = cells[k];
        argmax[out] = best;
        y[out] = x[best];
      } else {
        double sum = 0;
        for (int k = 0; k < count; k++) sum += x[cells[k]];
        y[out] = sum / count;
      }
    });
    yT.setAll(y);
  }

  @Override
  public void backward(Tensor dyT, Tensor dxT) {
    double[] dy = dyT.toDoubles();
    double[] dx = new double[(int) dxT.size()];
    if (max) {
      for (int o = 0; o < dy.length; o++) dx[argmax[o]] += dy[o];
    } else {
      each((out, cells, count) -> {
        for (int k = 0; k < count; k++) dx[cells[k]] += dy[out] / count;
      });
    }
    dxT.setAll(dx);
  }

  @Override
  public void tangent(Tensor xT, Tensor txT, Tensor tyT) {
    if (!max) {
      forward(txT, tyT);
      return;
    }
    double[] x = xT.toDoubles();
    double[] tx = txT.toDoubles();
    double[] ty = new double[(int) tyT.size()];
    each((out, cells, count) -> {
      int best = cells[0];
      for (int k = 1; k < count; k++) if (x[cells[k]] > x[best]) best = cells[k];
      ty[out] = tx[best];
    });
    tyT.setAll(ty);
  }

  private interface Window {
    void at(int out, int[] cells, int count);
  }

  /** Calls {@code w} for every output with the input cells (storage indices) of its window that lie inside the input. */
  private void each(Window w) {
    int c = s.channels();
    int[] cells = new int[s.kernelH() * s.kernelW()];
    for (int n = 0; n < s.batch(); n++) {
      for (int oh = 0; oh < s.outH(); oh++) {
        for (int ow = 0; ow < s.outW(); ow++) {
          for (int ch = 0; ch < c; ch++) {
            int count = 0;
            for (int i = 0; i < s.kernelH(); i++) {
              int ih = oh * s.strideH() - s.padTop() + i;
              if (ih < 0 || ih >= s.inH()) continue;
              for (int j = 0; j < s.kernelW(); j++) {
                int iw = ow * s.strideW() - s.padLeft() + j;
                if (iw >= 0 && iw < s.inW())
                  cells[count++] = ((n * s.inH() + ih) * s.inW() + iw) * c + ch;
              }
            }
            w.at(((n * s.outH() + oh) * s.outW() + ow) * c + ch, cells, count);
          }
        }
      }
    }
  }

  @Override
  public void close() {}
}
