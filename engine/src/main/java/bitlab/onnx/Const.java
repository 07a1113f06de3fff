package bitlab.onnx;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A constant tensor met while importing: weights (floats) or shape arithmetic (integers), row-major.
 * Exactly one of {@code floats} and {@code longs} is set.
 */
record Const(long[] dims, float[] floats, long[] longs) {
  /** Stands for the batch dimension in folded shapes: bitlab graphs take any batch size. */
  static final long BATCH = Long.MIN_VALUE + 7;

  static Const floats(long[] dims, float[] v) {
    check(dims, v.length);
    return new Const(dims.clone(), v, null);
  }

  static Const longs(long[] dims, long[] v) {
    check(dims, v.length);
    return new Const(dims.clone(), null, v);
  }

  static Const vector(long... v) {
    return longs(new long[] {v.length}, v);
  }

  static Const scalar(long v) {
    return longs(new long[0], new long[] {v});
  }

  boolean integer() {
    return longs != null;
  }

  int rank() {
    return dims.length;
  }

  int size() {
    return integer() ? longs.length : floats.length;
  }

  /** Values as longs (floats are truncated, as ONNX Cast does). */
  long[] asLongs() {
    if (integer()) return longs;
    long[] out = new long[floats.length];
    for (int i = 0; i < out.length; i++) out[i] = (long) floats[i];
    return out;
  }

  /** Values as floats (the batch marker cannot be one). */
  float[] asFloats() {
    if (!integer()) return floats;
    float[] out = new float[longs.length];
    for (int i = 0; i < out.length; i++) out[i] = longs[i];
    return out;
  }

  Const reshape(long... newDims) {
    return integer() ? longs(newDims, longs) : floats(newDims, floats);
  }

  /** A float32 array of this constant's shape, for the model's parameter map. */
  INDArray toArray() {
    return Nd4j.create(asFloats().clone(), dims.clone(), 'c').castTo(DataType.FLOAT);
  }

  /** This constant as a {@code [rows, cols]} matrix transposed to {@code [cols, rows]}. */
  Const transpose2d() {
    if (rank() != 2) throw new IllegalStateException("transpose of rank " + rank());
    int r = (int) dims[0];
    int c = (int) dims[1];
    float[] f = asFloats();
    float[] t = new float[f.length];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) t[j * r + i] = f[i * c + j];
    }
    return floats(new long[] {c, r}, t);
  }

  Const scaled(float s) {
    if (s == 1f) return this;
    float[] f = asFloats().clone();
    for (int i = 0; i < f.length; i++) f[i] *= s;
    return floats(dims, f);
  }

  String describe() {
    String v = size() <= 8
        ? (integer() ? Arrays.toString(longs) : Arrays.toString(floats))
            .replace(String.valueOf(BATCH), "N")
        : size() + " values";
    return v + " of shape " + Arrays.toString(dims);
  }

  private static void check(long[] dims, int n) {
    long count = 1;
    for (long d : dims) count *= d;
    if (count != n) {
      throw new OnnxFormatException("A constant tensor of shape " + Arrays.toString(dims)
          + " holds " + n + " values instead of " + count + "; the ONNX file is corrupt.");
    }
  }
}
