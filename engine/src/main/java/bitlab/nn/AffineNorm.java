package bitlab.nn;

import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * BatchNorm with given statistics in float, as the per-channel affine map {@code y = x·s + t} with
 * {@code s = γ / √(σ² + ε)} and {@code t = β − μ·s} formed in float32 (each operation rounded on its own,
 * no fused multiply-add). This fixes the arithmetic to the last bit, which the XNOR engine relies on:
 * it derives its thresholds from the same float32 expression ({@code bitlab.quant.binary.XnorNet}).
 */
final class AffineNorm implements Backend.Norm {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private final int c;
  private final float epsilon;
  private final float[] scale;
  private final float[] shift;

  AffineNorm(long[] dims, double epsilon) {
    this.c = (int) dims[1];
    this.epsilon = (float) epsilon;
    this.scale = new float[c];
    this.shift = new float[c];
  }

  /** The scale and shift of each channel, in float32 exactly as documented above. */
  private void coefficients(Tensor gamma, Tensor beta, Tensor mean, Tensor var) {
    FloatBuffer g = gamma.bytes().asFloatBuffer(),
        b = beta == null ? null : beta.bytes().asFloatBuffer();
    FloatBuffer m = mean.bytes().asFloatBuffer(), v = var.bytes().asFloatBuffer();
    for (int k = 0; k < c; k++) {
      scale[k] = g.get(k) / (float) Math.sqrt(v.get(k) + epsilon);
      if (b != null) shift[k] = b.get(k) - m.get(k) * scale[k];
    }
  }

  @Override
  public void forward(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor var, Tensor y) {
    coefficients(gamma, beta, mean, var);
    map(x, y, true);
  }

  /** {@code y = x·s (+ t)} over channels-last data, vectorised along channels. */
  private void map(Tensor x, Tensor y, boolean withShift) {
    java.nio.ByteBuffer in = x.bytes(), out = y.bytes();
    long n = x.size();
    int pixels = (int) (n / c);
    int bound = F.loopBound(c);
    for (int p = 0; p < pixels; p++) {
      int base = p * c;
      int k = 0;
      for (; k < bound; k += F.length()) {
        FloatVector v = FloatVector.fromByteBuffer(
                F, in, (base + k) * 4, java.nio.ByteOrder.nativeOrder())
            .mul(FloatVector.fromArray(F, scale, k));
        if (withShift) v = v.add(FloatVector.fromArray(F, shift, k));
        v.intoByteBuffer(out, (base + k) * 4, java.nio.ByteOrder.nativeOrder());
      }
      for (; k < c; k++) {
        float v = in.getFloat((base + k) * 4) * scale[k];
        out.putFloat((base + k) * 4, withShift ? v + shift[k] : v);
      }
    }
  }

  @Override
  public void backward(
      Tensor x,
      Tensor dy,
      Tensor gamma,
      Tensor beta,
      Tensor mean,
      Tensor var,
      Tensor dx,
      Tensor dgamma,
      Tensor dbeta) {
    coefficients(gamma, null, mean, var);
    if (dgamma != null || dbeta != null) {
      FloatBuffer xs = x.bytes().asFloatBuffer(), g = dy.bytes().asFloatBuffer();
      FloatBuffer m = mean.bytes().asFloatBuffer(), v = var.bytes().asFloatBuffer();
      double[] dg = new double[c], db = new double[c];
      int n = (int) x.size();
      for (int i = 0; i < n; i++) {
        int k = i % c;
        db[k] += g.get(i);
        dg[k] += g.get(i) * (xs.get(i) - m.get(k)) / Math.sqrt(v.get(k) + epsilon);
      }
      if (dgamma != null) set(dgamma, dg);
      if (dbeta != null) set(dbeta, db);
    }
    map(dy, dx, false);
  }

  private static void set(Tensor t, double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
    t.setAll(f);
  }

  @Override
  public void close() {}
}
