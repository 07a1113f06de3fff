package bitlab.nn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.inner_product_backward_data;
import org.bytedeco.dnnl.inner_product_backward_weights;
import org.bytedeco.dnnl.inner_product_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.primitive_desc;
import org.bytedeco.dnnl.stream;

/**
 * A convolution (grouped and depthwise included) or a linear layer on oneDNN's f32 primitives: the
 * forward pass with optional post-ops, the backward pass for data and for weights. Activations are
 * {@code NHWC} (or {@code [N, C]}); weights take the layout each primitive works best with, reordered from
 * the PyTorch layout when a {@link Backend.Prepared} is loaded. Where oneDNN offers implementations
 * whose speed differs widely with the layout (linear layers; convolutions' weight gradients, see
 * {@link DnnlWeightGradient}), the fastest is measured at the first call ({@link Fastest}).
 */
final class DnnlLayer implements Backend.Layer {
  private final stream stream;
  private final Backend.ConvShape shape;
  private final long[] src, dst, weights;
  private final long[] bias;
  private final boolean training;
  private final Backend.Post post;
  /** Linear layers try the weights in oneDNN's layout ({@code any}) and plain; convolutions only {@code any}. */
  private final memory.format_tag[] layouts;

  private final List<Way> forwards = new ArrayList<>();
  private final Fastest forward;
  private List<Way> adds;
  private Fastest add;
  private List<Way> datas;
  private Fastest data;
  private List<Way> gradients;
  private Fastest gradient;
  private DnnlWeightGradient convGradient;
  private final Dnnl.Calls calls = new Dnnl.Calls();
  private final List<AutoCloseable> made = new ArrayList<>();
  /** Small layers run (and are made) on one thread. */
  private final boolean single;

  /** A primitive and its descriptor. */
  private record Way(primitive_desc pd, primitive prim) implements AutoCloseable {
    @Override
    public void close() {
      prim.close();
      pd.close();
    }
  }

  /** A convolution. */
  DnnlLayer(stream stream, Backend.ConvShape s, boolean bias, Backend.Post post, boolean training) {
    this(
        stream,
        s,
        s.src(),
        s.dst(),
        s.groups() == 1
            ? s.weights()
            : new long[] {
              s.groups(), s.out() / s.groups(), s.in() / s.groups(), s.kernelH(), s.kernelW()
            },
        bias,
        post,
        training);
  }

  /** A linear layer {@code y = x Wᵀ + b}, {@code x [batch, in]}, {@code W [out, in]}. */
  DnnlLayer(
      stream stream,
      int batch,
      int in,
      int out,
      boolean bias,
      Backend.Post post,
      boolean training) {
    this(
        stream,
        null,
        new long[] {batch, in},
        new long[] {batch, out},
        new long[] {out, in},
        bias,
        post,
        training);
  }

  private DnnlLayer(
      stream stream,
      Backend.ConvShape shape,
      long[] src,
      long[] dst,
      long[] weights,
      boolean bias,
      Backend.Post post,
      boolean training) {
    this.stream = stream;
    this.shape = shape;
    this.src = src;
    this.dst = dst;
    this.weights = weights;
    this.bias = bias ? new long[] {dst[1]} : null;
    this.training = training;
    this.post = post;
    this.layouts = shape != null
        ? new memory.format_tag[] {memory.format_tag.any}
        : new memory.format_tag[] {memory.format_tag.any, memory.format_tag.ab};
    this.single = Threads.single(Dnnl.elements(dst) * Dnnl.elements(weights) / dst[1]);
    for (memory.format_tag t : layouts) {
      forwards.add(Threads.make(
          single,
          () -> forwardWay(
              t,
              this.bias != null,
              post,
              training ? prop_kind.forward_training : prop_kind.forward_inference)));
    }
    this.forward = new Fastest(forwards);
  }

  private memory.desc weightsDesc(memory.format_tag t) {
    return new memory.desc(weights, memory.data_type.f32, t);
  }

  private Way forwardWay(memory.format_tag t, boolean withBias, Backend.Post p, prop_kind prop) {
    primitive_attr attr = attr(p);
    if (shape != null) {
      long[] strides = shape.strides();
      long[] pad = {shape.padH(), shape.padW()};
      convolution_forward.desc d = withBias
          ? new convolution_forward.desc(
              prop,
              algorithm.convolution_direct,
              Dnnl.desc(src, true),
              weightsDesc(t),
              Dnnl.desc(bias, false),
              Dnnl.desc(dst, true),
              strides,
              shape.dilates(),
              pad,
              pad)
          : new convolution_forward.desc(
              prop,
              algorithm.convolution_direct,
              Dnnl.desc(src, true),
              weightsDesc(t),
              Dnnl.desc(dst, true),
              strides,
              shape.dilates(),
              pad,
              pad);
      convolution_forward.primitive_desc pd =
          new convolution_forward.primitive_desc(d, attr, Dnnl.ENGINE);
      return new Way(pd, new convolution_forward(pd));
    }
    inner_product_forward.desc d = withBias
        ? new inner_product_forward.desc(
            prop,
            Dnnl.desc(src, false),
            weightsDesc(t),
            Dnnl.desc(bias, false),
            Dnnl.desc(dst, false))
        : new inner_product_forward.desc(
            prop, Dnnl.desc(src, false), weightsDesc(t), Dnnl.desc(dst, false));
    inner_product_forward.primitive_desc pd =
        new inner_product_forward.primitive_desc(d, attr, Dnnl.ENGINE);
    return new Way(pd, new inner_product_forward(pd));
  }

