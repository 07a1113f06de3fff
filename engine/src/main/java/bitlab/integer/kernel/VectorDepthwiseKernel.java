package bitlab.integer.kernel;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolutions where every output channel reads a single input channel (depthwise, also with a
 * channel multiplier), with the JDK Vector API: one work item per image and output channel.
 *
 * <p>The item decodes its input plane into a zero-padded int plane, split by column phase
 * (column {@code q} of the padded plane goes to phase {@code q mod stride}, position
 * {@code q / stride}), so that for every tap the inputs of eight neighbouring outputs are eight
 * neighbouring ints, whatever the stride. Each output row is then a sum of {@code kH·kW} vector
 * multiply-adds per eight outputs.
 */
final class VectorDepthwiseKernel implements ConvKernel {
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private static final int L = 8;
  private static final ThreadLocal<int[][]> SCRATCH = ThreadLocal.withInitial(() -> new int[2][0]);

  private final ConvGeometry g;
  private final int threads;
  private final int flip;
  private final int zero;
  private final int[] weights;
  /** Output width rounded up to whole vectors, padded plane height, and one phase row's length. */
  private final int owv;
  private final int hp;
  private final int rowLen;

  VectorDepthwiseKernel(ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint, int threads) {
    if (g.groupIn() != 1) throw new IllegalArgumentException("The depthwise kernel needs one input channel per group, not " + g.groupIn() + ".");
    this.g = g;
    this.threads = threads;
    this.flip = Codes.flip(inputUnsigned);
    this.zero = Codes.zero(inputUnsigned, inputZeroPoint);
    this.weights = new int[weights.length];
    for (int i = 0; i < weights.length; i++) this.weights[i] = weights[i];
    this.owv = (g.outW() + L - 1) / L * L;
    this.hp = g.inH() + 2 * g.padH();
    // long enough for the last tap of the last vector, and for every input column
    this.rowLen = Math.max(owv + (g.kernelW() - 1) / g.stride(), (g.inW() + g.padW() + g.stride() - 1) / g.stride());
  }

  @Override public ConvGeometry geometry() { return g; }

  @Override public String name() { return "vector-depthwise"; }

  @Override public void accumulate(byte[] input, int batch, int[] acc) {
    ConvKernels.checkCall(g, input, batch, acc);
    int out = g.outChannels();
    Parallel.run(batch * out, threads, item -> channel(input, item / out, item % out, acc));
  }

  private void channel(byte[] input, int image, int o, int[] acc) {
    int s = g.stride(), kh = g.kernelH(), kw = g.kernelW();
    int perGroup = g.outChannels() / g.groups();
    int[][] scratch = SCRATCH.get();
    int phaseSize = hp * rowLen;
    if (scratch[0].length < s * phaseSize) scratch[0] = new int[s * phaseSize];
    if (scratch[1].length < owv) scratch[1] = new int[owv];
    int[] phases = scratch[0], row = scratch[1];
    fill(input, image * g.inputSize() + (o / perGroup) * g.inH() * g.inW(), phases, phaseSize);
    int oh = g.outH(), ow = g.outW(), wBase = o * kh * kw;
    int outBase = image * g.outputSize() + o * oh * ow;
    for (int y = 0; y < oh; y++) {
      java.util.Arrays.fill(row, 0, owv, 0);
      for (int i = 0; i < kh; i++) {
        int r = y * s + i;
        for (int j = 0; j < kw; j++) {
          IntVector w = IntVector.broadcast(I, weights[wBase + i * kw + j]);
          int src = (j % s) * phaseSize + r * rowLen + j / s;
          for (int x = 0; x < owv; x += L) {
            IntVector.fromArray(I, phases, src + x).mul(w).add(IntVector.fromArray(I, row, x)).intoArray(row, x);
          }
        }
      }
      System.arraycopy(row, 0, acc, outBase + y * ow, ow);
    }
  }

  /** Decodes one input plane into the phase planes {@code [phase][padded row][rowLen]}, zero outside the input. */
  private void fill(byte[] in, int plane, int[] phases, int phaseSize) {
    int s = g.stride(), ph = g.padH(), pw = g.padW(), ih = g.inH(), iw = g.inW();
    java.util.Arrays.fill(phases, 0, s * phaseSize, 0);
    for (int iy = 0; iy < ih; iy++) {
      int src = plane + iy * iw, r = iy + ph;
      for (int ix = 0; ix < iw; ix++) {
        int q = ix + pw;
        phases[(q % s) * phaseSize + r * rowLen + q / s] = ((in[src + ix] ^ flip) & 0xFF) - zero;
      }
    }
  }
}
