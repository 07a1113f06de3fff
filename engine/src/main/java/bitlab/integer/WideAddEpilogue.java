package bitlab.integer;

import bitlab.integer.kernel.ConvKernels;
import bitlab.integer.kernel.Epilogue;
import bitlab.integer.kernel.WideRequant;

/**
 * {@link AccumulatorAddStep}'s addition as its kernel's epilogue when the residual stream is wider than a byte: the
 * branch is read, and the output written, in 16-bit words or bytes as their quantizers say, at the index the kernel
 * writes (both in the kernel's layout). A wide output goes to {@link #out}; a byte output to the array the kernel
 * passes. Channels-last runs go eight channels at a time through {@link WideRequant} where the CPU has AVX-512.
 */
final class WideAddEpilogue implements Epilogue {
  private static final boolean VECTOR = ConvKernels.vectorRequant();

  private final AccumulatorAddStep step;
  private final short[] wideBranch;
  private final byte[] branch;
  private final int mask;
  /** The 16-bit codes written when the output is wide, else null. */
  final short[] out;

  /** {@code branch}: the other branch in the kernel's output layout; {@code length}: output codes, for a wide output. */
  WideAddEpilogue(AccumulatorAddStep step, IntTensor branch, int length) {
    this.step = step;
    this.wideBranch = branch.wide() ? branch.wideCodes() : null;
    this.branch = branch.wide() ? null : branch.codes();
    this.mask = !branch.unsigned() ? -1 : branch.wide() ? 0xFFFF : 0xFF;
    this.out = IntTensor.wide(step.out()) ? CallBuffers.shorts(length) : null;
  }

  private int branchCode(int i) {
    return (wideBranch != null ? wideBranch[i] : branch[i]) & mask;
  }

  private void put(byte[] narrow, int i, long code) {
    if (out != null) out[i] = (short) code;
    else narrow[i] = (byte) code;
  }

  @Override
  public void codes(int channel, int[] acc, int from, int stride, int n, byte[] o, int to) {
    int bc = step.layer().bias()[channel];
    for (int i = 0, a = from; i < n; i++, a += stride)
      put(o, to + i, step.code(acc[a] + bc, channel, branchCode(to + i)));
  }

  @Override
  public void positions(int[] acc, int from, int positions, int channels, byte[] o, int to) {
    int[] bias = step.layer().bias();
    int c0 = VECTOR
        ? WideRequant.accumulatorAdd(
            acc,
            from,
            positions,
            channels,
            bias,
            step.factors(),
            wideBranch,
            branch,
            mask,
            step.zeroB(),
            step.factorB(),
            step.shift(),
            Requant.mode(step.rounding()),
            step.out().zeroPoint(0),
            step.lo(),
            step.hi(),
            out,
            o,
            to)
        : 0;
    if (c0 == channels) return;
    for (int p = 0, a = from, t = to; p < positions; p++, a += channels, t += channels)
      for (int c = c0; c < channels; c++)
        put(o, t + c, step.code(acc[a + c] + bias[c], c, branchCode(t + c)));
  }
}
