package bitlab.onnx;

import bitlab.model.Op;
import bitlab.model.Shape;
import bitlab.onnx.GraphImporter.Dyn;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** MaxPool and AveragePool, and the window arithmetic they share with Conv: strides, padding, ceil mode. */
final class Pools {
  private Pools() {}

  static void pool(GraphImporter g, Call c) {
    c.onlyFirstOutputUsed();
    Attributes a = c.attrs();
    Dyn x = c.image(0);
    long[] k = a.ints("kernel_shape", null);
    if (k == null || k.length != 2) {
      throw new OnnxFormatException("ONNX node " + c.label() + " lacks a 2-D kernel_shape; the file is malformed.");
    }
    if (k[0] != k[1]) throw a.unsupported("kernel_shape", k, "square kernels");
    requireOnes(c, "dilations");
    int stride = stride(c);
    boolean ceil = a.integer("ceil_mode", 0) != 0;
    int[] pads = pads(c, x.shape(), (int) k[0], (int) k[1], stride, ceil);
    int kernel = (int) k[0];
    if (pads[0] != pads[1]) throw a.unsupported("pads", rawPads(a), "the same padding for height and width");
    Op op;
    if (c.opType().equals("MaxPool")) {
      op = new Op.MaxPool(kernel, stride, pads[0]);
    } else {
      if (pads[0] > 0 && a.integer("count_include_pad", 0) != 0) {
        throw a.unsupported("count_include_pad", "1", "0 when padding is used (bitlab averages over the real cells only; "
            + "in PyTorch use AvgPool2d(count_include_pad=False))");
      }
      op = new Op.AvgPool(kernel, stride, pads[0]);
    }
    c.out(g.emit(c, op, List.of(x), Map.of(), false));
  }

  /** The stride, which must be the same along height and width. */
  static int stride(Call c) {
    long[] s = c.attrs().ints("strides", new long[] {1, 1});
    if (s.length != 2 || s[0] != s[1] || s[0] <= 0) throw c.attrs().unsupported("strides", s, "one positive stride for height and width");
    return (int) s[0];
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
  static int[] pads(Call c, Shape x, int kH, int kW, int stride, boolean ceil) {
    Attributes a = c.attrs();
    String auto = a.string("auto_pad", "NOTSET");
    int[] in = {x.height(), x.width()};
    int[] k = {kH, kW};
    long[] p = new long[4];
    switch (auto) {
      case "NOTSET" -> {
        p = a.ints("pads", p);
        if (p.length != 4) throw a.unsupported("pads", p, "four values [top, left, bottom, right]");
      }
      case "VALID" -> { }
      case "SAME_UPPER", "SAME_LOWER" -> {
        for (int i = 0; i < 2; i++) {
          long out = (in[i] + stride - 1) / stride;
          long total = Math.max(0, (out - 1) * stride + k[i] - in[i]);
          long small = total / 2;
          p[i] = auto.equals("SAME_UPPER") ? small : total - small;
          p[i + 2] = total - p[i];
        }
      }
      default -> throw a.unsupported("auto_pad", auto, "NOTSET, VALID, SAME_UPPER or SAME_LOWER");
    }
    int[] sym = new int[2];
    for (int i = 0; i < 2; i++) {
      long begin = p[i];
      long end = p[i + 2];
      if (begin < 0 || end < 0) throw a.unsupported("pads", p, "non-negative padding");
      long span = in[i] + begin + end - k[i];
      long wanted = (ceil ? Math.floorDiv(span + stride - 1, stride) : Math.floorDiv(span, stride)) + 1;
      long symmetric = Math.floorDiv(in[i] + 2 * begin - k[i], stride) + 1;
      if (begin > end || wanted != symmetric) {
        String what = ceil && begin == end ? "ceil_mode" : "pads";
        String value = ceil && begin == end ? "1" : Arrays.toString(p);
        throw a.unsupported(what, value, ceil && begin == end
            ? "0, or sizes where rounding up adds no window"
            : "symmetric padding, or extra padding at the end that no window reaches");
      }
      sym[i] = (int) begin;
    }
    return sym;
  }

  private static long[] rawPads(Attributes a) {
    return a.ints("pads", new long[4]);
  }
}