  private static primitive_attr attr(Backend.Post post) {
    primitive_attr a = new primitive_attr();
    post_ops ops = new post_ops();
    if (post.sum()) ops.append_sum();
    switch (post.activation()) {
      case RELU:
        ops.append_eltwise(1f, algorithm.eltwise_relu, 0f, 0f);
        break;
      case RELU6:
        ops.append_eltwise(1f, algorithm.eltwise_clip_v2, 0f, 6f);
        break;
      default:
        break;
    }
    a.set_post_ops(ops);
    return a;
  }

  /** The backward primitives, made on first need (the forward descriptor in use is their hint). */
  private void backwardPrimitives() {
    if (data != null) return;
    if (!training)
      throw new IllegalStateException("a layer made for inference has no backward pass");
    Threads.run(single, this::makeBackward);
  }

  private void makeBackward() {
    datas = new ArrayList<>();
    gradients = new ArrayList<>();
    if (shape != null) {
      long[] strides = shape.strides();
      long[] pad = {shape.padH(), shape.padW()};
      convolution_forward.primitive_desc hint =
          (convolution_forward.primitive_desc) ((Way) forward.way()).pd();
      convolution_backward_data.primitive_desc pd = new convolution_backward_data.primitive_desc(
          new convolution_backward_data.desc(
              algorithm.convolution_direct,
              Dnnl.desc(src, true),
              Dnnl.any(weights),
              Dnnl.desc(dst, true),
              strides,
              shape.dilates(),
              pad,
              pad),
          Dnnl.ENGINE,
          hint);
      datas.add(new Way(pd, new convolution_backward_data(pd)));
      convGradient = new DnnlWeightGradient(stream, shape, weights, bias != null, hint, single);
    } else {
      inner_product_forward.primitive_desc hint =
          (inner_product_forward.primitive_desc) ((Way) forward.way()).pd();
      for (memory.format_tag t : layouts) {
        inner_product_backward_data.primitive_desc pd =
            new inner_product_backward_data.primitive_desc(
                new inner_product_backward_data.desc(
                    Dnnl.desc(src, false), weightsDesc(t), Dnnl.desc(dst, false)),
                Dnnl.ENGINE,
                hint);
        datas.add(new Way(pd, new inner_product_backward_data(pd)));
        inner_product_backward_weights.desc wd = bias != null
            ? new inner_product_backward_weights.desc(
                Dnnl.desc(src, false),
                weightsDesc(t),
                Dnnl.desc(bias, false),
                Dnnl.desc(dst, false))
            : new inner_product_backward_weights.desc(
                Dnnl.desc(src, false), weightsDesc(t), Dnnl.desc(dst, false));
        inner_product_backward_weights.primitive_desc gpd =
            new inner_product_backward_weights.primitive_desc(wd, Dnnl.ENGINE, hint);
        gradients.add(new Way(gpd, new inner_product_backward_weights(gpd)));
      }
      // Without a race (Threads.oneThread), plain row-major weights for the weight gradient:
      // oneDNN's gemm
      // beat its brgemm there by up to 2x on every linear layer of the zoo; the forward and data
      // passes are
      // within microseconds either way and keep oneDNN's own layout.
      gradient = new Fastest(gradients, 1);
    }
    data = new Fastest(datas);
  }

  @Override
  public Backend.Prepared prepare(Tensor w) {
    long n = 1;
    for (long d : weights) n *= d;
    if (w.size() != n)
      throw new IllegalArgumentException(
          "weights " + w + " for a layer of " + java.util.Arrays.toString(weights));
    return new PreparedWeights(w);
  }

  /** The PyTorch-layout weights and their copies in the layouts the primitives asked for (kept loaded). */
  private final class PreparedWeights implements Backend.Prepared {
    private final memory user;
    private final List<memory.desc> descs = new ArrayList<>();
    private final List<memory> copies = new ArrayList<>();
    private final List<Dnnl.Reorder> calls = new ArrayList<>();

    PreparedWeights(Tensor w) {
      // The PyTorch layout is oneDNN's plain one for these dimensions (goihw for groups).
      user = new memory(Dnnl.desc(weights, false), Dnnl.ENGINE, w.address());
    }

    /** The weights in this layout: the user's memory itself when it is plain, else a copy made (and kept loaded) on first use. */
    memory in(memory.desc d) {
      if (d.equals(user.get_desc())) return user;
      for (int i = 0; i < descs.size(); i++) if (descs.get(i).equals(d)) return copies.get(i);
      memory m = new memory(d, Dnnl.ENGINE);
      Dnnl.Reorder call = new Dnnl.Reorder(user, m);
      call.run(stream);
      descs.add(d);
      copies.add(m);
      calls.add(call);
      return m;
    }

