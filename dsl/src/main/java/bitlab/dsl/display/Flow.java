package bitlab.dsl.display;

import java.util.List;

/**
 * A block diagram of a pipeline: boxes in reading order, a few per row, each joined to the next by an arrow with an
 * optional label. The boxes' contents come from the caller (the numbers of one run), the layout from here.
 */
public final class Flow {
  /** One box: a bold title and the lines under it; {@code fill} its colour. */
  public record Box(String title, List<String> lines, String fill) {
    public Box {
      if (title == null) throw new IllegalArgumentException("A box needs a title.");
      lines = List.copyOf(lines);
      fill = fill == null ? Svg.PALE : fill;
    }
  }

  private static final int GAP = 56;
  private static final int MARGIN = 16;
  private static final int HEADING = 34;
  private static final int ROW_GAP = 34;

  private Flow() {}

  /**
   * The boxes left to right, {@code perRow} to a row; {@code labels.get(i)} (may be empty) is written on the arrow from
   * box i to box i + 1. {@code boxWidth} in pixels: about 6 pixels per character of the longest line.
   */
  public static String svg(
      String heading, List<Box> boxes, List<String> labels, int perRow, int boxWidth) {
    if (boxes.isEmpty()) throw new IllegalArgumentException("A flow needs at least one box.");
    if (perRow < 1)
      throw new IllegalArgumentException(
          "A flow needs at least one box per row, got " + perRow + ".");
    int lines = 0;
    for (Box b : boxes) lines = Math.max(lines, b.lines().size());
    int boxHeight = 30 + 14 * lines;
    int columns = Math.min(perRow, boxes.size());
    int rows = (boxes.size() + perRow - 1) / perRow;
    int width = 2 * MARGIN + columns * boxWidth + (columns - 1) * GAP;
    int height = HEADING + rows * boxHeight + (rows - 1) * ROW_GAP + MARGIN;
    Svg svg = new Svg(width, height);
    svg.text(width / 2.0, 22, heading, 13, "middle", true, Svg.INK);
    for (int i = 0; i < boxes.size(); i++) {
      Box b = boxes.get(i);
      double x = x(i, perRow, boxWidth), y = y(i, perRow, boxHeight);
      svg.labelledBox(
          x,
          y,
          boxWidth,
          boxHeight,
          b.fill(),
          Svg.BLUE,
          b.title(),
          b.lines().toArray(String[]::new));
      if (i + 1 == boxes.size()) continue;
      String label = i < labels.size() && labels.get(i) != null ? labels.get(i) : "";
      if ((i + 1) % perRow != 0) {
        double ay = y + boxHeight / 2.0;
        svg.arrow(x + boxWidth + 3, ay, x + boxWidth + GAP - 3, ay, Svg.INK);
        if (!label.isEmpty())
          svg.text(x + boxWidth + GAP / 2.0, ay - 6, label, 10, "middle", false, Svg.MUTED);
      } else {
        // the next box starts the next row: from this box's bottom to its top
        double nx = x(i + 1, perRow, boxWidth) + boxWidth / 2.0, ny = y(i + 1, perRow, boxHeight);
        svg.arrow(x + boxWidth / 2.0, y + boxHeight + 2, nx, ny - 3, Svg.INK);
        if (!label.isEmpty())
          svg.text(
              (x + boxWidth / 2.0 + nx) / 2 + 6,
              y + boxHeight + ROW_GAP / 2.0 + 4,
              label,
              10,
              "start",
              false,
              Svg.MUTED);
      }
    }
    return svg.toString();
  }

  private static double x(int i, int perRow, int boxWidth) {
    return MARGIN + (i % perRow) * (boxWidth + GAP);
  }

  private static double y(int i, int perRow, int boxHeight) {
    return HEADING + (i / perRow) * (boxHeight + ROW_GAP);
  }
}
