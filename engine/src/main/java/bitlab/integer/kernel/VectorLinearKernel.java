package bitlab.integer.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A linear layer (a 1x1 convolution over a 1x1 map) with the JDK Vector API, as dot products
 * along the input: blocks of four weight rows against one or two images, eight inputs per step,
 * weights kept as bytes and widened on load (a layer's weights are read once per call, so
 * their size is what costs). Work items are blocks of rows.
 */
final class VectorLinearKernel implements ConvKernel {
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
  private static final int L = 8;
  private static final int ROWS_PER_ITEM = 32;
  private static final ThreadLocal<int[][]> SCRATCH = ThreadLocal.withInitial(() -> new int[1][0]);

  private final ConvGeometry g;
  private final int threads;
  private final int flip;
  private final int zero;
  /** Inputs per row, rounded up to whole vectors (the padding weights are 0). */
  private final int kp;

  private final byte[] weights;

  VectorLinearKernel(
      ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint, int threads) {
    if (!linear(g)) throw new IllegalArgumentException("Not a linear layer: " + g + ".");
    this.g = g;
    this.threads = threads;
    this.flip = Codes.flip(inputUnsigned);
    this.zero = Codes.zero(inputUnsigned, inputZeroPoint);
    int in = g.inChannels();
    this.kp = (in + L - 1) / L * L;
    this.weights = new byte[g.outChannels() * kp];
    for (int o = 0; o < g.outChannels(); o++)
      System.arraycopy(weights, o * in, this.weights, o * kp, in);
  }

  /** A 1x1 convolution without padding over a 1x1 input, in one group. */
  static boolean linear(ConvGeometry g) {
    return g.inH() == 1
        && g.inW() == 1
        && g.kernelH() == 1
        && g.kernelW() == 1
        && g.padH() == 0
        && g.padW() == 0
        && g.groups() == 1;
  }

  @Override
  public ConvGeometry geometry() {
    return g;
  }

  @Override
  public String name() {
    return "vector-linear";
  }

  @Override
  public void accumulate(byte[] input, int batch, int[] acc) {
    ConvKernels.checkCall(g, input, batch, acc);
    int threads = Parallel.threadsFor(g.macs() * batch, this.threads);
    int in = g.inChannels(), out = g.outChannels();
    if (batch == 0) return;
    int[] x = decode(input, batch, in);
    int items = (out + ROWS_PER_ITEM - 1) / ROWS_PER_ITEM;
    Parallel.run(items, threads, item -> {
      int first = item * ROWS_PER_ITEM, last = Math.min(out, first + ROWS_PER_ITEM);
      int o = first;
      for (; o + 4 <= last; o += 4) {
        int n = 0;
        for (; n + 2 <= batch; n += 2) four(o, x, n, true, acc);
        if (n < batch) four(o, x, n, false, acc);
      }
      for (; o < last; o++) for (int n = 0; n < batch; n++) acc[n * out + o] = dot(o, x, n * kp);
    });
  }

  private int[] decode(byte[] input, int batch, int in) {
    int[][] scratch = SCRATCH.get();
    if (scratch[0].length < batch * kp) scratch[0] = new int[batch * kp];
    int[] x = scratch[0];
    for (int n = 0; n < batch; n++) {
      int src = n * in, dst = n * kp;
      for (int c = 0; c < in; c++) x[dst + c] = ((input[src + c] ^ flip) & 0xFF) - zero;
      java.util.Arrays.fill(x, dst + in, dst + kp, 0);
    }
    return x;
  }

  private IntVector w(int row, int c) {
    return (IntVector)
        ByteVector.fromArray(B, weights, row * kp + c).convertShape(VectorOperators.B2I, I, 0);
  }

  /** Rows {@code o..o+3} for image {@code n}, and for image {@code n+1} when there is one. */
  private void four(int o, int[] x, int n, boolean two, int[] acc) {
    int out = g.outChannels();
    int x0 = n * kp, x1 = two ? x0 + kp : x0;
    IntVector a0 = IntVector.zero(I), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
    for (int c = 0; c < kp; c += L) {
      IntVector u = IntVector.fromArray(I, x, x0 + c), v = IntVector.fromArray(I, x, x1 + c);
      IntVector w0 = w(o, c), w1 = w(o + 1, c), w2 = w(o + 2, c), w3 = w(o + 3, c);
      a0 = w0.mul(u).add(a0);
      a1 = w1.mul(u).add(a1);
      a2 = w2.mul(u).add(a2);
      a3 = w3.mul(u).add(a3);
      b0 = w0.mul(v).add(b0);
      b1 = w1.mul(v).add(b1);
      b2 = w2.mul(v).add(b2);
      b3 = w3.mul(v).add(b3);
    }
    int d = n * out + o;
    acc[d] = a0.reduceLanes(VectorOperators.ADD);
    acc[d + 1] = a1.reduceLanes(VectorOperators.ADD);
    acc[d + 2] = a2.reduceLanes(VectorOperators.ADD);
    acc[d + 3] = a3.reduceLanes(VectorOperators.ADD);
    if (two) {
      acc[d + out] = b0.reduceLanes(VectorOperators.ADD);
      acc[d + out + 1] = b1.reduceLanes(VectorOperators.ADD);
      acc[d + out + 2] = b2.reduceLanes(VectorOperators.ADD);
      acc[d + out + 3] = b3.reduceLanes(VectorOperators.ADD);
    }
  }

  private int dot(int o, int[] x, int x0) {
    IntVector s = IntVector.zero(I);
    for (int c = 0; c < kp; c += L)
      s = w(o, c).mul(IntVector.fromArray(I, x, x0 + c)).add(s);
    return s.reduceLanes(VectorOperators.ADD);
  }
}
