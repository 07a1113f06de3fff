package bitlab.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.TensorProto.DataType;

/**
 * Constant folding: nodes whose inputs are all constants are evaluated while importing. This covers
 * the shape arithmetic PyTorch emits around Reshape ({@code Shape -> Gather -> Unsqueeze -> Concat}),
 * in which the batch dimension is carried as {@link Const#BATCH}.
 */
final class Folding {
  private Folding() {}

  static Const fold(Call c) {
    return switch (c.opType()) {
      case "Constant" -> constant(c);
      case "ConstantOfShape" -> constantOfShape(c);
      case "Identity", "Dropout" -> c.constant(0, "input");
      case "Shape" -> shape(c, c.constant(0, "input").dims());
      case "Gather" -> gather(c);
      case "Unsqueeze" -> unsqueeze(c);
      case "Squeeze" -> squeeze(c);
      case "Concat" -> concat(c);
      case "Slice" -> slice(c);
      case "Cast" -> cast(c);
      case "Reshape" -> reshape(c);
      case "Flatten" -> flatten(c);
      case "Add", "Sub", "Mul", "Div" -> arithmetic(c);
      default ->
        throw new UnsupportedOperatorException(
            c.display(),
            c.opType(),
            " on constant inputs (bitlab folds only "
                + "Constant, ConstantOfShape, Identity, Shape, Gather, Unsqueeze, Squeeze, Concat, Slice, Cast, Reshape, Flatten, Add, Sub, Mul and Div)");
    };
  }

  /** The value of {@code Shape} on a tensor of these dimensions, with opset 15's start and end. */
  static Const shape(Call c, long[] dims) {
    int r = dims.length;
    int start = (int) clampAxis(c.attrs().integer("start", 0), r);
    int end = (int) clampAxis(c.attrs().integer("end", r), r);
    return Const.vector(Arrays.copyOfRange(dims, start, Math.max(start, end)));
  }

  private static long clampAxis(long a, int r) {
    if (a < 0) a += r;
    return Math.max(0, Math.min(r, a));
  }

  private static Const constant(Call c) {
    Attributes a = c.attrs();
    if (a.has("value")) return Tensors.read(a.raw("value").getT(), c.proto().getOutput(0), null);
    if (a.has("value_float"))
      return Const.floats(new long[0], new float[] {a.raw("value_float").getF()});
    if (a.has("value_int")) return Const.scalar(a.raw("value_int").getI());
    if (a.has("value_ints")) return Const.vector(a.ints("value_ints", new long[0]));
    AttributeProto f = a.raw("value_floats");
    if (f != null) {
      float[] v = new float[f.getFloatsCount()];
      for (int i = 0; i < v.length; i++) v[i] = f.getFloats(i);
      return Const.floats(new long[] {v.length}, v);
    }
    throw c.attrs()
        .unsupported(
            "its value", "a sparse or string tensor", "value, value_float(s) or value_int(s)");
  }

  /** A tensor of the given shape filled with the {@code value} attribute's one element (0.0f when absent). */
  private static Const constantOfShape(Call c) {
    long[] dims = c.constant(0, "input (the shape)").asLongs();
    long n = 1;
    for (long d : dims) {
      if (d < 0 || d == Const.BATCH)
        throw c.attrs()
            .unsupported("the shape", java.util.Arrays.toString(dims), "fixed non-negative sizes");
      n *= d;
      if (n > Integer.MAX_VALUE)
        throw c.attrs()
            .unsupported("the shape", java.util.Arrays.toString(dims), "fewer than 2^31 elements");
    }
    Const fill = c.attrs().has("value")
        ? Tensors.read(c.attrs().raw("value").getT(), c.proto().getOutput(0) + " fill", null)
        : null;
    if (fill != null && fill.size() != 1)
      throw c.attrs().unsupported("value", fill.describe(), "a one-element tensor");
    if (fill != null && fill.integer()) {
      long[] v = new long[(int) n];
      Arrays.fill(v, fill.longs()[0]);
      return Const.longs(dims, v);
    }
    float[] v = new float[(int) n];
    Arrays.fill(v, fill == null ? 0f : fill.floats()[0]);
    return Const.floats(dims, v);
  }

