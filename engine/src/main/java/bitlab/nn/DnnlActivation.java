package bitlab.nn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;

import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;

/**
 * ReLU and ReLU6 on oneDNN, in the forms whose backward pass reads the output ({@code *_use_dst_for_bwd}),
 * so that they can overwrite their input. ReLU6 is {@code clip_v2(0, 6)}: gradient 1 strictly inside.
 */
final class DnnlActivation implements Backend.Activation {
  private final stream stream;
  private final memory.desc data;
  private final algorithm algo;
  private final float beta;
  private final eltwise_forward.primitive_desc fwdPd;
  private final eltwise_forward fwd;
  private eltwise_backward.primitive_desc bwdPd;
  private eltwise_backward bwd;
  private final Dnnl.Calls calls = new Dnnl.Calls();
  private final boolean single;

  DnnlActivation(stream stream, Kind kind, long[] dims) {
    this.stream = stream;
    this.data = Dnnl.desc(dims, true);
    this.algo = kind == Kind.RELU
        ? algorithm.eltwise_relu_use_dst_for_bwd
        : algorithm.eltwise_clip_v2_use_dst_for_bwd;
    this.beta = kind == Kind.RELU ? 0f : 6f;
    if (kind == Kind.NONE) throw new IllegalArgumentException("no activation");
    single = Threads.singleElements(Dnnl.elements(dims));
    fwdPd = Threads.make(
        single,
        () -> new eltwise_forward.primitive_desc(
            new eltwise_forward.desc(prop_kind.forward_training, algo, data, 0f, beta),
            Dnnl.ENGINE));
    fwd = Threads.make(single, () -> new eltwise_forward(fwdPd));
  }

  @Override
  public void forward(Tensor x, Tensor y) {
    calls
        .get(
            () -> new Dnnl.Call(fwd, single)
                .arg(DNNL_ARG_SRC, x.memory())
                .arg(DNNL_ARG_DST, y.memory()),
            "fwd",
            x,
            y)
        .run(stream);
  }

  @Override
  public void backward(Tensor y, Tensor dy, Tensor dx) {
    if (bwd == null) {
      bwdPd = Threads.make(
          single,
          () -> new eltwise_backward.primitive_desc(
              new eltwise_backward.desc(algo, data, data, 0f, beta), Dnnl.ENGINE, fwdPd));
      bwd = Threads.make(single, () -> new eltwise_backward(bwdPd));
    }
    calls
        .get(
            () -> new Dnnl.Call(bwd, single)
                .arg(DNNL_ARG_DST, y.memory())
                .arg(DNNL_ARG_DIFF_DST, dy.memory())
                .arg(DNNL_ARG_DIFF_SRC, dx.memory()),
            "bwd",
            y,
            dy,
            dx)
        .run(stream);
  }

  @Override
  public void close() {
    fwd.close();
    fwdPd.close();
    if (bwd != null) {
      bwd.close();
      bwdPd.close();
    }
  }
}
