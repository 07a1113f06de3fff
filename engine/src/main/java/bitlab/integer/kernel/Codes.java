package bitlab.integer.kernel;

/**
 * How the fast kernels read an input code: {@code ((code ^ flip) & 0xFF) − zero} equals
 * {@code x − zx} for unsigned codes (flip 0) and for signed ones (flip 0x80 maps −128..127 onto
 * 0..255, and the zero point moves by 128 with it), so one loop serves both.
 */
final class Codes {
  private Codes() {}

  static int flip(boolean unsigned) {
    return unsigned ? 0 : 0x80;
  }

  static int zero(boolean unsigned, int zeroPoint) {
    return unsigned ? zeroPoint : zeroPoint + 128;
  }
}
