package bitlab.integer.kernel;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise convolutions (one input channel per output channel) on small maps, with eight
 * output channels in the eight lanes of a vector: a work item is one image and eight channels,
 * whose input planes it decodes into a zero-padded, channel-interleaved buffer
 * {@code [row][column][8]}; every output position is then {@code kH·kW} vector multiply-adds,
 * whatever the stride, and no lane idles however narrow the map. (The row-wise
 * {@link VectorDepthwiseKernel} wastes lanes and per-plane set-up once rows are short.)
 */
final class VectorChannelDepthwiseKernel implements ConvKernel {
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private static final int L = 8;
  private static final ThreadLocal<int[][]> SCRATCH = ThreadLocal.withInitial(() -> new int[2][0]);

  private final ConvGeometry g;
  private final int threads;
  private final int flip;
  private final int zero;
  /** Weights {@code [channel group][tap][8]}, zero for the lanes past the last channel. */
  private final int[] weights;

  private final int groups8;
  /** Padded input height and width. */
  private final int hp;

  private final int wp;

  VectorChannelDepthwiseKernel(
      ConvGeometry g, byte[] weights, boolean inputUnsigned, int inputZeroPoint, int threads) {
    if (g.groupIn() != 1)
      throw new IllegalArgumentException(
          "The depthwise kernel needs one input channel per group, not " + g.groupIn() + ".");
    this.g = g;
    this.threads = threads;
    this.flip = Codes.flip(inputUnsigned);
    this.zero = Codes.zero(inputUnsigned, inputZeroPoint);
    int taps = g.kernelH() * g.kernelW(), out = g.outChannels();
    this.groups8 = (out + L - 1) / L;
    this.weights = new int[groups8 * taps * L];
    for (int o = 0; o < out; o++) {
      for (int t = 0; t < taps; t++)
        this.weights[((o / L) * taps + t) * L + o % L] = weights[o * taps + t];
    }
    this.hp = g.inH() + 2 * g.padH();
    this.wp = g.inW() + 2 * g.padW();
  }

  @Override
  public ConvGeometry geometry() {
    return g;
  }

  @Override
  public String name() {
    return "vector-depthwise-c8";
  }

  @Override
  public void accumulate(byte[] input, int batch, int[] acc) {
    ConvKernels.checkCall(g, input, batch, acc);
    int threads = Parallel.threadsFor(g.macs() * batch, this.threads);
    Parallel.run(
        batch * groups8,
        threads,
        item -> group(input, item / groups8, item % groups8, acc, null, null));
  }

  /** Each group of eight channels goes through the epilogue straight from its interleaved sums. */
  @Override
  public void requantize(byte[] input, int batch, Epilogue e, byte[] out) {
    ConvKernels.checkCall(g, input, batch, out);
    int threads = Parallel.threadsFor(g.macs() * batch, this.threads);
    Parallel.run(
        batch * groups8,
        threads,
        item -> group(input, item / groups8, item % groups8, null, e, out));
  }

