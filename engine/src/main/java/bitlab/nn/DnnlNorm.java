package bitlab.nn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;

import org.bytedeco.dnnl.batch_normalization_backward;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.global.dnnl.normalization_flags;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;

/** BatchNorm on oneDNN: batch statistics (training) or given ones (inference), γ and β as separate scale and shift. */
final class DnnlNorm implements Backend.Norm {
  private final stream stream;
  private final boolean batchStats;
  private final memory.desc data;
  private final float epsilon;
  private final int flags;
  private final batch_normalization_forward.primitive_desc fwdPd;
  private final batch_normalization_forward fwd;
  private batch_normalization_backward.primitive_desc bwdPd;
  private batch_normalization_backward bwd;
  private final Dnnl.Calls calls = new Dnnl.Calls();
  private final boolean single;

  DnnlNorm(stream stream, long[] dims, double epsilon, boolean batchStats) {
    this.stream = stream;
    this.batchStats = batchStats;
    this.data = Dnnl.desc(dims, true);
    this.epsilon = (float) epsilon;
    int f = normalization_flags.use_scale.value | normalization_flags.use_shift.value;
    if (!batchStats) f |= normalization_flags.use_global_stats.value;
    this.flags = f;
    this.single = Threads.singleElements(Dnnl.elements(dims));
    // Training needs forward_training even with given statistics, so that a backward pass can
    // follow.
    fwdPd = Threads.make(
        single,
        () -> new batch_normalization_forward.primitive_desc(
            new batch_normalization_forward.desc(
                prop_kind.forward_training.value, data, this.epsilon, flags),
            Dnnl.ENGINE));
    fwd = Threads.make(single, () -> new batch_normalization_forward(fwdPd));
  }

  @Override
  public void forward(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor var, Tensor y) {
    calls
        .get(
            () -> new Dnnl.Call(fwd, single)
                .arg(DNNL_ARG_SRC, x.memory())
                .arg(DNNL_ARG_DST, y.memory())
                .arg(DNNL_ARG_SCALE, gamma.memory())
                .arg(DNNL_ARG_SHIFT, beta.memory())
                .arg(DNNL_ARG_MEAN, mean.memory())
                .arg(DNNL_ARG_VARIANCE, var.memory()),
            "fwd",
            x,
            y,
            gamma,
            beta,
            mean,
            var)
        .run(stream);
  }

  @Override
  public void backward(
      Tensor x,
      Tensor dy,
      Tensor gamma,
      Tensor beta,
      Tensor mean,
      Tensor var,
      Tensor dx,
      Tensor dgamma,
      Tensor dbeta) {
    if (bwd == null) {
      bwdPd = Threads.make(
          single,
          () -> new batch_normalization_backward.primitive_desc(
              new batch_normalization_backward.desc(
                  prop_kind.backward.value, data, data, epsilon, flags),
              Dnnl.ENGINE,
              fwdPd));
      bwd = Threads.make(single, () -> new batch_normalization_backward(bwdPd));
    }
    Tensor dg = dgamma != null ? dgamma : scratch(gamma, 0);
    Tensor db = dbeta != null ? dbeta : scratch(gamma, 1);
    calls
        .get(
            () -> new Dnnl.Call(bwd, single)
                .arg(DNNL_ARG_SRC, x.memory())
                .arg(DNNL_ARG_DIFF_DST, dy.memory())
                .arg(DNNL_ARG_SCALE, gamma.memory())
                .arg(DNNL_ARG_SHIFT, beta.memory())
                .arg(DNNL_ARG_MEAN, mean.memory())
                .arg(DNNL_ARG_VARIANCE, var.memory())
                .arg(DNNL_ARG_DIFF_SRC, dx.memory())
                .arg(DNNL_ARG_DIFF_SCALE, dg.memory())
                .arg(DNNL_ARG_DIFF_SHIFT, db.memory()),
            "bwd",
            x,
            dy,
            gamma,
            beta,
            mean,
            var,
            dx,
            dg,
            db)
        .run(stream);
  }

  private final Tensor[] scratch = new Tensor[2];

  /** Somewhere to put gradients of γ and β nobody asked for. */
  private Tensor scratch(Tensor like, int i) {
    if (scratch[i] == null) scratch[i] = Tensor.plain(like.type(), like.dims());
    return scratch[i];
  }

  @Override
  public void close() {
    fwd.close();
    fwdPd.close();
    if (bwd != null) {
      bwd.close();
      bwdPd.close();
    }
    for (Tensor t : scratch) if (t != null) t.close();
  }
}
