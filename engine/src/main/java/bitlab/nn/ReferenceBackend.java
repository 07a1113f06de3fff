package bitlab.nn;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The reference arithmetic: every kernel as plain Java loops in double precision, straight from its
 * definition (activations {@code NHWC}, PyTorch weight layouts). It defines what the oneDNN kernels
 * must compute, and it is the arithmetic of the finite-difference checks; it never fuses.
 */
final class ReferenceBackend implements Backend {
  @Override
  public DataType type() {
    return DataType.DOUBLE;
  }

  @Override
  public boolean fuses() {
    return false;
  }

  @Override
  public Layer conv(ConvShape s, boolean bias, Post post, boolean training) {
    return new ReferenceConv(s, bias, post);
  }

  @Override
  public Layer linear(int batch, int in, int out, boolean bias, Post post, boolean training) {
    // A linear layer is a 1x1 convolution over a 1x1 image.
    return new ReferenceConv(
        new ConvShape(batch, in, out, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1), bias, post);
  }

  @Override
  public Norm norm(long[] dims, double epsilon, boolean batchStats) {
    return new ReferenceNorm(dims, epsilon, batchStats);
  }

  @Override
  public Pool pool(PoolShape s, boolean max, boolean training) {
    return new ReferencePool(s, max);
  }

  @Override
  public Activation activation(Activation.Kind kind, long[] dims) {
    return new Activation() {
      @Override
      public void forward(Tensor x, Tensor y) {
        double[] v = x.toDoubles();
        for (int i = 0; i < v.length; i++) v[i] = apply(kind, v[i]);
        y.setAll(v);
      }

      @Override
      public void backward(Tensor y, Tensor dy, Tensor dx) {
        double[] out = y.toDoubles();
        double[] g = dy.toDoubles();
        for (int i = 0; i < g.length; i++) if (!inside(kind, out[i])) g[i] = 0;
        dx.setAll(g);
      }

      @Override
      public void close() {}
    };
  }

  static double apply(Activation.Kind kind, double v) {
    switch (kind) {
      case RELU:
        return v > 0 ? v : 0;
      case RELU6:
        return v > 0 ? (v < 6 ? v : 6) : 0;
      default:
        return v;
    }
  }

  /** Whether an activation passes gradient at this output: strictly inside its linear range. */
  static boolean inside(Activation.Kind kind, double out) {
    switch (kind) {
      case RELU:
        return out > 0;
      case RELU6:
        return out > 0 && out < 6;
      default:
        return true;
    }
  }

  @Override
  public Concat concat(List<long[]> inputs, long[] output) {
    return new Concat() {
      @Override
      public void forward(List<Tensor> xs, Tensor y) {
        double[] out = new double[(int) y.size()];
        int c = (int) output[1];
        long pixels = y.size() / c;
        int at = 0;
        for (Tensor x : xs) {
          double[] v = x.toDoubles();
          int ci = x.channels();
          for (long p = 0; p < pixels; p++)
            System.arraycopy(v, (int) (p * ci), out, (int) (p * c + at), ci);
          at += ci;
        }
        y.setAll(out);
      }

      @Override
      public void backward(Tensor dy, List<Tensor> dxs) {
        double[] g = dy.toDoubles();
        int c = (int) output[1];
        long pixels = dy.size() / c;
        int at = 0;
        for (int i = 0; i < dxs.size(); i++) {
          int ci = (int) inputs.get(i)[1];
          Tensor dx = dxs.get(i);
          if (dx != null) {
            double[] v = new double[(int) dx.size()];
            for (long p = 0; p < pixels; p++)
              System.arraycopy(g, (int) (p * c + at), v, (int) (p * ci), ci);
            dx.setAll(v);
          }
          at += ci;
        }
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void add(Tensor a, Tensor b, Tensor y) {
    double[] u = a.toDoubles();
    double[] v = b.toDoubles();
    for (int i = 0; i < u.length; i++) u[i] += v[i];
    y.setAll(u);
  }

  @Override
  public void accumulate(Tensor y, Tensor x) {
    add(y, x, y);
  }

  @Override
  public void copy(Tensor from, Tensor to) {
    to.assign(from.toNd4j());
  }

  @Override
  public void close() {}
}
