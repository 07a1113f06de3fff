package bitlab.integer.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Channel-wise maxima of codes laid out channels-last, 16-bit words (the max pool over the wide residual stream) or
 * bytes: a whole vector of channels per instruction. Unsigned codes are compared with their top bit flipped, which
 * orders them as signed values do, so one signed maximum serves both.
 */
public final class WideMax {
  private static final VectorSpecies<Short> S = ShortVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED;

  /** Whether it runs here (the Vector API kernels are on: {@link VectorSupport#AVAILABLE}). */
  public static final boolean AVAILABLE = VectorSupport.AVAILABLE;

  private WideMax() {}

  /**
   * {@code out[at + c] = max over t < n of src[taps[t] + c]} for the channels {@code c} of the first multiple of the
   * vector length below {@code channels} ({@code n} at least 1); returns that multiple (the caller does the rest).
   */
  public static int max(
      short[] src, int[] taps, int n, int channels, boolean unsigned, short[] out, int at) {
    int lanes = S.length(), done = channels - channels % lanes;
    short flip = unsigned ? Short.MIN_VALUE : 0;
    for (int c = 0; c < done; c += lanes) {
      ShortVector best =
          ShortVector.fromArray(S, src, taps[0] + c).lanewise(VectorOperators.XOR, flip);
      for (int t = 1; t < n; t++)
        best = best.max(
            ShortVector.fromArray(S, src, taps[t] + c).lanewise(VectorOperators.XOR, flip));
      best.lanewise(VectorOperators.XOR, flip).intoArray(out, at + c);
    }
    return done;
  }

  /** Bytes in one vector of {@link #max(byte[], int[], int, int, boolean, byte[], int)}: fewer channels take no vector. */
  public static int byteLanes() {
    return B.length();
  }

  /** The same over byte codes. */
  public static int max(
      byte[] src, int[] taps, int n, int channels, boolean unsigned, byte[] out, int at) {
    int lanes = B.length(), done = channels - channels % lanes;
    byte flip = unsigned ? Byte.MIN_VALUE : 0;
    for (int c = 0; c < done; c += lanes) {
      ByteVector best =
          ByteVector.fromArray(B, src, taps[0] + c).lanewise(VectorOperators.XOR, flip);
      for (int t = 1; t < n; t++)
        best =
            best.max(ByteVector.fromArray(B, src, taps[t] + c).lanewise(VectorOperators.XOR, flip));
      best.lanewise(VectorOperators.XOR, flip).intoArray(out, at + c);
    }
    return done;
  }
}