  private static Const gather(Call c) {
    Const data = c.constant(0, "data");
    Const idx = c.constant(1, "indices");
    int r = data.rank();
    long axis = c.attrs().integer("axis", 0);
    if (axis < 0) axis += r;
    if (r == 0 || axis < 0 || axis >= r)
      throw c.attrs()
          .unsupported("axis", String.valueOf(axis), "an axis of the rank-" + r + " data");
    long[] d = data.dims();
    int outer = (int) prod(d, 0, (int) axis);
    int inner = (int) prod(d, (int) axis + 1, r);
    long n = d[(int) axis];
    long[] ix = idx.asLongs();
    long[] outDims = concat(
        Arrays.copyOfRange(d, 0, (int) axis), idx.dims(), Arrays.copyOfRange(d, (int) axis + 1, r));
    int total = outer * ix.length * inner;
    long[] lv = data.integer() ? new long[total] : null;
    float[] fv = data.integer() ? null : new float[total];
    int o = 0;
    for (int a = 0; a < outer; a++) {
      for (long i : ix) {
        long j = i < 0 ? i + n : i;
        if (j < 0 || j >= n)
          throw c.attrs()
              .unsupported("index", String.valueOf(i), "indices within the " + n + " entries");
        int from = (int) ((a * n + j) * inner);
        if (lv != null) System.arraycopy(data.longs(), from, lv, o, inner);
        else System.arraycopy(data.floats(), from, fv, o, inner);
        o += inner;
      }
    }
    return lv != null ? Const.longs(outDims, lv) : Const.floats(outDims, fv);
  }

  private static long[] axes(Call c, int input) {
    if (c.opset() < 13) return c.attrs().ints("axes", null);
    return c.present(input) ? c.constant(input, "axes").asLongs() : null;
  }

  private static Const unsqueeze(Call c) {
    Const x = c.constant(0, "data");
    long[] ax = axes(c, 1);
    if (ax == null)
      throw new OnnxFormatException(
          "ONNX node " + c.label() + " has no axes; the file is malformed.");
    int r = x.rank() + ax.length;
    boolean[] inserted = new boolean[r];
    for (long a : ax) {
      long at = a < 0 ? a + r : a;
      if (at < 0 || at >= r || inserted[(int) at])
        throw c.attrs().unsupported("axes", ax, "distinct axes within the output's rank " + r);
      inserted[(int) at] = true;
    }
    long[] d = new long[r];
    for (int i = 0, j = 0; i < r; i++) d[i] = inserted[i] ? 1 : x.dims()[j++];
    return x.reshape(d);
  }

  private static Const squeeze(Call c) {
    Const x = c.constant(0, "data");
    long[] ax = axes(c, 1);
    if (ax != null) {
      for (long a : ax) {
        long at = a < 0 ? a + x.rank() : a;
        if (at < 0 || at >= x.rank() || x.dims()[(int) at] != 1)
          throw c.attrs()
              .unsupported(
                  "axes",
                  ax,
                  "axes of size-1 dimensions of its input of shape " + Arrays.toString(x.dims()));
      }
    }
    List<Long> d = new ArrayList<>();
    for (int i = 0; i < x.rank(); i++) {
      boolean drop = false;
      if (ax == null) drop = x.dims()[i] == 1;
      else for (long a : ax) drop |= (a < 0 ? a + x.rank() : a) == i;
      if (!drop) d.add(x.dims()[i]);
    }
    return x.reshape(d.stream().mapToLong(Long::longValue).toArray());
  }

  private static Const concat(Call c) {
    List<Const> in = new ArrayList<>();
    for (int i = 0; i < c.inputs(); i++)
      if (c.present(i)) in.add(c.constant(i, "input " + (i + 1)));
    Const first = in.get(0);
    int r = first.rank();
    long axis = c.attrs().integer("axis", 0);
    if (axis < 0) axis += r;
    int ax = (int) axis;
    long[] d = first.dims().clone();
    d[ax] = 0;
    boolean integer = true;
    for (Const k : in) {
      d[ax] += k.dims()[ax];
      integer &= k.integer();
    }
    int outer = (int) prod(d, 0, ax);
    int inner = (int) prod(d, ax + 1, r);
    int total = (int) prod(d, 0, r);
    long[] lv = integer ? new long[total] : null;
    float[] fv = integer ? null : new float[total];
    int o = 0;
    for (int a = 0; a < outer; a++) {
      for (Const k : in) {
        int block = (int) (k.dims()[ax] * inner);
        if (integer) System.arraycopy(k.longs(), a * block, lv, o, block);
        else System.arraycopy(k.asFloats(), a * block, fv, o, block);
        o += block;
      }
    }
    return integer ? Const.longs(d, lv) : Const.floats(d, fv);
  }

