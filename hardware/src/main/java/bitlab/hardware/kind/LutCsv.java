package bitlab.hardware.kind;

import bitlab.hardware.LutTableException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The CSV form both lut tables share ({@link LutTable}, {@link LutOperators}): blank lines and lines starting with
 * '#' skipped, a header of fixed columns optionally followed by {@code energy}, then rows of as many fields as the
 * header. Every malformed line is one sentence naming the table, the line and what was expected.
 *
 * @param rows      each row's line number and fields, in file order
 * @param hasEnergy whether the header ends with {@code energy}
 */
record LutCsv(List<Row> rows, boolean hasEnergy) {
  /** One data line: its number in the file and its comma-separated fields. */
  record Row(int line, String[] fields) {}

  /**
   * Reads the lines of {@code reader}. {@code table} is what messages call it ("Lookup table x.csv"), {@code columns}
   * the header before the optional energy column, {@code rowsWanted} what a table without rows lacks ("one row per
   * layer and bit pair").
   */
  static LutCsv read(String table, Reader reader, List<String> columns, String rowsWanted) {
    List<Row> rows = new ArrayList<>();
    boolean header = false, energy = false;
    int lineNo = 0;
    try (BufferedReader in = new BufferedReader(reader)) {
      for (String line; (line = in.readLine()) != null; ) {
        lineNo++;
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) continue;
        String[] f = t.split(",", -1);
        if (!header) {
          List<String> cols = Arrays.stream(f).map(String::strip).toList();
          List<String> withEnergy = new ArrayList<>(columns);
          withEnergy.add("energy");
          if (!cols.equals(columns) && !cols.equals(withEnergy)) {
            throw new LutTableException(table + " line " + lineNo + " has header '" + t
                + "'; expected '" + String.join(",", columns)
                + "' optionally followed by ',energy'.");
          }
          header = true;
          energy = cols.size() == withEnergy.size();
          continue;
        }
        int want = columns.size() + (energy ? 1 : 0);
        if (f.length != want) {
          throw new LutTableException(table + " line " + lineNo + " has " + f.length
              + " fields; expected " + want + " as in the header.");
        }
        rows.add(new Row(lineNo, f));
      }
    } catch (IOException e) {
      throw new LutTableException(table + " could not be read: " + e.getMessage() + ".", e);
    }
    if (rows.isEmpty()) {
      throw new LutTableException(
          table + " has no rows; expected a header and " + rowsWanted + ".");
    }
    return new LutCsv(rows, energy);
  }

  /** A field that must be a finite number of zero or more ({@code whole}: also an integer). */
  static double number(String table, int line, String column, String text, boolean whole) {
    double v;
    try {
      v = Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new LutTableException(table + " line " + line + " has '" + text.strip() + "' in column "
          + column + "; expected a number.");
    }
    if (!(v >= 0) || Double.isInfinite(v) || (whole && v != Math.rint(v))) {
      throw new LutTableException(table + " line " + line + " has " + text.strip() + " in column "
          + column + "; expected " + (whole ? "a whole number" : "a number") + " of zero or more.");
    }
    return v;
  }
}
