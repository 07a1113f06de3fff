package bitlab.dsl.tensor;

import bitlab.dsl.display.Diagram;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.Svg;
import bitlab.dsl.display.TableHtml;
import bitlab.quant.QuantException;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A dot product of binarized vectors computed the way binary hardware does it. Each value becomes its
 * sign (sign(0) = +1), each sign a bit (+1 → 1, −1 → 0), packed into one 64-bit word. Two signs multiply
 * to +1 exactly when their bits agree, which is what XNOR computes, so with {@code p = popcount(XNOR)} of
 * {@code K} positions the dot product of the signs is {@code p − (K − p) = 2p − K}. Scaling by
 * {@code α = mean|w|} and {@code β = mean|x|} approximates the real dot product {@code x·w}.
 */
public final class XnorDot implements Renderable {
  private final double[] x;
  private final double[] w;
  private final long xBits;
  private final long wBits;
  private final long xnor;
  private final int k;

  private XnorDot(double[] x, double[] w) {
    if (x == null || w == null || x.length != w.length || x.length == 0) {
      throw new QuantException("xnor(x, w) needs two vectors of the same, non-zero length, got "
          + (x == null ? "null" : x.length) + " and " + (w == null ? "null" : w.length) + ".");
    }
    if (x.length > 64)
      throw new QuantException(
          "xnor(x, w) packs one 64-bit word: give at most 64 values, got " + x.length + ".");
    this.x = x.clone();
    this.w = w.clone();
    this.k = x.length;
    this.xBits = pack(x);
    this.wBits = pack(w);
    long mask = k == 64 ? -1L : (1L << k) - 1;
    this.xnor = ~(xBits ^ wBits) & mask;
  }

  public static XnorDot of(double[] x, double[] w) {
    return new XnorDot(x, w);
  }

  private static long pack(double[] v) {
    long bits = 0;
    for (int i = 0; i < v.length; i++) if (v[i] >= 0) bits |= 1L << i;
    return bits;
  }

  /** Number of positions. */
  public int length() {
    return k;
  }

  /** {@code popcount(XNOR(bits of x, bits of w))}: positions whose signs agree. */
  public int popcount() {
    return Long.bitCount(xnor);
  }

  /** {@code 2·popcount − K}: the dot product of the signs, from bits alone. */
  public int binaryDot() {
    return 2 * popcount() - k;
  }

  /** {@code Σ sign(x_i)·sign(w_i)} computed with ±1 multiplications, the check of {@link #binaryDot}. */
  public int signDot() {
    int s = 0;
    for (int i = 0; i < k; i++) s += (x[i] >= 0 ? 1 : -1) * (w[i] >= 0 ? 1 : -1);
    return s;
  }

  /** {@code mean|x|}. */
  public double beta() {
    return meanAbs(x);
  }

  /** {@code mean|w|}. */
  public double alpha() {
    return meanAbs(w);
  }

  /** {@code α·β·(2·popcount − K)}: the binary network's estimate of {@code x·w}. */
  public double approximation() {
    return alpha() * beta() * binaryDot();
  }

  /** The real dot product {@code x·w}. */
  public double exact() {
    double s = 0;
    for (int i = 0; i < k; i++) s += x[i] * w[i];
    return s;
  }

  private static double meanAbs(double[] v) {
    double s = 0;
    for (double d : v) s += Math.abs(d);
    return s / v.length;
  }

  /** One column per position: the values, their signs, their bits, and the XNOR of the bits. */
  public Table table() {
    StringColumn row = StringColumn.create("");
    Table t = Table.create("XNOR-popcount dot product of " + k + " positions", row);
    String[] names = {"x", "sign(x)", "bit of x", "w", "sign(w)", "bit of w", "XNOR"};
    for (String n : names) row.append(n);
    for (int i = 0; i < k; i++) {
      StringColumn c = StringColumn.create(String.valueOf(i));
      c.append(String.format("%.3g", x[i]));
      c.append(x[i] >= 0 ? "+1" : "−1");
      c.append(bit(xBits, i));
      c.append(String.format("%.3g", w[i]));
      c.append(w[i] >= 0 ? "+1" : "−1");
      c.append(bit(wBits, i));
      c.append(bit(xnor, i));
      t.addColumns(c);
    }
    return t;
  }

  private static String bit(long word, int i) {
    return ((word >>> i) & 1) == 1 ? "1" : "0";
  }

  /**
   * The counting as a picture: the bits of x and of w one cell per position, their XNOR (green where the signs
   * agree), then the popcount and {@code 2p − K}. A hardware lane does the three rows in one instruction each.
   */
  public Diagram diagram() {
    int cell = 22, left = 96, top = 40, gap = 8;
    int width = Math.max(left + k * cell + 24, 600), height = top + 3 * (cell + gap) + 70;
    Svg svg = new Svg(width, Math.max(height, 150));
    svg.text(
        width / 2.0, 22, "XNOR and popcount over " + k + " positions", 13, "middle", true, Svg.INK);
    String[] names = {"bits of x", "bits of w", "XNOR"};
    long[] words = {xBits, wBits, xnor};
    StringBuilder text = new StringBuilder();
    for (int r = 0; r < 3; r++) {
      double y = top + r * (cell + gap);
      svg.text(left - 8, y + cell * 0.68, names[r], 11, "end", r == 2, Svg.INK);
      StringBuilder row = new StringBuilder(names[r]).append(": ");
      for (int i = 0; i < k; i++) {
        boolean one = ((words[r] >>> i) & 1) == 1;
        String fill = r == 2 ? (one ? "#cfe9cf" : "#f6d5d5") : (one ? Svg.PALE : "#ffffff");
        svg.box(left + i * cell, y, cell - 2, cell - 2, fill, r == 2 ? Svg.GREEN : Svg.BLUE);
        svg.text(
            left + i * cell + (cell - 2) / 2.0,
            y + cell * 0.66,
            one ? "1" : "0",
            11,
            "middle",
            false,
            Svg.INK);
        row.append(one ? '1' : '0');
      }
      text.append(row).append('\n');
    }
    double y = top + 3 * (cell + gap) + 18;
    String count = String.format(
        "popcount = %d of K = %d positions agree; sign(x)·sign(w) = 2·%d − %d = %d",
        popcount(), k, popcount(), k, binaryDot());
    String scaled = String.format(
        "scaled: α·β·(%d) = %.4g (real x·w = %.4g)", binaryDot(), approximation(), exact());
    svg.text(left, y, count, 12, "start", true, Svg.INK);
    svg.text(left, y + 18, scaled, 11, "start", false, Svg.MUTED);
    text.append(count).append('\n').append(scaled);
    return new Diagram(
        "An XNOR-popcount dot product of " + k + " positions", text.toString(), svg.toString());
  }

  /** The counting in one sentence. */
  public String summary() {
    return String.format(
        "K = %d, popcount(XNOR) = %d, so sign(x)·sign(w) = 2·%d − %d = %d (multiplying the signs gives %d); "
            + "α = mean|w| = %.4g, β = mean|x| = %.4g, α·β·%d = %.4g against the real x·w = %.4g",
        k,
        popcount(),
        popcount(),
        k,
        binaryDot(),
        signDot(),
        alpha(),
        beta(),
        binaryDot(),
        approximation(),
        exact());
  }

  @Override
  public String toString() {
    return table().print() + "\n" + summary();
  }

  @Override
  public MimeBundle render() {
    return MimeBundle.html(
        toString(), TableHtml.html(table()) + "<p>" + TableHtml.escape(summary()) + "</p>");
  }
}
