package bitlab.integer;

import bitlab.model.Shape;
import bitlab.quant.QuantParams;

/**
 * The output codes of a step as it writes them, in the container its quantizer's width asks for: bytes up to 8
 * bits, 16-bit words above ({@link IntTensor}). Steps whose output may be the wide residual stream write through it.
 */
final class CodeBuffer {
  private final byte[] narrow;
  private final short[] wide;

  /** Room for {@code length} codes of {@code params}' width (null: bytes). */
  CodeBuffer(int length, QuantParams params) {
    boolean w = params != null && IntTensor.wide(params);
    narrow = w ? null : new byte[length];
    wide = w ? new short[length] : null;
  }

  /** Stores a code that is already within the quantizer's range. */
  void put(int i, long code) {
    if (wide != null) wide[i] = (short) code;
    else narrow[i] = (byte) code;
  }

  /** The codes when they are bytes. */
  byte[] bytes() {
    return narrow;
  }

  IntTensor tensor(Shape shape, int batch, QuantParams params) {
    return new IntTensor(shape, batch, narrow, wide, params);
  }
}
