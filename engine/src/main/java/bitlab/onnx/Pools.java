package bitlab.onnx;

import bitlab.model.Op;
import bitlab.model.Shape;
import bitlab.onnx.GraphImporter.Dyn;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** MaxPool and AveragePool (any kernel, a stride per axis, padding per side, ceil mode), and the padding arithmetic Conv shares. */
final class Pools {
  private Pools() {}

  static void pool(GraphImporter g, Call c) {
    c.onlyFirstOutputUsed();
    Attributes a = c.attrs();
    Dyn x = c.image(0);
    long[] k = a.ints("kernel_shape", null);
    if (k == null || k.length != 2) {
      throw new OnnxFormatException(
          "ONNX node " + c.label() + " lacks a 2-D kernel_shape; the file is malformed.");
    }
    requireOnes(c, "dilations");
    int[] st = strides(c);
    long[] s = {st[0], st[1]};
    boolean ceil = a.integer("ceil_mode", 0) != 0;
    int[] p = window(c, x.shape(), k, s, ceil);
    Op.Window w =
        new Op.Window((int) k[0], (int) k[1], (int) s[0], (int) s[1], p[0], p[1], p[2], p[3]);
    Op op;
    if (c.opType().equals("MaxPool")) {
      op = new Op.MaxPool(w);
    } else {
      boolean padded = p[0] + p[1] + p[2] + p[3] > 0;
      if (padded && a.integer("count_include_pad", 0) != 0) {
        throw a.unsupported(
            "count_include_pad",
            "1",
            "0 when padding is used (bitlab averages over the real cells only; "
                + "in PyTorch use AvgPool2d(count_include_pad=False))");
      }
      op = new Op.AvgPool(w);
    }
    c.out(g.emit(c, op, List.of(x), Map.of(), false));
  }

  /**
   * A pooling's padding {@code [top, left, bottom, right]} with {@code auto_pad} resolved and ceil mode turned into
   * padding at the end (ONNX Runtime's and PyTorch's rule: rounding up adds a window only if it starts inside the input
   * or its leading padding).
   */
  private static int[] window(Call c, Shape x, long[] k, long[] s, boolean ceil) {
    Attributes a = c.attrs();
    long[] p =
        given(c, new int[] {x.height(), x.width()}, new int[] {(int) k[0], (int) k[1]}, new int[] {
          (int) s[0], (int) s[1]
        });
    int[] in = {x.height(), x.width()};
    int[] out = new int[4];
    for (int i = 0; i < 2; i++) {
      long begin = p[i];
      long end = p[i + 2];
      if (begin < 0 || end < 0) throw a.unsupported("pads", p, "non-negative padding");
      if (ceil) {
        long n = Math.floorDiv(in[i] + begin + end - k[i] + s[i] - 1, s[i]) + 1;
        if ((n - 1) * s[i] >= in[i] + begin) n--;
        end = Math.max(end, (n - 1) * s[i] + k[i] - in[i] - begin);
      }
      out[i] = (int) begin;
      out[i + 2] = (int) end;
    }
    return out;
  }

  /** The padding as written, or as {@code auto_pad} SAME_UPPER/SAME_LOWER/VALID makes it: {@code [top, left, bottom, right]}. */
  private static long[] given(Call c, int[] in, int[] k, int[] stride) {
    Attributes a = c.attrs();
    String auto = a.string("auto_pad", "NOTSET");
    long[] p = new long[4];
    switch (auto) {
      case "NOTSET" -> {
        p = a.ints("pads", p);
        if (p.length != 4) throw a.unsupported("pads", p, "four values [top, left, bottom, right]");
      }
      case "VALID" -> {}
      case "SAME_UPPER", "SAME_LOWER" -> {
        for (int i = 0; i < 2; i++) {
          long out = (in[i] + stride[i] - 1) / stride[i];
          long total = Math.max(0, (out - 1) * stride[i] + k[i] - in[i]);
          long small = total / 2;
          p[i] = auto.equals("SAME_UPPER") ? small : total - small;
          p[i + 2] = total - p[i];
        }
      }
      default -> throw a.unsupported("auto_pad", auto, "NOTSET, VALID, SAME_UPPER or SAME_LOWER");
    }
    return p;
  }

  /** The strides {@code [height, width]}: two positive numbers, 1 when absent. */
  static int[] strides(Call c) {
    long[] s = c.attrs().ints("strides", new long[] {1, 1});
    if (s.length != 2 || s[0] <= 0 || s[1] <= 0)
      throw c.attrs().unsupported("strides", s, "two positive strides (height, width)");
    return new int[] {Math.toIntExact(s[0]), Math.toIntExact(s[1])};
  }

  static void requireOnes(Call c, String attr) {
    long[] d = c.attrs().ints(attr, new long[] {1, 1});
    for (long v : d) if (v != 1) throw c.attrs().unsupported(attr, d, "1 (no dilation)");
  }

  /**
   * The symmetric padding {@code [padH, padW]} equivalent to the node's padding. Asymmetric padding
   * is accepted when the extra cells at the end are never reached by a window (so both give the same
   * windows); {@code auto_pad} SAME_UPPER/SAME_LOWER/VALID are resolved first. With {@code ceil} the
   * output size must not depend on the rounding.
   */
  static int[] pads(Call c, Shape x, int kH, int kW, int[] strides, boolean ceil) {
    Attributes a = c.attrs();
    int[] in = {x.height(), x.width()};
    int[] k = {kH, kW};
    long[] p = given(c, in, k, strides);
    int[] sym = new int[2];
    for (int i = 0; i < 2; i++) {
      long begin = p[i];
      long end = p[i + 2];
      if (begin < 0 || end < 0) throw a.unsupported("pads", p, "non-negative padding");
      long span = in[i] + begin + end - k[i];
      int stride = strides[i];
      long wanted =
          (ceil ? Math.floorDiv(span + stride - 1, stride) : Math.floorDiv(span, stride)) + 1;
      long symmetric = Math.floorDiv(in[i] + 2 * begin - k[i], stride) + 1;
      if (begin > end || wanted != symmetric) {
        String what = ceil && begin == end ? "ceil_mode" : "pads";
        String value = ceil && begin == end ? "1" : Arrays.toString(p);
        throw a.unsupported(
            what,
            value,
            ceil && begin == end
                ? "0, or sizes where rounding up adds no window"
                : "symmetric padding, or extra padding at the end that no window reaches");
      }
      sym[i] = (int) begin;
    }
    return sym;
  }
}
