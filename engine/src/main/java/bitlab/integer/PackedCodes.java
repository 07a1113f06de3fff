package bitlab.integer;

/**
 * Signed weight codes of {@code bits} each (2..8), packed little-end first into bytes: a 4-bit layer
 * takes half the bytes of an 8-bit one, a 2-bit layer a quarter. This is how weights are stored;
 * kernels unpack them once into the layout they compute with.
 */
public record PackedCodes(int bits, int count, byte[] bytes) {

  public PackedCodes {
    if (bits < 2 || bits > 8)
      throw new IntegerException("Packed weight codes take 2..8 bits, got " + bits + ".");
    if (bytes.length != bytesFor(count, bits))
      throw new IntegerException(count + " codes of " + bits + " bits take " + bytesFor(count, bits)
          + " bytes, got " + bytes.length + ".");
  }

  public static int bytesFor(int count, int bits) {
    return (int) (((long) count * bits + 7) / 8);
  }

  public static PackedCodes pack(byte[] codes, int bits) {
    int lo = -(1 << (bits - 1)), hi = (1 << (bits - 1)) - 1;
    byte[] out = new byte[bytesFor(codes.length, bits)];
    long pos = 0;
    int mask = (1 << bits) - 1;
    for (int i = 0; i < codes.length; i++, pos += bits) {
      int c = codes[i];
      if (c < lo || c > hi)
        throw new IntegerException(
            "Weight code " + c + " at " + i + " does not fit " + bits + " signed bits.");
      int v = c & mask;
      int at = (int) (pos >>> 3), off = (int) (pos & 7);
      out[at] |= (byte) (v << off);
      if (off + bits > 8) out[at + 1] |= (byte) (v >>> (8 - off));
    }
    return new PackedCodes(bits, codes.length, out);
  }

  public byte[] unpack() {
    byte[] codes = new byte[count];
    long pos = 0;
    int mask = (1 << bits) - 1;
    for (int i = 0; i < count; i++, pos += bits) {
      int at = (int) (pos >>> 3), off = (int) (pos & 7);
      int v = (bytes[at] & 0xFF) >>> off;
      if (off + bits > 8) v |= (bytes[at + 1] & 0xFF) << (8 - off);
      v &= mask;
      codes[i] = (byte) ((v << (32 - bits)) >> (32 - bits)); // sign-extend
    }
    return codes;
  }
}
