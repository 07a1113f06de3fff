package bitlab.integer;

import bitlab.model.Shape;
import bitlab.quant.QuantParams;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The integer codes of one activation tensor for a batch of images (NCHW) with the per-tensor affine map that gives
 * them meaning, {@code real = (code - zeroPoint) · scale}. Codes of up to 8 bits travel one per byte ({@code codes},
 * read unsigned when the quantizer is unsigned), the fast kernels' layout; codes of 9 to 16 bits (a residual stream
 * kept wider than the layers read it, {@code bitlab.quant.PtqConfig#streamBits}) one per 16-bit word
 * ({@code wideCodes}). Exactly one of the two arrays is present, as the quantizer's width says.
 */
public record IntTensor(
    Shape shape, int batch, byte[] codes, short[] wideCodes, QuantParams params) {
  /** The widest code a byte carries; wider codes travel in 16-bit words. */
  public static final int BYTE_BITS = 8;

  /** The widest code the executor carries. */
  public static final int MAX_BITS = 16;

  public IntTensor {
    boolean wide = wide(params);
    if ((codes == null) != wide || (wideCodes == null) == wide) {
      throw new IntegerException("A " + params.spec().bits() + "-bit tensor travels in "
          + (wide ? "16-bit words" : "bytes") + "; it was given "
          + (wide ? "bytes" : "16-bit words") + ".");
    }
    int n = wide ? wideCodes.length : codes.length;
    if (n != batch * shape.elements()) {
      throw new IntegerException("A " + shape + " tensor of " + batch + " images needs "
          + batch * shape.elements() + " codes, got " + n + ".");
    }
  }

  /** A tensor of codes of up to 8 bits, one per byte. */
  public IntTensor(Shape shape, int batch, byte[] codes, QuantParams params) {
    this(shape, batch, codes, null, params);
  }

  /** A tensor of 9- to 16-bit codes, one per 16-bit word. */
  public static IntTensor wide(Shape shape, int batch, short[] codes, QuantParams params) {
    return new IntTensor(shape, batch, null, codes, params);
  }

  /** Whether a quantizer's codes travel in 16-bit words (more than {@link #BYTE_BITS} bits). */
  public static boolean wide(QuantParams params) {
    return params.spec().bits() > BYTE_BITS;
  }

  /** Whether this tensor's codes travel in 16-bit words. */
  public boolean wide() {
    return wideCodes != null;
  }

  /** The codes, one per byte; a wide tensor has none (the fast kernels read bytes: a weighted layer reads a narrower view of a wide tensor). */
  @Override
  public byte[] codes() {
    if (codes == null) {
      throw new IntegerException("This " + params.spec().bits()
          + "-bit tensor travels in 16-bit words, not bytes; read it with code(i) or wideCodes().");
    }
    return codes;
  }

  public boolean unsigned() {
    return !params.spec().signed();
  }

  public float scale() {
    return params.scale(0);
  }

  public int zeroPoint() {
    return params.zeroPoint(0);
  }

  public int code(int i) {
    if (wideCodes != null) return unsigned() ? wideCodes[i] & 0xFFFF : wideCodes[i];
    return unsigned() ? codes[i] & 0xFF : codes[i];
  }

  /** Codes in the batch. */
  public int length() {
    return wideCodes != null ? wideCodes.length : codes.length;
  }

  /** Codes per image. */
  public int size() {
    return (int) shape.elements();
  }

  /** The codes as a double array {@code [batch, ...shape]} (exact: codes are small integers). */
  public INDArray codesArray() {
    double[] v = new double[length()];
    for (int i = 0; i < v.length; i++) v[i] = code(i);
    return Nd4j.createFromArray(v).reshape(shape.withBatch(batch));
  }

  /** The real values the codes stand for, float32 {@code [batch, ...shape]}. */
  public INDArray dequantize() {
    float[] v = new float[length()];
    for (int i = 0; i < v.length; i++) v[i] = params.dequantize(code(i), 0);
    return Nd4j.createFromArray(v).reshape(shape.withBatch(batch)).castTo(DataType.FLOAT);
  }

  /** Stores a code that is already within the quantizer's range. */
  static void put(byte[] codes, int i, long code) {
    codes[i] = (byte) code;
  }
}
