package bitlab.onnx;

import bitlab.model.Op;
import bitlab.onnx.GraphImporter.Dyn;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Channel shuffles and channel slices: ShuffleNet's {@code Reshape [N, g, C/g, H, W] -> Transpose [0, 2, 1, 3, 4] ->
 * Reshape [N, C, H, W]} becomes one ChannelShuffle (the 5-D values in between are {@link Grouped} markers, never
 * tensors of bitlab's graph), and Split or Slice along the channels become ChannelSlices.
 */
final class Channels {
  private Channels() {}

  /** A feature map seen as {@code [N, groups, C/groups, H, W]}, transposed to {@code [N, C/groups, groups, H, W]} or not. */
  record Grouped(Dyn x, int groups, boolean transposed) {}

  /** Whether a Reshape is part of a channel shuffle (to 5-D, or back from a grouped value); handles it if so. */
  static boolean reshape(GraphImporter g, Call c) {
    Object in = c.in(0);
    long[] t = c.constant(1, "shape").asLongs();
    if (in instanceof Grouped gr) {
      int[] d = gr.x().shape().dims();
      boolean back = t.length == 4
          && batch(g, c, t[0])
          && (t[1] == d[0] || t[1] == -1)
          && t[2] == d[1]
          && t[3] == d[2];
      if (!back) {
        throw c.attrs()
            .unsupported(
                "the target shape",
                Arrays.toString(t),
                "[N, " + d[0] + ", " + d[1] + ", " + d[2] + "] (the end of a channel shuffle)");
      }
      c.out(
          gr.transposed()
              ? g.emit(c, new Op.ChannelShuffle(gr.groups()), List.of(gr.x()), Map.of(), false)
              : gr.x());
      return true;
    }
    if (t.length != 5 || !(in instanceof Dyn x) || !x.shape().isImage() || x.pooled()) return false;
    int[] d = x.shape().dims();
    long groups = t[1] == -1 && t[2] > 0 ? d[0] / t[2] : t[1];
    long per = t[2] == -1 && t[1] > 0 ? d[0] / t[1] : t[2];
    if (!batch(g, c, t[0]) || groups <= 1 || groups * per != d[0] || t[3] != d[1] || t[4] != d[2]) {
      throw c.attrs()
          .unsupported(
              "the target shape",
              Arrays.toString(t),
              "[N, groups, " + d[0] + "/groups, " + d[1] + ", " + d[2]
                  + "] (the start of a channel shuffle)");
    }
    c.out(new Grouped(x, (int) groups, false));
    return true;
  }

  private static boolean batch(GraphImporter g, Call c, long n) {
    return n == Const.BATCH
        || (n == 0 && c.attrs().integer("allowzero", 0) == 0)
        || (n > 0 && n == g.declaredBatch())
        || n == -1;
  }

  static void transpose(GraphImporter g, Call c) {
    Object in = c.in(0);
    long[] perm = c.attrs().ints("perm", null);
    if (in instanceof Grouped gr
        && perm != null
        && Arrays.equals(perm, new long[] {0, 2, 1, 3, 4})) {
      c.out(new Grouped(gr.x(), gr.groups(), !gr.transposed()));
      return;
    }
    throw c.attrs()
        .unsupported(
            "perm",
            perm == null ? "reversed axes" : Arrays.toString(perm),
            "[0, 2, 1, 3, 4] on a Reshape to [N, groups, C/groups, H, W] (a channel shuffle); bitlab's graph keeps activations N x C x H x W");
  }

  /** Split along the channels: one ChannelSlice per output. */
  static void split(GraphImporter g, Call c) {
    Dyn x = c.image(0);
    long axis = c.attrs().integer("axis", 0);
    if (axis < 0) axis += 4;
    if (axis != 1)
      throw c.attrs()
          .unsupported("axis", String.valueOf(c.attrs().integer("axis", 0)), "1 (channels)");
    int outputs = c.proto().getOutputCount();
    int channels = x.shape().channels();
    long[] sizes = c.opset() < 13
        ? c.attrs().ints("split", null)
        : (c.present(1) ? c.constant(1, "split").asLongs() : null);
    if (sizes == null) {
      if (channels % outputs != 0)
        throw c.attrs()
            .unsupported("split", "equal parts", "parts that divide the " + channels + " channels");
      sizes = new long[outputs];
      Arrays.fill(sizes, channels / outputs);
    }
    if (sizes.length != outputs
        || Arrays.stream(sizes).sum() != channels
        || Arrays.stream(sizes).anyMatch(v -> v <= 0 || v > channels)) {
      throw new OnnxFormatException(
          "ONNX node " + c.label() + " splits " + channels + " channels into "
              + Arrays.toString(sizes) + " for " + outputs + " outputs; the file is malformed.");
    }
    int start = 0;
    for (int i = 0; i < outputs; i++) {
      String out = c.proto().getOutput(i);
      if (!out.isEmpty() && g.uses(out) > 0)
        g.define(
            out,
            g.emit(c, new Op.ChannelSlice(start, (int) sizes[i]), List.of(x), Map.of(), false));
      start += (int) sizes[i];
    }
  }

  /** Slice of an activation along the channels (step 1): a ChannelSlice. */
  static void slice(GraphImporter g, Call c) {
    Dyn x = c.image(0);
    long[] starts;
    long[] ends;
    long[] axes;
    long[] steps = null;
    if (c.opset() < 10) {
      starts = c.attrs().ints("starts", null);
      ends = c.attrs().ints("ends", null);
      axes = c.attrs().ints("axes", null);
      if (starts == null || ends == null) {
        throw new OnnxFormatException(
            "ONNX node " + c.label() + " lacks its starts or ends; the file is malformed.");
      }
    } else {
      starts = c.constant(1, "starts").asLongs();
      ends = c.constant(2, "ends").asLongs();
      axes = c.present(3) ? c.constant(3, "axes").asLongs() : null;
      if (c.present(4)) steps = c.constant(4, "steps").asLongs();
    }
    if (axes == null) {
      axes = new long[starts.length];
      for (int i = 0; i < axes.length; i++) axes[i] = i;
    }
    int channels = x.shape().channels();
    boolean plain = starts.length == 1
        && ends.length == 1
        && axes.length == 1
        && (axes[0] == 1 || axes[0] == -3)
        && (steps == null || (steps.length == 1 && steps[0] == 1));
    if (!plain) {
      throw c.attrs()
          .unsupported(
              "axes", Arrays.toString(axes), "one slice along the channels (axis 1) with step 1");
    }
    long s = starts[0] < 0 ? starts[0] + channels : starts[0];
    long e = ends[0] < 0 ? ends[0] + channels : Math.min(ends[0], channels);
    s = Math.max(0, Math.min(channels, s));
    if (e <= s)
      throw c.attrs().unsupported("ends", String.valueOf(ends[0]), "an end after the start " + s);
    c.out(g.emit(c, new Op.ChannelSlice((int) s, (int) (e - s)), List.of(x), Map.of(), false));
  }
}