  /** Writes the eight channels' accumulators to {@code acc}, or (when it is null) their codes through {@code e} to {@code codes}. */
  private void group(byte[] input, int image, int group, int[] acc, Epilogue e, byte[] codes) {
    int[][] scratch = SCRATCH.get();
    int ohw = g.outH() * g.outW();
    if (scratch[0].length < hp * wp * L) scratch[0] = new int[hp * wp * L];
    if (scratch[1].length < ohw * L) scratch[1] = new int[ohw * L];
    int[] buf = scratch[0], res = scratch[1];
    int first = group * L, lanes = Math.min(L, g.outChannels() - first);
    fill(input, image, first, lanes, buf);
    int kh = g.kernelH(), kw = g.kernelW(), s = g.stride(), oh = g.outH(), ow = g.outW();
    int wBase = group * kh * kw * L;
    if (kh == 3 && kw == 3) {
      threeByThree(buf, wBase, res);
    } else {
      for (int y = 0, r = 0; y < oh; y++) {
        for (int x = 0; x < ow; x++, r += L) {
          // one tap at a time through memory: a vector carried around a loop of unknown length is
          // not kept in a register
          IntVector.zero(I).intoArray(res, r);
          for (int i = 0, t = wBase; i < kh; i++) {
            int src = ((y * s + i) * wp + x * s) * L;
            for (int j = 0; j < kw; j++, t += L, src += L) {
              IntVector.fromArray(I, buf, src)
                  .mul(IntVector.fromArray(I, weights, t))
                  .add(IntVector.fromArray(I, res, r))
                  .intoArray(res, r);
            }
          }
        }
      }
    }
    int out = image * g.outputSize() + first * ohw;
    for (int c = 0; c < lanes; c++) {
      int d = out + c * ohw;
      if (acc == null) {
        e.codes(first + c, res, c, L, ohw, codes, d);
      } else {
        for (int p = 0; p < ohw; p++) acc[d + p] = res[p * L + c];
      }
    }
  }

  /** The common 3x3 case in straight-line code, the nine weight vectors in registers. */
  private void threeByThree(int[] buf, int wBase, int[] res) {
    int s = g.stride(), oh = g.outH(), ow = g.outW(), row = wp * L, step = s * L;
    IntVector w00 = IntVector.fromArray(I, weights, wBase),
        w01 = IntVector.fromArray(I, weights, wBase + L);
    IntVector w02 = IntVector.fromArray(I, weights, wBase + 2 * L),
        w10 = IntVector.fromArray(I, weights, wBase + 3 * L);
    IntVector w11 = IntVector.fromArray(I, weights, wBase + 4 * L),
        w12 = IntVector.fromArray(I, weights, wBase + 5 * L);
    IntVector w20 = IntVector.fromArray(I, weights, wBase + 6 * L),
        w21 = IntVector.fromArray(I, weights, wBase + 7 * L);
    IntVector w22 = IntVector.fromArray(I, weights, wBase + 8 * L);
    for (int y = 0, r = 0; y < oh; y++) {
      int p0 = y * s * row, p1 = p0 + row, p2 = p1 + row;
      for (int x = 0; x < ow; x++, r += L, p0 += step, p1 += step, p2 += step) {
        IntVector.fromArray(I, buf, p0)
            .mul(w00)
            .add(IntVector.fromArray(I, buf, p0 + L).mul(w01))
            .add(IntVector.fromArray(I, buf, p0 + 2 * L).mul(w02))
            .add(IntVector.fromArray(I, buf, p1).mul(w10))
            .add(IntVector.fromArray(I, buf, p1 + L).mul(w11))
            .add(IntVector.fromArray(I, buf, p1 + 2 * L).mul(w12))
            .add(IntVector.fromArray(I, buf, p2).mul(w20))
            .add(IntVector.fromArray(I, buf, p2 + L).mul(w21))
            .add(IntVector.fromArray(I, buf, p2 + 2 * L).mul(w22))
            .intoArray(res, r);
      }
    }
  }

  /** Decodes the input planes of channels {@code first .. first+lanes-1} into {@code buf[row][column][lane]}, zero-padded. */
  private void fill(byte[] in, int image, int first, int lanes, int[] buf) {
    java.util.Arrays.fill(buf, 0, hp * wp * L, 0);
    int ih = g.inH(), iw = g.inW(), plane = ih * iw, perGroup = g.outChannels() / g.groups();
    for (int c = 0; c < lanes; c++) {
      int src = image * g.inputSize() + ((first + c) / perGroup) * plane;
      for (int iy = 0; iy < ih; iy++) {
        int d = ((iy + g.padH()) * wp + g.padW()) * L + c, row = src + iy * iw;
        for (int ix = 0; ix < iw; ix++, d += L) buf[d] = ((in[row + ix] ^ flip) & 0xFF) - zero;
      }
    }
  }
}
