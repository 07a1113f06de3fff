package bitlab.nn;

/**
 * BatchNorm in double over {@code NHWC} (or {@code [N, C]}): {@code y = γ (x - μ) / √(σ² + ε) + β},
 * with this batch's mean and biased variance (training) or the given ones (inference).
 */
final class ReferenceNorm implements Backend.Norm {
  private final int c;
  private final double epsilon;
  private final boolean batchStats;

  ReferenceNorm(long[] dims, double epsilon, boolean batchStats) {
    this.c = (int) dims[1];
    this.epsilon = epsilon;
    this.batchStats = batchStats;
  }

  @Override
  public void forward(
      Tensor xT, Tensor gammaT, Tensor betaT, Tensor meanT, Tensor varT, Tensor yT) {
    double[] x = xT.toDoubles();
    int m = x.length / c;
    double[] mean;
    double[] var;
    if (batchStats) {
      mean = new double[c];
      var = new double[c];
      for (int i = 0; i < x.length; i++) mean[i % c] += x[i];
      for (int k = 0; k < c; k++) mean[k] /= m;
      for (int i = 0; i < x.length; i++) {
        double d = x[i] - mean[i % c];
        var[i % c] += d * d;
      }
      for (int k = 0; k < c; k++) var[k] /= m;
      meanT.setAll(mean);
      varT.setAll(var);
    } else {
      mean = meanT.toDoubles();
      var = varT.toDoubles();
    }
    double[] g = gammaT.toDoubles();
    double[] b = betaT.toDoubles();
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      int k = i % c;
      y[i] = g[k] * (x[i] - mean[k]) / Math.sqrt(var[k] + epsilon) + b[k];
    }
    yT.setAll(y);
  }

  @Override
  public void backward(
      Tensor xT,
      Tensor dyT,
      Tensor gammaT,
      Tensor betaT,
      Tensor meanT,
      Tensor varT,
      Tensor dxT,
      Tensor dgT,
      Tensor dbT) {
    double[] x = xT.toDoubles();
    double[] dy = dyT.toDoubles();
    double[] g = gammaT.toDoubles();
    double[] mean = meanT.toDoubles();
    double[] var = varT.toDoubles();
    int m = x.length / c;
    double[] dgamma = new double[c];
    double[] dbeta = new double[c];
    double[] std = new double[c];
    for (int k = 0; k < c; k++) std[k] = Math.sqrt(var[k] + epsilon);
    for (int i = 0; i < x.length; i++) {
      int k = i % c;
      dbeta[k] += dy[i];
      dgamma[k] += dy[i] * (x[i] - mean[k]) / std[k];
    }
    double[] dx = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      int k = i % c;
      double v = dy[i];
      // With batch statistics the mean and variance depend on x too: their terms subtract the
      // gradient's
      // mean and its projection on the normalised input.
      if (batchStats) v -= dbeta[k] / m + (x[i] - mean[k]) / std[k] * dgamma[k] / m;
      dx[i] = g[k] / std[k] * v;
    }
    dxT.setAll(dx);
    if (dgT != null) dgT.setAll(dgamma);
    if (dbT != null) dbT.setAll(dbeta);
  }

  @Override
  public void close() {}
}