  private static Const slice(Call c) {
    Const x = c.constant(0, "data");
    if (x.rank() != 1)
      throw new UnsupportedOperatorException(
          c.display(), "Slice", " on a rank-" + x.rank() + " constant (bitlab folds 1-D slices)");
    long start;
    long end;
    long step = 1;
    if (c.opset() < 10) {
      start = one(c, "starts", c.attrs().ints("starts", new long[] {0}));
      end = one(c, "ends", c.attrs().ints("ends", new long[] {Long.MAX_VALUE}));
      long[] axes = c.attrs().ints("axes", new long[] {0});
      if (axes.length != 1 || (axes[0] != 0 && axes[0] != -1))
        throw c.attrs().unsupported("axes", axes, "axis 0 of the 1-D constant");
    } else {
      start = c.longConstant(1, "starts");
      end = c.longConstant(2, "ends");
      if (c.present(3)) {
        long axis = c.longConstant(3, "axes");
        if (axis != 0 && axis != -1)
          throw c.attrs().unsupported("axes", String.valueOf(axis), "axis 0 of the 1-D constant");
      }
      if (c.present(4)) step = c.longConstant(4, "steps");
    }
    int n = x.size();
    if (step == 0) throw c.attrs().unsupported("steps", "0", "a non-zero step");
    start = start < 0 ? start + n : start;
    end = end < 0 ? end + n : end;
    start = step > 0 ? Math.max(0, Math.min(n, start)) : Math.max(-1, Math.min(n - 1, start));
    end = step > 0 ? Math.max(0, Math.min(n, end)) : Math.max(-1, Math.min(n - 1, end));
    List<Integer> picked = new ArrayList<>();
    for (long i = start; step > 0 ? i < end : i > end; i += step) picked.add((int) i);
    long[] dims = {picked.size()};
    if (x.integer())
      return Const.longs(dims, picked.stream().mapToLong(i -> x.longs()[i]).toArray());
    float[] f = new float[picked.size()];
    for (int i = 0; i < f.length; i++) f[i] = x.floats()[picked.get(i)];
    return Const.floats(dims, f);
  }

  /** The one value of a list attribute that must hold one (a folded Slice's bounds before opset 10). */
  private static long one(Call c, String attribute, long[] v) {
    if (v.length != 1) throw c.attrs().unsupported(attribute, v, "a single value");
    return v[0];
  }

  private static Const cast(Call c) {
    Const x = c.constant(0, "input");
    int to = (int) c.attrs().integer("to", 0);
    boolean toFloat =
        to == DataType.FLOAT_VALUE || to == DataType.DOUBLE_VALUE || to == DataType.FLOAT16_VALUE;
    return toFloat ? Const.floats(x.dims(), x.asFloats()) : Const.longs(x.dims(), x.asLongs());
  }

  private static Const reshape(Call c) {
    Const x = c.constant(0, "data");
    long[] t = c.constant(1, "shape").asLongs().clone();
    long[] given = t.clone();
    boolean copyZero = c.attrs().integer("allowzero", 0) == 0;
    int free = -1;
    long known = 1;
    for (int i = 0; i < t.length; i++) {
      if (t[i] == 0 && copyZero) {
        if (i >= x.rank()) throw reshapeMismatch(c, given, x);
        t[i] = x.dims()[i];
      }
      if (t[i] == -1 && free < 0) free = i;
      else if (t[i] < 0 || (known = multiply(known, t[i])) < 0) throw reshapeMismatch(c, given, x);
    }
    if (free >= 0) t[free] = known == 0 ? 0 : x.size() / known;
    if (multiply(known, free >= 0 ? t[free] : 1) != x.size()) throw reshapeMismatch(c, given, x);
    return x.reshape(t);
  }