    @Override
    public void load() {
      for (Dnnl.Reorder c : calls) c.run(stream);
    }

    @Override
    public void close() {
      for (Dnnl.Reorder r : calls) r.close();
      for (memory m : copies) m.close();
      user.close();
    }
  }

  @Override
  public void forward(Tensor x, Backend.Prepared w, Tensor b, Tensor y) {
    forward.run(
        stream,
        i -> {
          Way way = forwards.get(i);
          memory wm = ((PreparedWeights) w).in(way.pd().weights_desc());
          calls
              .<Dnnl.Call>get(
                  () -> {
                    Dnnl.Call c = new Dnnl.Call(way.prim(), single)
                        .arg(DNNL_ARG_SRC, x.memory())
                        .arg(DNNL_ARG_WEIGHTS, wm)
                        .arg(DNNL_ARG_DST, y.memory());
                    if (bias != null) c.arg(DNNL_ARG_BIAS, b.memory());
                    return c;
                  },
                  "fwd",
                  i,
                  x,
                  y,
                  b,
                  w)
              .run(stream);
        },
        post.sum() ? y : null);
  }

  @Override
  public void forwardAdd(Tensor x, Backend.Prepared w, Tensor y) {
    if (add == null) {
      adds = new ArrayList<>();
      for (memory.format_tag t : layouts) {
        adds.add(Threads.make(
            single,
            () -> forwardWay(
                t,
                false,
                new Backend.Post(Backend.Activation.Kind.NONE, true),
                prop_kind.forward_inference)));
      }
      add = new Fastest(adds);
    }
    add.run(
        stream,
        i -> {
          Way way = adds.get(i);
          memory wm = ((PreparedWeights) w).in(way.pd().weights_desc());
          calls
              .<Dnnl.Call>get(
                  () -> new Dnnl.Call(way.prim(), single)
                      .arg(DNNL_ARG_SRC, x.memory())
                      .arg(DNNL_ARG_WEIGHTS, wm)
                      .arg(DNNL_ARG_DST, y.memory()),
                  "add",
                  i,
                  x,
                  y,
                  w)
              .run(stream);
        },
        y);
  }

  @Override
  public void backwardData(Tensor dy, Backend.Prepared w, Tensor dx) {
    backwardPrimitives();
    data.run(stream, i -> {
      Way way = datas.get(i);
      memory wm = ((PreparedWeights) w).in(way.pd().weights_desc());
      calls
          .<Dnnl.Call>get(
              () -> new Dnnl.Call(way.prim(), single)
                  .arg(DNNL_ARG_DIFF_DST, dy.memory())
                  .arg(DNNL_ARG_WEIGHTS, wm)
                  .arg(DNNL_ARG_DIFF_SRC, dx.memory()),
              "data",
              i,
              dy,
              dx,
              w)
          .run(stream);
    });
  }

  @Override
  public void backwardWeights(Tensor x, Tensor dy, Tensor dw, Tensor db) {
    backwardPrimitives();
    if (convGradient != null) {
      convGradient.run(x, dy, dw, db);
      return;
    }
    gradient.run(stream, i -> {
      Way way = gradients.get(i);
      memory user = calls.get(
          () -> keep(new memory(Dnnl.desc(weights, false), Dnnl.ENGINE, dw.address())), "user", dw);
      boolean plain = way.pd().diff_weights_desc().equals(user.get_desc());
      memory out = plain
          ? user
          : calls.get(() -> keep(new memory(way.pd().diff_weights_desc(), Dnnl.ENGINE)), "grad", i);
      calls
          .<Dnnl.Call>get(
              () -> {
                Dnnl.Call c = new Dnnl.Call(way.prim(), single)
                    .arg(DNNL_ARG_SRC, x.memory())
                    .arg(DNNL_ARG_DIFF_DST, dy.memory())
                    .arg(DNNL_ARG_DIFF_WEIGHTS, out);
                if (bias != null) c.arg(DNNL_ARG_DIFF_BIAS, db.memory());
                return c;
              },
              "weights",
              i,
              x,
              dy,
              db,
              dw)
          .run(stream);
      if (!plain)
        calls
            .<Dnnl.Reorder>get(() -> keep(new Dnnl.Reorder(out, user)), "out", i, dw)
            .run(stream);
    });
  }

  private <T extends AutoCloseable> T keep(T t) {
    made.add(t);
    return t;
  }

  @Override
  public String describe() {
    String s = ((Way) forward.way()).pd().impl_info_str().getString();
    if (data != null) {
      s += " / " + ((Way) data.way()).pd().impl_info_str().getString() + " / "
          + (convGradient != null
              ? convGradient.describe()
              : ((Way) gradient.way()).pd().impl_info_str().getString());
    }
    return s;
  }

  @Override
  public void close() {
    Dnnl.closeAll(made);
    forward.close();
    if (add != null) add.close();
    if (data != null) data.close();
    if (gradient != null) gradient.close();
    if (convGradient != null) convGradient.close();
  }
}
