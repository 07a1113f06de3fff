package bitlab.integer.kernel;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The panel product with the JDK Vector API: a 4 x 24 register block (twelve 8-lane int32
 * accumulators, three panel loads and four broadcast weights per step of k), and a 4 x 8 block
 * for the last, partial panel.
 */
final class VectorGemmKernel extends PanelConvKernel {
  static final VectorSpecies<Integer> I = IntVector.SPECIES_256;

  VectorGemmKernel(
      ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint, int threads) {
    super(g, weights, inputUnsigned, inputZeroPoint, threads, VectorDecoder.INSTANCE);
  }

  @Override
  public String name() {
    return "vector-gemm";
  }

  @Override
  void micro(int[] a, int aOff, int[] b, int cols, int[] out, int outOff, int rowStride) {
    if (cols > 16) {
      full(a, aOff, b, k, out, outOff, rowStride);
    } else {
      for (int c = 0; c < cols; c += 8) eight(a, aOff, b, c, k, out, outOff, rowStride);
    }
  }

  private static void full(int[] a, int aOff, int[] b, int kLen, int[] out, int o, int rs) {
    IntVector c00 = IntVector.zero(I), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00;
    IntVector c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
    for (int kk = 0, ai = aOff, bi = 0; kk < kLen; kk++, ai += MR, bi += NR) {
      IntVector b0 = IntVector.fromArray(I, b, bi);
      IntVector b1 = IntVector.fromArray(I, b, bi + 8);
      IntVector b2 = IntVector.fromArray(I, b, bi + 16);
      IntVector w = IntVector.broadcast(I, a[ai]);
      c00 = w.mul(b0).add(c00);
      c01 = w.mul(b1).add(c01);
      c02 = w.mul(b2).add(c02);
      w = IntVector.broadcast(I, a[ai + 1]);
      c10 = w.mul(b0).add(c10);
      c11 = w.mul(b1).add(c11);
      c12 = w.mul(b2).add(c12);
      w = IntVector.broadcast(I, a[ai + 2]);
      c20 = w.mul(b0).add(c20);
      c21 = w.mul(b1).add(c21);
      c22 = w.mul(b2).add(c22);
      w = IntVector.broadcast(I, a[ai + 3]);
      c30 = w.mul(b0).add(c30);
      c31 = w.mul(b1).add(c31);
      c32 = w.mul(b2).add(c32);
    }
    c00.intoArray(out, o);
    c01.intoArray(out, o + 8);
    c02.intoArray(out, o + 16);
    o += rs;
    c10.intoArray(out, o);
    c11.intoArray(out, o + 8);
    c12.intoArray(out, o + 16);
    o += rs;
    c20.intoArray(out, o);
    c21.intoArray(out, o + 8);
    c22.intoArray(out, o + 16);
    o += rs;
    c30.intoArray(out, o);
    c31.intoArray(out, o + 8);
    c32.intoArray(out, o + 16);
  }

  /** Columns {@code c .. c+7} of the panel only. */
  private static void eight(int[] a, int aOff, int[] b, int c, int kLen, int[] out, int o, int rs) {
    IntVector c0 = IntVector.zero(I), c1 = c0, c2 = c0, c3 = c0;
    for (int kk = 0, ai = aOff, bi = c; kk < kLen; kk++, ai += MR, bi += NR) {
      IntVector v = IntVector.fromArray(I, b, bi);
      c0 = IntVector.broadcast(I, a[ai]).mul(v).add(c0);
      c1 = IntVector.broadcast(I, a[ai + 1]).mul(v).add(c1);
      c2 = IntVector.broadcast(I, a[ai + 2]).mul(v).add(c2);
      c3 = IntVector.broadcast(I, a[ai + 3]).mul(v).add(c3);
    }
    o += c;
    c0.intoArray(out, o);
    c1.intoArray(out, o + rs);
    c2.intoArray(out, o + 2 * rs);
    c3.intoArray(out, o + 3 * rs);
  }
}