  /** {@code a * b}, or -1 when it overflows. */
  private static long multiply(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return -1;
    }
  }

  private static UnsupportedAttributeException reshapeMismatch(Call c, long[] shape, Const x) {
    return c.attrs()
        .unsupported(
            "shape",
            shape,
            "a shape of its input's " + x.size() + " values (shape " + Arrays.toString(x.dims())
                + "), with at most one -1");
  }

  /** Add, Sub, Mul and Div of two constants with NumPy broadcasting; integers divide truncating, as ONNX Runtime does. */
  private static Const arithmetic(Call c) {
    Const a = c.constant(0, "A");
    Const b = c.constant(1, "B");
    for (Const k : List.of(a, b)) {
      if (k.integer() && Arrays.stream(k.longs()).anyMatch(v -> v == Const.BATCH)) {
        throw c.attrs()
            .unsupported(
                "an operand", k.describe(), "constants that do not depend on the batch size");
      }
    }
    int r = Math.max(a.rank(), b.rank());
    long[] d = new long[r];
    for (int i = 0; i < r; i++) {
      long x = dim(a, i, r);
      long y = dim(b, i, r);
      if (x != y && x != 1 && y != 1) {
        throw new OnnxFormatException("ONNX node " + c.label() + " combines constants of shapes "
            + Arrays.toString(a.dims()) + " and " + Arrays.toString(b.dims())
            + ", which do not broadcast; the file is malformed.");
      }
      d[i] = Math.max(x, y);
    }
    long total = 1;
    for (long x : d) {
      total *= x;
      if (total > Integer.MAX_VALUE)
        throw c.attrs()
            .unsupported("the broadcast shape", Arrays.toString(d), "fewer than 2^31 elements");
    }
    int n = (int) total;
    boolean integer = a.integer() && b.integer();
    long[] lv = integer ? new long[n] : null;
    float[] fv = integer ? null : new float[n];
    String op = c.opType();
    for (int o = 0; o < n; o++) {
      int ia = source(a, d, o);
      int ib = source(b, d, o);
      if (integer) {
        long x = a.longs()[ia];
        long y = b.longs()[ib];
        if (op.equals("Div") && y == 0)
          throw c.attrs().unsupported("the divisor", b.describe(), "non-zero integers");
        lv[o] = switch (op) {
          case "Add" -> x + y;
          case "Sub" -> x - y;
          case "Mul" -> x * y;
          default -> x / y;
        };
      } else {
        float x = a.asFloats()[ia];
        float y = b.asFloats()[ib];
        fv[o] = switch (op) {
          case "Add" -> x + y;
          case "Sub" -> x - y;
          case "Mul" -> x * y;
          default -> x / y;
        };
      }
    }
    return integer ? Const.longs(d, lv) : Const.floats(d, fv);
  }

  /** Dimension {@code i} of {@code k} right-aligned to rank {@code r} (1 where it has none). */
  private static long dim(Const k, int i, int r) {
    int j = i - (r - k.rank());
    return j < 0 ? 1 : k.dims()[j];
  }

  /** The index into {@code k} that output element {@code o} of shape {@code d} reads under broadcasting. */
  private static int source(Const k, long[] d, int o) {
    int r = d.length;
    long index = 0;
    long stride = 1;
    long rest = o;
    for (int i = r - 1; i >= 0; i--) {
      long coord = rest % d[i];
      rest /= d[i];
      long kd = dim(k, i, r);
      if (kd != 1) index += coord * stride;
      stride *= kd;
    }
    return (int) index;
  }

  private static Const flatten(Call c) {
    Const x = c.constant(0, "input");
    long axis = c.attrs().integer("axis", 1);
    if (axis < 0) axis += x.rank();
    return x.reshape(prod(x.dims(), 0, (int) axis), prod(x.dims(), (int) axis, x.rank()));
  }

  private static long prod(long[] d, int from, int to) {
    long p = 1;
    for (int i = from; i < to; i++) p *= d[i];
    return p;
  }

  private static long[] concat(long[]... parts) {
    return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
  }
}
