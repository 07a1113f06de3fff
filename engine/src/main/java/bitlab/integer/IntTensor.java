package bitlab.integer;

import bitlab.model.Shape;
import bitlab.quant.QuantParams;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The integer codes of one activation tensor for a batch of images (NCHW, one code per byte: read
 * unsigned when the quantizer is unsigned) with the per-tensor affine map that gives them meaning,
 * {@code real = (code - zeroPoint) · scale}.
 */
public record IntTensor(Shape shape, int batch, byte[] codes, QuantParams params) {

  public IntTensor {
    if (codes.length != batch * shape.elements()) {
      throw new IntegerException("A " + shape + " tensor of " + batch + " images needs "
          + batch * shape.elements() + " codes, got " + codes.length + ".");
    }
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
    return unsigned() ? codes[i] & 0xFF : codes[i];
  }

  /** Codes per image. */
  public int size() {
    return (int) shape.elements();
  }

  /** The codes as a double array {@code [batch, ...shape]} (exact: codes are small integers). */
  public INDArray codesArray() {
    double[] v = new double[codes.length];
    for (int i = 0; i < v.length; i++) v[i] = code(i);
    return Nd4j.createFromArray(v).reshape(shape.withBatch(batch));
  }

  /** The real values the codes stand for, float32 {@code [batch, ...shape]}. */
  public INDArray dequantize() {
    float[] v = new float[codes.length];
    for (int i = 0; i < v.length; i++) v[i] = params.dequantize(code(i), 0);
    return Nd4j.createFromArray(v).reshape(shape.withBatch(batch)).castTo(DataType.FLOAT);
  }

  /** Stores a code that is already within the quantizer's range. */
  static void put(byte[] codes, int i, long code) {
    codes[i] = (byte) code;
  }
}
