package bitlab.integer;

import bitlab.model.Shape;
import bitlab.quant.QuantParams;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The integer codes of one activation tensor for a batch of images with the per-tensor affine map that gives them
 * meaning, {@code real = (code - zeroPoint) · scale}. Codes of up to 8 bits travel one per byte ({@code codes}, read
 * unsigned when the quantizer is unsigned), the fast kernels' layout; codes of 9 to 16 bits (a residual stream kept
 * wider than the layers read it, {@code bitlab.quant.PtqConfig#streamBits}) one per 16-bit word ({@code wideCodes}).
 * Exactly one of the two arrays is present, as the quantizer's width says. The codes are NCHW, or channels-last
 * ({@code nhwc}) where oneDNN's convolutions hand them from layer to layer: a chain of them then never changes layout
 * in Java. {@link #nchw()} gives the NCHW form the other steps and the simulation read; the shape is always given as
 * {@code [C, H, W]}.
 */
public record IntTensor(
    Shape shape, int batch, byte[] codes, short[] wideCodes, QuantParams params, boolean nhwc) {
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
    // a map of one position, or a vector, is the same codes in either layout
    if (nhwc && !channelsLast(shape)) nhwc = false;
  }

  /** A tensor of codes of up to 8 bits, one per byte, NCHW. */
  public IntTensor(Shape shape, int batch, byte[] codes, QuantParams params) {
    this(shape, batch, codes, null, params, false);
  }

  /** A tensor of codes of up to 8 bits, one per byte, channels-last when {@code nhwc}. */
  public IntTensor(Shape shape, int batch, byte[] codes, QuantParams params, boolean nhwc) {
    this(shape, batch, codes, null, params, nhwc);
  }

  /** NCHW codes in bytes or (the quantizer being wider than a byte) 16-bit words. */
  public IntTensor(Shape shape, int batch, byte[] codes, short[] wideCodes, QuantParams params) {
    this(shape, batch, codes, wideCodes, params, false);
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

  /** Whether the two layouts of {@code shape} differ: an image of more than one channel and position. */
  static boolean channelsLast(Shape shape) {
    return shape.isImage() && shape.channels() > 1 && shape.height() * shape.width() > 1;
  }

  /** These codes in NCHW order (this tensor when they already are). */
  public IntTensor nchw() {
    return nhwc ? transposed(positions(), shape.channels(), false) : this;
  }

  /** These codes channels-last (this tensor when they already are, or when both layouts are the same codes). */
  public IntTensor toNhwc() {
    return nhwc || !channelsLast(shape) ? this : transposed(shape.channels(), positions(), true);
  }

  /** The same codes in {@code other}'s layout. */
  IntTensor like(IntTensor other) {
    return other.nhwc ? toNhwc() : nchw();
  }

  private int positions() {
    return shape.height() * shape.width();
  }

  /** Per image, the codes as a {@code rows x cols} matrix, transposed. */
  private IntTensor transposed(int rows, int cols, boolean toNhwc) {
    int size = rows * cols;
    if (wideCodes != null) {
      short[] out = new short[wideCodes.length];
      for (int n = 0; n < batch; n++)
        for (int r = 0, base = n * size; r < rows; r++)
          for (int c = 0, from = base + r * cols; c < cols; c++)
            out[base + c * rows + r] = wideCodes[from + c];
      return new IntTensor(shape, batch, null, out, params, toNhwc);
    }
    byte[] out = new byte[codes.length];
    for (int n = 0; n < batch; n++)
      for (int r = 0, base = n * size; r < rows; r++)
        for (int c = 0, from = base + r * cols; c < cols; c++)
          out[base + c * rows + r] = codes[from + c];
    return new IntTensor(shape, batch, out, null, params, toNhwc);
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

  /** The code at index {@code i} (in this tensor's layout). */
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

  /** The codes as a double array {@code [batch, ...shape]}, NCHW (exact: codes are small integers). */
  public INDArray codesArray() {
    IntTensor t = nchw();
    double[] v = new double[length()];
    for (int i = 0; i < v.length; i++) v[i] = t.code(i);
    return Nd4j.createFromArray(v).reshape(shape.withBatch(batch));
  }

  /** The real values the codes stand for, float32 {@code [batch, ...shape]}, NCHW. */
  public INDArray dequantize() {
    IntTensor t = nchw();
    float[] v = new float[length()];
    for (int i = 0; i < v.length; i++) v[i] = params.dequantize(t.code(i), 0);
    return Nd4j.createFromArray(v).reshape(shape.withBatch(batch)).castTo(DataType.FLOAT);
  }
}
