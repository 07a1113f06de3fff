package bitlab.dsl.display;

import java.util.Locale;

/**
 * A small SVG writer for diagrams of ideas (boxes, arrows, labels): the elements a block diagram needs and
 * nothing more. Coordinates are pixels from the top left; every text is escaped. XChart draws data; this
 * draws structure (what feeds what), whose boxes carry numbers computed by the caller.
 */
public final class Svg {
  public static final String INK = "#222222";
  public static final String MUTED = "#777777";
  public static final String BLUE = "#1f77b4";
  public static final String RED = "#d62728";
  public static final String GREEN = "#2ca02c";
  public static final String ORANGE = "#ff7f0e";
  public static final String PALE = "#eef3fa";

  private final int width;
  private final int height;
  private final StringBuilder body = new StringBuilder(4096);

  public Svg(int width, int height) {
    if (width <= 0 || height <= 0)
      throw new IllegalArgumentException(
          "An SVG needs a positive size, got " + width + "x" + height + ".");
    this.width = width;
    this.height = height;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** A rectangle with rounded corners. */
  public Svg box(double x, double y, double w, double h, String fill, String stroke) {
    body.append(String.format(
        Locale.ROOT,
        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"6\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1.5\"/>%n",
        x,
        y,
        w,
        h,
        fill,
        stroke));
    return this;
  }

  /** A straight line; {@code dashed} for what the text calls a surrogate or a guide. */
  public Svg line(double x1, double y1, double x2, double y2, String color, boolean dashed) {
    body.append(String.format(
        Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\"%s/>%n",
        x1,
        y1,
        x2,
        y2,
        color,
        dashed ? " stroke-dasharray=\"5,4\"" : ""));
    return this;
  }

  /** A line with an arrow head at its end. */
  public Svg arrow(double x1, double y1, double x2, double y2, String color) {
    line(x1, y1, x2, y2, color, false);
    double a = Math.atan2(y2 - y1, x2 - x1), len = 9, spread = 0.4;
    body.append(String.format(
        Locale.ROOT,
        "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"%s\"/>%n",
        x2,
        y2,
        x2 - len * Math.cos(a - spread),
        y2 - len * Math.sin(a - spread),
        x2 - len * Math.cos(a + spread),
        y2 - len * Math.sin(a + spread),
        color));
    return this;
  }

  /** A dot of radius r. */
  public Svg dot(double x, double y, double r, String color) {
    body.append(String.format(
        Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>%n", x, y, r, color));
    return this;
  }

  /** Text; {@code anchor} is start, middle or end. */
  public Svg text(
      double x, double y, String text, int size, String anchor, boolean bold, String color) {
    body.append(String.format(
        Locale.ROOT,
        "<text x=\"%.1f\" y=\"%.1f\" font-family=\"sans-serif\" font-size=\"%d\" text-anchor=\"%s\"%s fill=\"%s\">%s</text>%n",
        x,
        y,
        size,
        anchor,
        bold ? " font-weight=\"bold\"" : "",
        color,
        TableHtml.escape(text)));
    return this;
  }

  /** A box with a bold first line and smaller lines under it, centred. */
  public Svg labelledBox(
      double x,
      double y,
      double w,
      double h,
      String fill,
      String stroke,
      String title,
      String... lines) {
    box(x, y, w, h, fill, stroke);
    double top = y + h / 2 - (lines.length * 14) / 2.0 + 4;
    text(x + w / 2, top, title, 13, "middle", true, INK);
    for (int i = 0; i < lines.length; i++)
      text(x + w / 2, top + 15 + 14 * i, lines[i], 11, "middle", false, INK);
    return this;
  }

  @Override
  public String toString() {
    return String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">%n"
                + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
            width,
            height,
            width,
            height)
        + body + "</svg>\n";
  }
}
