package bitlab.dsl.display;

import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * HTML for Tablesaw tables (tablesaw-core has no HTML writer). Long tables show their head and
 * tail with an ellipsis row between; a footer always gives the full row and column count.
 */
public final class TableHtml {
  /** Tables up to this many rows are shown whole. */
  public static final int MAX_ROWS = 30;

  static final int HEAD = 10;
  static final int TAIL = 5;

  private TableHtml() {}

  /** text/plain (Tablesaw's own printout) plus text/html. */
  public static MimeBundle bundle(Table table) {
    return MimeBundle.html(table.print(), html(table));
  }

  public static String html(Table table) {
    return html(table, MAX_ROWS);
  }

  /** HTML with at most {@code maxRows} rows shown whole; longer tables show head and tail. */
  public static String html(Table table, int maxRows) {
    int rows = table.rowCount();
    int cols = table.columnCount();
    StringBuilder sb = new StringBuilder(256 + rows * cols * 16);
    sb.append("<div class=\"bitlab-table\"><table>");
    if (table.name() != null && !table.name().isBlank()) {
      sb.append("<caption style=\"text-align:left;font-weight:bold\">")
          .append(escape(table.name()))
          .append("</caption>");
    }
    sb.append("<thead><tr>");
    for (Column<?> c : table.columns()) {
      sb.append("<th>").append(escape(c.name())).append("</th>");
    }
    sb.append("</tr></thead><tbody>");
    boolean cut = rows > maxRows;
    int head = cut ? Math.min(HEAD, maxRows) : rows;
    appendRows(sb, table, 0, head);
    if (cut) {
      sb.append("<tr>");
      for (int c = 0; c < cols; c++) sb.append("<td style=\"text-align:center\">&hellip;</td>");
      sb.append("</tr>");
      appendRows(sb, table, rows - Math.min(TAIL, rows - head), rows);
    }
    sb.append("</tbody></table><p style=\"font-size:smaller;margin:2px 0\">")
        .append(rows)
        .append(rows == 1 ? " row" : " rows")
        .append(" &times; ")
        .append(cols)
        .append(cols == 1 ? " column" : " columns");
    if (cut)
      sb.append(" (first ")
          .append(head)
          .append(" and last ")
          .append(Math.min(TAIL, rows - head))
          .append(" shown)");
    sb.append("</p></div>");
    return sb.toString();
  }

  private static void appendRows(StringBuilder sb, Table table, int from, int to) {
    for (int r = from; r < to; r++) {
      sb.append("<tr>");
      for (Column<?> c : table.columns()) {
        boolean numeric = c instanceof NumericColumn<?>;
        sb.append(numeric ? "<td style=\"text-align:right\">" : "<td style=\"text-align:left\">")
            .append(escape(c.getString(r)))
            .append("</td>");
      }
      sb.append("</tr>");
    }
  }

  /** Escapes text for HTML element content and attribute values. */
  public static String escape(String s) {
    if (s == null) return "";
    StringBuilder out = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(ch);
      }
    }
    return out.toString();
  }
}
