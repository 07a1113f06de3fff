package bitlab.integer.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolutions where every output channel reads a single input channel (depthwise, also with a
 * channel multiplier), with the JDK Vector API: one work item per image and output channel.
 *
 * <p>Each item decodes its input plane into a zero-padded int plane, split by column phase
 * (column {@code q} of the padded plane goes to phase {@code q mod stride}, position
 * {@code q / stride}), so that for every tap the inputs of eight neighbouring outputs are eight
 * neighbouring ints, whatever the stride. Each output row is then a sum of {@code kH·kW} vector
 * multiply-adds per eight outputs.
 */
final class VectorDepthwiseKernel implements ConvKernel {
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
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

  VectorDepthwiseKernel(
      ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint, int threads) {
    if (g.groupIn() != 1)
      throw new IllegalArgumentException(
          "The depthwise kernel needs one input channel per group, not " + g.groupIn() + ".");
    this.g = g;
    this.threads = threads;
    this.flip = Codes.flip(inputUnsigned);
    this.zero = Codes.zero(inputUnsigned, inputZeroPoint);
    this.weights = new int[weights.length];
    for (int i = 0; i < weights.length; i++) this.weights[i] = weights[i];
    this.owv = (g.outW() + L - 1) / L * L;
    this.hp = g.inH() + 2 * g.padH();
    // long enough for the last tap of the last vector, and for every input column
    this.rowLen = Math.max(
        owv + (g.kernelW() - 1) / g.stride(), (g.inW() + g.padW() + g.stride() - 1) / g.stride());
  }

  @Override
  public ConvGeometry geometry() {
    return g;
  }

  @Override
  public String name() {
    return "vector-depthwise";
  }

  @Override
  public void accumulate(byte[] input, int batch, int[] acc) {
    ConvKernels.checkCall(g, input, batch, acc);
    int threads = Parallel.threadsFor(g.macs() * batch, this.threads);
    if (batch == 0) return;
    int out = g.outChannels();
    Parallel.run(
        batch * out,
        threads,
        item -> channel(
            input,
            item / out,
            item % out,
            acc,
            item / out * g.outputSize() + item % out * g.outH() * g.outW()));
  }

  /** Each output plane goes through the epilogue while it is in cache. */
  @Override
  public void requantize(byte[] input, int batch, Epilogue e, byte[] codes) {
    ConvKernels.checkCall(g, input, batch, codes);
    int threads = Parallel.threadsFor(g.macs() * batch, this.threads);
    if (batch == 0) return;
    int out = g.outChannels(), ohw = g.outH() * g.outW();
    Parallel.run(batch * out, threads, item -> {
      int[] plane = IntScratch.get(3, ohw);
      channel(input, item / out, item % out, plane, 0);
      e.codes(item % out, plane, 0, 1, ohw, codes, item / out * g.outputSize() + item % out * ohw);
    });
  }

  /** Image {@code image}'s output plane of channel {@code o}, written to {@code acc[outBase ..]}. */
  private void channel(byte[] input, int image, int o, int[] acc, int outBase) {
    int s = g.stride(), kh = g.kernelH(), kw = g.kernelW();
    int perGroup = g.outChannels() / g.groups();
    int[][] scratch = SCRATCH.get();
    int phaseSize = hp * rowLen;
    if (scratch[0].length < s * phaseSize) scratch[0] = new int[s * phaseSize];
    if (scratch[1].length < owv) scratch[1] = new int[owv];
    int[] phases = scratch[0], row = scratch[1];
    fill(input, image * g.inputSize() + (o / perGroup) * g.inH() * g.inW(), phases, phaseSize);
    if (kh == 3 && kw == 3) {
      threeByThree(phases, phaseSize, o, row, acc, outBase);
      return;
    }
    int oh = g.outH(), ow = g.outW(), wBase = o * kh * kw;
    for (int y = 0; y < oh; y++) {
      java.util.Arrays.fill(row, 0, owv, 0);
      for (int i = 0; i < kh; i++) {
        int r = y * s + i;
        for (int j = 0; j < kw; j++) {
          IntVector w = IntVector.broadcast(I, weights[wBase + i * kw + j]);
          int src = (j % s) * phaseSize + r * rowLen + j / s;
          for (int x = 0; x < owv; x += L) {
            IntVector.fromArray(I, phases, src + x)
                .mul(w)
                .add(IntVector.fromArray(I, row, x))
                .intoArray(row, x);
          }
        }
      }
      System.arraycopy(row, 0, acc, outBase + y * ow, ow);
    }
  }

