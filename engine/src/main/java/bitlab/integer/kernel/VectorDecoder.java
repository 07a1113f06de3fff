package bitlab.integer.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link Decoder} eight codes at a time: load 8 bytes, widen to 8 ints, flip, mask, subtract. */
final class VectorDecoder extends Decoder {
  static final VectorDecoder INSTANCE = new VectorDecoder();
  private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;

  @Override
  void decode(byte[] in, int inOff, int[] out, int outOff, int n, int flip, int zero) {
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      IntVector v = (IntVector)
          ByteVector.fromArray(B, in, inOff + i).convertShape(VectorOperators.B2I, I, 0);
      v.lanewise(VectorOperators.XOR, flip).and(0xFF).sub(zero).intoArray(out, outOff + i);
    }
    super.decode(in, inOff + i, out, outOff + i, n - i, flip, zero);
  }
}
