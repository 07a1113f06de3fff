package bitlab.data;

import java.util.Arrays;

/**
 * A numeric array as a reader found it in a file (NPY, NPZ, IDX, CSV): its shape, its values as
 * float32 in C order, and whether its type holds integers. {@link ArrayData} turns images and
 * labels of this form into a {@link Dataset}.
 *
 * @param file what to call the array in messages (a path, or a path and an NPZ key)
 */
record RawArray(String file, long[] shape, float[] values, boolean integral) {
  RawArray {
    long n = 1;
    for (long d : shape) n *= d;
    if (n != values.length)
      throw new IllegalArgumentException(
          file + ": " + values.length + " values for shape " + Arrays.toString(shape));
  }

  int rank() {
    return shape.length;
  }

  /** The first dimension: how many images or labels. */
  int count() {
    return shape.length == 0 ? 1 : (int) shape[0];
  }

  /** The shape as numpy prints it, e.g. {@code (1000, 28, 28)}. */
  String shapeText() {
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) b.append(i == 0 ? "" : ", ").append(shape[i]);
    return b.append(shape.length == 1 ? ",)" : ")").toString();
  }

  /** Element count of a shape, refusing what a Java array cannot hold. */
  static int elements(long[] shape, String file) {
    long n = 1;
    for (long d : shape) {
      if (d < 0)
        throw new DataException("File " + file + " declares a negative dimension in its shape "
            + Arrays.toString(shape) + ".");
      n *= d;
      if (n > Integer.MAX_VALUE - 8) {
        throw new DataException(
            "File " + file + " holds an array of shape " + Arrays.toString(shape)
                + ", more than the "
                + "2,147,483,639 values bitlab reads at once; split it into several files or use a folder of images, which is streamed.");
      }
    }
    return (int) n;
  }
}