  /** The common 3x3 case: nine weight vectors in registers, one store per eight outputs. */
  private void threeByThree(int[] p, int phaseSize, int o, int[] row, int[] acc, int outBase) {
    int s = g.stride(), oh = g.outH(), ow = g.outW(), wb = o * 9;
    IntVector w00 = IntVector.broadcast(I, weights[wb]),
        w01 = IntVector.broadcast(I, weights[wb + 1]),
        w02 = IntVector.broadcast(I, weights[wb + 2]);
    IntVector w10 = IntVector.broadcast(I, weights[wb + 3]),
        w11 = IntVector.broadcast(I, weights[wb + 4]),
        w12 = IntVector.broadcast(I, weights[wb + 5]);
    IntVector w20 = IntVector.broadcast(I, weights[wb + 6]),
        w21 = IntVector.broadcast(I, weights[wb + 7]),
        w22 = IntVector.broadcast(I, weights[wb + 8]);
    // where tap column j starts in the phase planes
    int t0 = 0, t1 = (1 % s) * phaseSize + 1 / s, t2 = (2 % s) * phaseSize + 2 / s;
    int full = ow / L * L;
    for (int y = 0; y < oh; y++) {
      int r0 = y * s * rowLen, r1 = r0 + rowLen, r2 = r1 + rowLen;
      int out = outBase + y * ow;
      for (int x = 0; x < owv; x += L) {
        IntVector v = IntVector.fromArray(I, p, r0 + t0 + x)
            .mul(w00)
            .add(IntVector.fromArray(I, p, r0 + t1 + x).mul(w01))
            .add(IntVector.fromArray(I, p, r0 + t2 + x).mul(w02))
            .add(IntVector.fromArray(I, p, r1 + t0 + x).mul(w10))
            .add(IntVector.fromArray(I, p, r1 + t1 + x).mul(w11))
            .add(IntVector.fromArray(I, p, r1 + t2 + x).mul(w12))
            .add(IntVector.fromArray(I, p, r2 + t0 + x).mul(w20))
            .add(IntVector.fromArray(I, p, r2 + t1 + x).mul(w21))
            .add(IntVector.fromArray(I, p, r2 + t2 + x).mul(w22));
        if (x < full) {
          v.intoArray(acc, out + x);
        } else {
          v.intoArray(row, 0);
          System.arraycopy(row, 0, acc, out + x, ow - x);
        }
      }
    }
  }

  /** Decodes one input plane into the phase planes {@code [phase][padded row][rowLen]}, zero outside the input. */
  private void fill(byte[] in, int plane, int[] phases, int phaseSize) {
    int s = g.stride(), ph = g.padH(), pw = g.padW(), ih = g.inH(), iw = g.inW();
    for (int phase = 0; phase < s; phase++) {
      // the first input column whose padded column q = ix + pw has q mod s == phase, and how many
      // there are
      int ix0 = Math.floorMod(phase - pw, s),
          t0 = (ix0 + pw) / s,
          count = ix0 < iw ? (iw - ix0 + s - 1) / s : 0;
      int base = phase * phaseSize;
      java.util.Arrays.fill(phases, base, base + ph * rowLen, 0);
      java.util.Arrays.fill(phases, base + (ph + ih) * rowLen, base + phaseSize, 0);
      for (int iy = 0; iy < ih; iy++) {
        int dst = base + (ph + iy) * rowLen;
        java.util.Arrays.fill(phases, dst, dst + t0, 0);
        java.util.Arrays.fill(phases, dst + t0 + count, dst + rowLen, 0);
      }
    }
    Decoder d = VectorDecoder.INSTANCE;
    for (int iy = 0; iy < ih; iy++) {
      int src = plane + iy * iw, row = (ph + iy) * rowLen;
      if (s == 1) {
        d.decode(in, src, phases, row + pw, iw, flip, zero);
      } else if (s == 2) {
        pairs(
            in,
            src,
            iw,
            phases,
            (pw % 2) * phaseSize + row + pw / 2,
            ((pw + 1) % 2) * phaseSize + row + (pw + 1) / 2);
      } else {
        for (int ix = 0; ix < iw; ix++) {
          int q = ix + pw;
          phases[(q % s) * phaseSize + row + q / s] = ((in[src + ix] ^ flip) & 0xFF) - zero;
        }
      }
    }
  }

  /**
   * Stride 2: decodes {@code n} codes, the even-indexed ones to {@code phases[even ..]} and the
   * odd-indexed ones to {@code phases[odd ..]}, sixteen at a time (two bytes read as one short).
   */
  private void pairs(byte[] in, int src, int n, int[] phases, int even, int odd) {
    int i = 0;
    for (; i + 16 <= n; i += 16, even += 8, odd += 8) {
      ByteVector b =
          ByteVector.fromArray(B16, in, src + i).lanewise(VectorOperators.XOR, (byte) flip);
      IntVector v = (IntVector) b.reinterpretAsShorts().convertShape(VectorOperators.S2I, I, 0);
      v.and(0xFF).sub(zero).intoArray(phases, even);
      v.lanewise(VectorOperators.ASHR, 8).and(0xFF).sub(zero).intoArray(phases, odd);
    }
    for (; i < n; i++) {
      int v = ((in[src + i] ^ flip) & 0xFF) - zero;
      if (i % 2 == 0) phases[even++] = v;
      else phases[odd++] = v;
    }
  }
}
