package bitlab.nn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_0;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_1;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fast float path: oneDNN's f32 primitives on {@code NHWC} activations, one stream per backend
 * (a backend belongs to one program, which runs on one thread at a time).
 */
final class DnnlBackend implements Backend {
  private final stream stream = new stream(Dnnl.ENGINE);
  private final Dnnl.Calls calls = new Dnnl.Calls();
  private final List<AutoCloseable> made = new ArrayList<>();

  DnnlBackend() {
    if (!Dnnl.AVAILABLE) throw new IllegalStateException(Dnnl.PROBLEM);
  }

  @Override
  public DataType type() {
    return DataType.FLOAT;
  }

  @Override
  public boolean fuses() {
    return true;
  }

  private <T extends AutoCloseable> T keep(T t) {
    made.add(t);
    return t;
  }

  @Override
  public Layer conv(ConvShape s, boolean bias, Post post, boolean training) {
    return keep(new DnnlLayer(stream, s, bias, post, training));
  }

  @Override
  public Layer linear(int batch, int in, int out, boolean bias, Post post, boolean training) {
    return keep(new DnnlLayer(stream, batch, in, out, bias, post, training));
  }

  /** Batch statistics on oneDNN; given ones as a float32 affine map whose arithmetic is fixed to the bit (see {@link AffineNorm}). */
  @Override
  public Norm norm(long[] dims, double epsilon, boolean batchStats) {
    return batchStats
        ? keep(new DnnlNorm(stream, dims, epsilon, true))
        : new AffineNorm(dims, epsilon);
  }

  @Override
  public Pool pool(PoolShape s, boolean max, boolean training) {
    return keep(new DnnlPool(stream, s, max, training));
  }

  @Override
  public Activation activation(Activation.Kind kind, long[] dims) {
    return keep(new DnnlActivation(stream, kind, dims));
  }

  @Override
  public Concat concat(List<long[]> inputs, long[] output) {
    return keep(new DnnlConcat(stream, inputs, output));
  }

  @Override
  public void add(Tensor a, Tensor b, Tensor y) {
    calls
        .<Dnnl.Call>get(
            () -> {
              boolean single = Threads.singleElements(y.size());
              binary.primitive_desc pd = Threads.make(
                  single,
                  () -> new binary.primitive_desc(
                      new binary.desc(
                          algorithm.binary_add, Dnnl.desc(a), Dnnl.desc(b), Dnnl.desc(y)),
                      Dnnl.ENGINE));
              binary p = keep(Threads.make(single, () -> new binary(pd)));
              keep(pd);
              return new Dnnl.Call(p, single)
                  .arg(DNNL_ARG_SRC_0, a.memory())
                  .arg(DNNL_ARG_SRC_1, b.memory())
                  .arg(DNNL_ARG_DST, y.memory());
            },
            "add",
            a,
            b,
            y)
        .run(stream);
  }

  @Override
  public void accumulate(Tensor y, Tensor x) {
    add(y, x, y);
  }

  @Override
  public void copy(Tensor from, Tensor to) {
    calls
        .<Dnnl.Reorder>get(
            () -> keep(new Dnnl.Reorder(from.memory(), to.memory())), "copy", from, to)
        .run(stream);
  }

  /** A reorder between a tensor and a plain {@code NCHW} array whose address changes from call to call. */
  private record Transfer(memory plain, Dnnl.Reorder reorder) {}

  private final java.util.Map<Tensor, Transfer> loads = new java.util.IdentityHashMap<>();
  private final java.util.Map<Tensor, Transfer> saves = new java.util.IdentityHashMap<>();

  /** Feature maps go through a oneDNN reorder (ND4J's strided assign cost more than the layer it fed); the rest as {@link Tensor#assign}. */
  @Override
  public void load(INDArray logical, Tensor to) {
    if (!to.channelsLast()) {
      to.assign(logical);
      return;
    }
    INDArray src =
        logical.dataType() == DataType.FLOAT && logical.ordering() == 'c' && !logical.isView()
            ? logical
            : logical.castTo(DataType.FLOAT).dup('c');
    if (!java.util.Arrays.equals(src.shape(), to.dims())) {
      throw new IllegalArgumentException(
          "shape " + java.util.Arrays.toString(src.shape()) + " does not fit " + to);
    }
    Transfer t = loads.computeIfAbsent(to, k -> {
      memory plain =
          keep(new memory(Dnnl.desc(k.dims(), false), Dnnl.ENGINE, src.data().addressPointer()));
      return new Transfer(plain, keep(new Dnnl.Reorder(plain, k.memory())));
    });
    t.plain().set_data_handle(src.data().addressPointer());
    t.reorder().run(stream);
  }

  @Override
  public INDArray save(Tensor from) {
    if (!from.channelsLast()) return from.toNd4j();
    INDArray out = Nd4j.createUninitialized(DataType.FLOAT, from.dims());
    Transfer t = saves.computeIfAbsent(from, k -> {
      memory plain =
          keep(new memory(Dnnl.desc(k.dims(), false), Dnnl.ENGINE, out.data().addressPointer()));
      return new Transfer(plain, keep(new Dnnl.Reorder(k.memory(), plain)));
    });
    t.plain().set_data_handle(out.data().addressPointer());
    t.reorder().run(stream);
    return out;
  }

  /** Describes the implementations oneDNN chose for a layer kernel. */
  static String describe(Layer l) {
    return l.describe();
  }

  @Override
  public void close() {
    Dnnl.closeAll(made);
    stream.close();
  }
}
