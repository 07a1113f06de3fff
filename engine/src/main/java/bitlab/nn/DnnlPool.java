package bitlab.nn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;

import java.nio.FloatBuffer;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_backward;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.stream;

/**
 * Max and average pooling on oneDNN ({@code NHWC}); average pooling leaves padded cells out of the
 * count. Max pooling in training keeps oneDNN's workspace (where each maximum was) for the backward
 * pass; its tangent is gathered in Java at the arg-max of the input.
 */
final class DnnlPool implements Backend.Pool {
  private final stream stream;
  private final Backend.PoolShape s;
  private final boolean max;
  private final algorithm algo;
  private final pooling_forward.primitive_desc fwdPd;
  private final pooling_forward fwd;
  private final memory workspace;
  private pooling_backward.primitive_desc bwdPd;
  private pooling_backward bwd;
  private pooling_forward.primitive_desc linearPd;
  private pooling_forward linear;
  private final Dnnl.Calls calls = new Dnnl.Calls();
  private final boolean single;

  DnnlPool(stream stream, Backend.PoolShape s, boolean max, boolean training) {
    this.stream = stream;
    this.s = s;
    this.max = max;
    this.algo = max ? algorithm.pooling_max : algorithm.pooling_avg_exclude_padding;
    this.single = Threads.singleElements(Dnnl.elements(s.src()));
    fwdPd = Threads.make(single, () -> forwardPd(training));
    fwd = Threads.make(single, () -> new pooling_forward(fwdPd));
    workspace = training && max ? new memory(fwdPd.workspace_desc(), Dnnl.ENGINE) : null;
  }

  private pooling_forward.primitive_desc forwardPd(boolean training) {
    return new pooling_forward.primitive_desc(
        new pooling_forward.desc(
            training ? prop_kind.forward_training : prop_kind.forward_inference,
            algo,
            Dnnl.desc(s.src(), true),
            Dnnl.desc(s.dst(), true),
            strides(),
            kernel(),
            padStart(),
            padEnd()),
        Dnnl.ENGINE);
  }

  private long[] strides() {
    return new long[] {s.strideH(), s.strideW()};
  }

  private long[] kernel() {
    return new long[] {s.kernelH(), s.kernelW()};
  }

  private long[] padStart() {
    return new long[] {s.padTop(), s.padLeft()};
  }

  private long[] padEnd() {
    return new long[] {s.padBottom(), s.padRight()};
  }

  @Override
  public void forward(Tensor x, Tensor y) {
    calls
        .get(
            () -> {
              Dnnl.Call c = new Dnnl.Call(fwd, single)
                  .arg(DNNL_ARG_SRC, x.memory())
                  .arg(DNNL_ARG_DST, y.memory());
              if (workspace != null) c.arg(DNNL_ARG_WORKSPACE, workspace);
              return c;
            },
            "fwd",
            x,
            y)
        .run(stream);
  }

  @Override
  public void backward(Tensor dy, Tensor dx) {
    if (bwd == null) {
      bwdPd = Threads.make(
          single,
          () -> new pooling_backward.primitive_desc(
              new pooling_backward.desc(
                  algo,
                  Dnnl.desc(s.src(), true),
                  Dnnl.desc(s.dst(), true),
                  strides(),
                  kernel(),
                  padStart(),
                  padEnd()),
              Dnnl.ENGINE,
              fwdPd));
      bwd = Threads.make(single, () -> new pooling_backward(bwdPd));
    }
    calls
        .get(
            () -> {
              Dnnl.Call c = new Dnnl.Call(bwd, single)
                  .arg(DNNL_ARG_DIFF_DST, dy.memory())
                  .arg(DNNL_ARG_DIFF_SRC, dx.memory());
              if (workspace != null) c.arg(DNNL_ARG_WORKSPACE, workspace);
              return c;
            },
            "bwd",
            dy,
            dx)
        .run(stream);
  }

  @Override
  public void tangent(Tensor x, Tensor tx, Tensor ty) {
    if (!max) {
      if (linear == null) {
        linearPd = Threads.make(single, () -> forwardPd(false));
        linear = Threads.make(single, () -> new pooling_forward(linearPd));
      }
      calls
          .get(
              () -> new Dnnl.Call(linear, single)
                  .arg(DNNL_ARG_SRC, tx.memory())
                  .arg(DNNL_ARG_DST, ty.memory()),
              "tangent",
              tx,
              ty)
          .run(stream);
      return;
    }
    FloatBuffer xv = x.bytes().asFloatBuffer();
    FloatBuffer tv = tx.bytes().asFloatBuffer();
    FloatBuffer out = ty.bytes().asFloatBuffer();
    int c = s.channels();
    for (int n = 0; n < s.batch(); n++) {
      for (int oh = 0; oh < s.outH(); oh++) {
        for (int ow = 0; ow < s.outW(); ow++) {
          for (int ch = 0; ch < c; ch++) {
            int best = -1;
            float bestValue = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < s.kernelH(); i++) {
              int ih = oh * s.strideH() - s.padTop() + i;
              if (ih < 0 || ih >= s.inH()) continue;
              for (int j = 0; j < s.kernelW(); j++) {
                int iw = ow * s.strideW() - s.padLeft() + j;
                if (iw < 0 || iw >= s.inW()) continue;
                int at = ((n * s.inH() + ih) * s.inW() + iw) * c + ch;
                if (best < 0 || xv.get(at) > bestValue) {
                  best = at;
                  bestValue = xv.get(at);
                }
              }
            }
            out.put(((n * s.outH() + oh) * s.outW() + ow) * c + ch, tv.get(best));
          }
        }
      }
    }
  }

  @Override
  public void close() {
    fwd.close();
    fwdPd.close();
    if (workspace != null) workspace.close();
    if (bwd != null) {
      bwd.close();
      bwdPd.close();
    }
    if (linear != null) {
      linear.close();
      linearPd.close();
    }
  }
}
