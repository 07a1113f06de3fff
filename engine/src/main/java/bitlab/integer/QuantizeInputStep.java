package bitlab.integer;

import bitlab.integer.kernel.ConvKernels;
import bitlab.integer.kernel.Parallel;
import bitlab.integer.kernel.VectorRequant;
import bitlab.model.Shape;
import bitlab.quant.QuantParams;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one float operation at the entrance: images become codes, {@code clamp(round(x / S) + z)},
 * with the float32 division the fake-quantization uses. The input of {@link #run} is carried in
 * {@link #images} because it is not an integer tensor.
 */
public record QuantizeInputStep(String node, Shape shape, QuantParams params) implements Step {

  @Override
  public String op() {
    return "Quantize";
  }

  @Override
  public List<String> inputs() {
    return List.of();
  }

  /**
   * Codes of a float batch {@code [N, ...shape]}, on all cores (sixteen at a time where the CPU has AVX-512), read
   * where the batch's floats are when they are one row-major float buffer (the usual case: copying 1.2 million floats of
   * mobilenet-v2 @224 at batch 8 onto the heap first took a quarter of the step).
   */
  public IntTensor quantize(INDArray images) {
    int batch = (int) images.size(0);
    if (IntTensor.wide(
        params)) { // an input an integer operator reads too, kept above 8 bits: 16-bit words
      float[] x = floats(images);
      CodeBuffer wide = new CodeBuffer(x.length, params);
      for (int i = 0; i < x.length; i++) {
        if (Float.isNaN(x[i]))
          throw new IntegerException(
              "The input has a NaN at element " + i + " of the batch; clean the data first.");
        wide.put(i, params.quantize(x[i], 0));
      }
      return wide.tensor(shape, batch, params);
    }
    ByteBuffer direct = whole(images) ? images.data().asNio().order(ByteOrder.nativeOrder()) : null;
    float[] x = direct == null ? floats(images) : null;
    byte[] codes = CallBuffers.bytes((int) images.length());
    float scale = params.scale(0);
    int zp = params.zeroPoint(0),
        lo = params.spec().qmin(),
        hi = params.spec().qmax(),
        mode = Requant.mode(params.spec().rounding());
    boolean vector = ConvKernels.vectorRequant() && !params.spec().binary();
    Parallel.ranges(codes.length, Requant.GRAIN, Parallel.defaultThreads(), (from, to) -> {
      int i = !vector
          ? from
          : Math.max(
              from,
              direct != null
                  ? VectorRequant.quantize(direct, scale, zp, lo, hi, mode, codes, from, to)
                  : VectorRequant.quantize(x, scale, zp, lo, hi, mode, codes, from, to));
      for (; i < to; i++) {
        float v = direct != null ? direct.getFloat(4 * i) : x[i];
        if (Float.isNaN(v))
          throw new IntegerException(
              "The input has a NaN at element " + i + " of the batch; clean the data first.");
        codes[i] = (byte) params.quantize(v, 0);
      }
    });
    return new IntTensor(shape, batch, codes, params);
  }

  /** Whether the batch is one float buffer of its own in row-major order (its values can be read where they are). */
  private static boolean whole(INDArray images) {
    return images.dataType() == DataType.FLOAT
        && images.ordering() == 'c'
        && images.offset() == 0
        && images.data().length() == images.length()
        && org.nd4j.linalg.api.shape.Shape.hasDefaultStridesForShape(images);
  }

  /**
   * The batch's values in row-major order. A float array that is its own whole buffer in row-major order is copied
   * out of its native memory in one bulk read: ND4J's {@code asFloat()} reads element by element through its
   * indexer (about 1.3 ns a value: 1.56 ms of mobilenet-v2 @224's 1.2 million input values at batch 8, more than
   * their quantization), and a cast or a copy are ND4J operations whose dispatch costs more than quantizing a batch
   * of small images.
   */
  static float[] floats(INDArray images) {
    INDArray a = whole(images) ? images : images.castTo(DataType.FLOAT).dup('c');
    float[] v = new float[(int) a.length()];
    a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().get(v);
    return v;
  }

  @Override
  public IntTensor run(List<IntTensor> in) {
    throw new IllegalStateException("QuantizeInputStep takes float images: call quantize(images).");
  }

  /** {@code in.get(0)} is the float batch. */
  @Override
  public INDArray simulate(List<INDArray> in) {
    INDArray v = in.get(0)
        .castTo(DataType.FLOAT)
        .div(params.scale(0)); // float32, as the fake-quantization divides
    float[] f = v.dup('c').data().asFloat();
    double[] codes = new double[f.length];
    int lo = params.spec().qmin(), hi = params.spec().qmax(), z = params.zeroPoint(0);
    for (int i = 0; i < f.length; i++)
      codes[i] = Math.max(lo, Math.min(hi, params.spec().rounding().round(f[i]) + z));
    return Nd4j.createFromArray(codes).reshape(v.shape());
  }
}
