package bitlab.model;

import java.util.Arrays;

/**
 * The shape of one image's tensor at a point in the graph, without the batch dimension:
 * rank 3 ({@code C, H, W}) for feature maps, rank 1 ({@code F}) for vectors.
 */
public final class Shape {
  private final int[] dims;

  private Shape(int[] dims) {
    for (int d : dims) {
      if (d <= 0)
        throw new ModelException(
            "A shape must have positive dimensions, got " + Arrays.toString(dims) + ".");
    }
    this.dims = dims.clone();
  }

  public static Shape image(int channels, int height, int width) {
    return new Shape(new int[] {channels, height, width});
  }

  public static Shape vector(int features) {
    return new Shape(new int[] {features});
  }

  public int rank() {
    return dims.length;
  }

  public boolean isImage() {
    return dims.length == 3;
  }

  public int channels() {
    return dims[0];
  }

  public int height() {
    requireImage();
    return dims[1];
  }

  public int width() {
    requireImage();
    return dims[2];
  }

  public long elements() {
    long n = 1;
    for (int d : dims) n *= d;
    return n;
  }

  /** The dimensions with a leading batch dimension, as ND4J wants them. */
  public long[] withBatch(long batch) {
    long[] s = new long[dims.length + 1];
    s[0] = batch;
    for (int i = 0; i < dims.length; i++) s[i + 1] = dims[i];
    return s;
  }

  public int[] dims() {
    return dims.clone();
  }

  private void requireImage() {
    if (!isImage())
      throw new ModelException("Shape " + this + " is a vector, not a C x H x W feature map.");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < dims.length; i++) b.append(i == 0 ? "" : "x").append(dims[i]);
    return b.toString();
  }
}
