package bitlab.nn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A tensor the engine computes on: an ND4J array with a logical shape. Activations have the logical
 * shape {@code [N, C, H, W]} (feature maps, stored channels-last, {@code NHWC}, which oneDNN's fast f32
 * convolutions take directly) or {@code [N, C]} (vectors); parameters keep their PyTorch layouts
 * ({@code OIHW}, {@code [out, in]}, {@code [C]}) in plain row-major order. Float tensors are read by
 * oneDNN through the array's own memory; double ones belong to the reference arithmetic.
 *
 * <p>Hooks ({@link Transform}) see tensors through {@link #channels()} and {@link #channelStride()}:
 * element {@code i} (storage order) belongs to channel {@code (i / channelStride()) % channels()}.
 */
public final class Tensor {
  private final INDArray array;
  private final long[] dims;
  private final boolean activation;
  private final boolean channelsLast;
  private final boolean owner;
  private final long size;
  private ByteBuffer bytes;
  private memory memory;

  private Tensor(INDArray array, long[] dims, boolean activation, boolean owner) {
    this.array = array;
    this.dims = dims.clone();
    this.activation = activation;
    this.channelsLast = activation && dims.length == 4;
    this.owner = owner;
    long s = 1;
    for (long d : dims) s *= d;
    if (s != array.length())
      throw new IllegalArgumentException(
          "dims " + Arrays.toString(dims) + " do not match " + array.length() + " elements");
    this.size = s;
  }

  /** A zeroed activation: {@code [N, C, H, W]} (stored NHWC) or {@code [N, C]}. */
  static Tensor activation(DataType type, long... dims) {
    return new Tensor(Nd4j.zeros(type, storage(dims, true)), dims, true, true);
  }

  /** A zeroed parameter-like tensor in plain row-major order (weights, biases, statistics, flattened features). */
  static Tensor plain(DataType type, long... dims) {
    return new Tensor(Nd4j.zeros(type, storage(dims, false)), dims, false, true);
  }

  /** A float parameter-like tensor holding these values (row-major), for hooks' own use and tests; close it when done. */
  public static Tensor of(float[] values, long... dims) {
    Tensor t = plain(DataType.FLOAT, dims);
    t.setAll(values);
    return t;
  }

  /** Another logical shape (of as many elements) over the same memory: a plain {@code [N, C, H, W]} view of a flattened vector, say. */
  Tensor view(long[] newDims, boolean asActivation) {
    return new Tensor(
        array.reshape('c', storage(newDims, asActivation)), newDims, asActivation, false);
  }

  private static long[] storage(long[] dims, boolean activation) {
    return activation && dims.length == 4
        ? new long[] {dims[0], dims[2], dims[3], dims[1]}
        : dims.length == 0 ? new long[] {1} : dims;
  }

  /** The logical shape. */
  public long[] dims() {
    return dims.clone();
  }

  long dim(int i) {
    return dims[i];
  }

  public int rank() {
    return dims.length;
  }

  public long size() {
    return size;
  }

  public boolean isFloat() {
    return array.dataType() == DataType.FLOAT;
  }

  DataType type() {
    return array.dataType();
  }

  /** Feature maps are stored {@code NHWC}. */
  public boolean channelsLast() {
    return channelsLast;
  }

  boolean activation() {
    return activation;
  }

  /** {@code C} of an activation; the first dimension (output channels) of a parameter. */
  public int channels() {
    return (int) (activation ? dims[1] : dims[0]);
  }

  /** Elements between consecutive channels in storage order: 1 for activations, the rest of the shape for parameters. */
  public long channelStride() {
    if (activation) return dims.length == 4 && !channelsLast ? dims[2] * dims[3] : 1;
    return size / Math.max(1, dims[0]);
  }

  /** The backing ND4J array, in storage order. */
  INDArray array() {
    return array;
  }

  /** The float32 values as a native-order byte buffer over the tensor's own memory (float tensors only). */
  public ByteBuffer bytes() {
    if (!isFloat()) throw new IllegalStateException("bytes() of a " + type() + " tensor");
    if (bytes == null)
      bytes = new BytePointer(address())
          .capacity(size * 4)
          .asByteBuffer()
          .order(ByteOrder.nativeOrder());
    return bytes.duplicate().order(ByteOrder.nativeOrder());
  }

  /** Element {@code i} in storage order. */
  public double get(long i) {
    return array.data().getDouble(i);
  }

  public void set(long i, double v) {
    array.data().put(i, v);
  }

  /** All values in storage order (a copy). */
  public double[] toDoubles() {
    return array.data().asDouble();
  }

  public float[] toFloats() {
    return array.data().asFloat();
  }

  void setAll(double[] v) {
    array.data().setData(v);
  }

  void setAll(float[] v) {
    array.data().setData(v);
  }

  Pointer address() {
    return array.data().addressPointer();
  }

  /** The oneDNN memory over this tensor (float only), made once. */
  memory memory() {
    if (memory == null) memory = new memory(Dnnl.desc(this), Dnnl.ENGINE, address());
    return memory;
  }

  /** Values in logical order ({@code NCHW} for feature maps) as a new float or double ND4J array of the logical shape. */
  public INDArray toNd4j() {
    if (channelsLast) return array.permute(0, 3, 1, 2).dup('c');
    return array.reshape('c', dims).dup('c');
  }

  /** Copies values given in logical order ({@code NCHW}) and the same shape into this tensor, converting the type. */
  void assign(INDArray logical) {
    if (!Arrays.equals(logical.shape(), dims)) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(logical.shape()) + " does not fit " + Arrays.toString(dims));
    }
    INDArray src = logical.dataType() == type() ? logical : logical.castTo(type());
    if (channelsLast) array.assign(src.permute(0, 2, 3, 1));
    else array.reshape('c', dims).assign(src);
  }

  void zero() {
    array.assign(0);
  }

  void copyFrom(Tensor other) {
    array.assign(other.array);
  }

  /** Frees the memory of a tensor made by {@link #of} (the engine closes its own). */
  public void close() {
    if (memory != null) memory.close();
    memory = null;
    bytes = null;
    if (owner && !array.wasClosed()) array.close();
  }

  @Override
  public String toString() {
    return type() + Arrays.toString(dims) + (channelsLast ? " nhwc" : "");
  }
}
