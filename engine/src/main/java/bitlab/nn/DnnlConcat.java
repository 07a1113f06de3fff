package bitlab.nn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MULTIPLE_SRC;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.concat;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;

/** Concatenation along channels on oneDNN; its adjoint reorders each input's channels out of the gradient. */
final class DnnlConcat implements Backend.Concat {
  private final stream stream;
  private final List<long[]> inputs;
  private final long[] output;
  private final concat.primitive_desc pd;
  private final concat prim;
  private final Dnnl.Calls calls = new Dnnl.Calls();
  private final List<AutoCloseable> slices = new ArrayList<>();
  private final boolean single;

  DnnlConcat(stream stream, List<long[]> inputs, long[] output) {
    this.stream = stream;
    this.inputs = inputs;
    this.output = output;
    memory.desc[] srcs = new memory.desc[inputs.size()];
    for (int i = 0; i < srcs.length; i++) srcs[i] = Dnnl.desc(inputs.get(i), true);
    this.single = Threads.singleElements(Dnnl.elements(output));
    pd = Threads.make(
        single,
        () -> new concat.primitive_desc(Dnnl.desc(output, true), 1, descVector(srcs), Dnnl.ENGINE));
    prim = Threads.make(single, () -> new concat(pd));
  }

  private static memory.desc descVector(memory.desc[] srcs) {
    memory.desc v = new memory.desc(srcs.length);
    for (int i = 0; i < srcs.length; i++) v.getPointer(i).data(srcs[i].data());
    return v;
  }

  @Override
  public void forward(List<Tensor> xs, Tensor y) {
    Object[] key = new Object[xs.size() + 2];
    key[0] = "fwd";
    key[1] = y;
    for (int i = 0; i < xs.size(); i++) key[i + 2] = xs.get(i);
    calls
        .<Dnnl.Call>get(
            () -> {
              Dnnl.Call c = new Dnnl.Call(prim, single).arg(DNNL_ARG_DST, y.memory());
              for (int i = 0; i < xs.size(); i++)
                c.arg(DNNL_ARG_MULTIPLE_SRC + i, xs.get(i).memory());
              return c;
            },
            key)
        .run(stream);
  }

  @Override
  public void backward(Tensor dy, List<Tensor> dxs) {
    long offset = 0;
    for (int i = 0; i < dxs.size(); i++) {
      long[] d = inputs.get(i);
      Tensor dx = dxs.get(i);
      long at = offset;
      offset += d[1];
      if (dx == null) continue;
      Slice s = calls.get(() -> new Slice(dy, d, at, dx), "bwd", dy, dx, i);
      s.run();
    }
  }

  /** One input's channels of the gradient, reordered into that input's gradient. */
  private final class Slice {
    private final memory part;
    private final Dnnl.Reorder call;

    Slice(Tensor dy, long[] dims, long channelOffset, Tensor dx) {
      memory.desc sub =
          Dnnl.desc(output, true).submemory_desc(dims, new long[] {0, channelOffset, 0, 0});
      part = new memory(sub, Dnnl.ENGINE, dy.address());
      call = new Dnnl.Reorder(part, dx.memory());
      slices.add(call);
      slices.add(part);
    }

    void run() {
      call.run(stream);
    }
  }

  @Override
  public void close() {
    prim.close();
    pd.close();
    Dnnl.closeAll(slices);
  }
}
