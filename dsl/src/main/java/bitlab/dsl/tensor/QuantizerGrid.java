package bitlab.dsl.tensor;

import bitlab.dsl.display.Diagram;
import bitlab.dsl.display.Svg;
import bitlab.quant.QuantException;
import java.util.Locale;

/**
 * The affine map of one quantizer as a picture: the real line with a tick at every value a code represents (the
 * grid), the integer codes under it at the same places ({@code x = (code − z)·scale} is a straight line), the
 * clipping range shaded, and each sample value's arrow to the code it rounds to (red when it is clipped).
 */
final class QuantizerGrid {
  private static final int WIDTH = 760;
  private static final int LEFT = 40;
  private static final int RIGHT = 30;
  private static final int REAL_Y = 70;
  private static final int CODE_Y = 160;

  private QuantizerGrid() {}

  static Diagram draw(TensorQuantizer q, double... xs) {
    for (double x : xs)
      if (!Double.isFinite(x))
        throw new QuantException("grid(...) needs finite sample values, got " + x + ".");
    double a = Math.min(q.lo(), 0), b = Math.max(q.hi(), 0);
    for (double x : xs) {
      a = Math.min(a, x);
      b = Math.max(b, x);
    }
    double pad = 0.04 * (b - a);
    double from = a - pad, to = b + pad;
    Svg svg = new Svg(WIDTH, 215);
    java.util.function.DoubleUnaryOperator px =
        v -> LEFT + (v - from) / (to - from) * (WIDTH - LEFT - RIGHT);
    svg.box(
        px.applyAsDouble(q.lo()),
        REAL_Y - 14,
        px.applyAsDouble(q.hi()) - px.applyAsDouble(q.lo()),
        28,
        Svg.PALE,
        Svg.PALE);
    svg.line(LEFT, REAL_Y, WIDTH - RIGHT, REAL_Y, Svg.INK, false);
    svg.line(LEFT, CODE_Y, WIDTH - RIGHT, CODE_Y, Svg.INK, false);
    svg.text(LEFT - 30, REAL_Y - 20, "real values x", 12, "start", true, Svg.INK);
    svg.text(LEFT - 30, CODE_Y + 38, "integer codes", 12, "start", true, Svg.INK);
    int levels = q.levels();
    int every = Math.max(1, (int) Math.ceil(levels / 64.0));
    int labelEvery = Math.max(1, (int) Math.ceil(levels / 16.0));
    for (int c = q.qmin(); c <= q.qmax(); c++) {
      if ((c - q.qmin()) % every != 0 && c != q.qmax()) continue;
      double x = px.applyAsDouble(q.value(c));
      svg.line(x, REAL_Y - 6, x, REAL_Y + 6, Svg.BLUE, false);
      svg.line(x, CODE_Y - 6, x, CODE_Y + 6, Svg.INK, false);
      if ((c - q.qmin()) % labelEvery == 0 || c == q.qmax() || c == q.zeroPoint()) {
        svg.text(x, CODE_Y + 20, Integer.toString(c), 11, "middle", c == q.zeroPoint(), Svg.INK);
      }
    }
    svg.line(px.applyAsDouble(0), REAL_Y - 18, px.applyAsDouble(0), REAL_Y + 18, Svg.MUTED, true);
    svg.text(px.applyAsDouble(0), REAL_Y + 30, "0", 11, "middle", false, Svg.MUTED);
    svg.text(
        px.applyAsDouble(q.lo()), REAL_Y - 18, "lo " + num(q.lo()), 11, "middle", false, Svg.BLUE);
    svg.text(
        px.applyAsDouble(q.hi()), REAL_Y - 18, "hi " + num(q.hi()), 11, "middle", false, Svg.BLUE);
    StringBuilder text = new StringBuilder(q.toString());
    for (double x : xs) {
      int code = q.code(x);
      double back = q.value(code);
      boolean clipped = x < q.lo() || x > q.hi();
      String color = clipped ? Svg.RED : Svg.GREEN;
      svg.dot(px.applyAsDouble(x), REAL_Y, 4, color);
      svg.arrow(px.applyAsDouble(x), REAL_Y + 4, px.applyAsDouble(back), CODE_Y - 7, color);
      text.append(String.format(
          Locale.ROOT,
          "%n  x = %s -> code %d -> x̂ = %s (error %s)%s",
          num(x),
          code,
          num(back),
          num(back - x),
          clipped ? ", clipped" : ""));
    }
    svg.text(
        WIDTH / 2.0,
        24,
        q.describe() + ": x ≈ (code − " + q.zeroPoint() + ") · " + num(q.scale()),
        13,
        "middle",
        true,
        Svg.INK);
    svg.text(
        WIDTH / 2.0,
        205,
        "green: rounded to the nearest code; red: outside [lo, hi], clipped to the end code",
        11,
        "middle",
        false,
        Svg.MUTED);
    return new Diagram("The grid of " + q.describe(), text.toString(), svg.toString());
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.4g", TensorQuantizer.sig(v))
        .replaceAll("(\\.\\d*?)0+($|e)", "$1$2")
        .replaceAll("\\.($|e)", "$1");
  }
}
