package bitlab.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Reader for images stored as CSV rows: one label column and one column per pixel (Kaggle's MNIST
 * {@code train.csv}, for example), with or without a header line, plain or gzip-compressed. The
 * label column is the one named {@code label}, {@code class}, {@code target} or {@code y} when there
 * is a header, otherwise the first. Values are separated by commas (or semicolons or tabs, if the first
 * line has none).
 */
final class Csv {
  private Csv() {}

  static final Set<String> LABEL_NAMES = Set.of("label", "labels", "class", "target", "y");

  /** The pixels {@code [N, D]} and the labels {@code [N]} of a CSV file. */
  record Table(RawArray pixels, RawArray labels) {}

  static Table read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DataException("File " + file
          + (Files.isDirectory(file)
              ? " is a folder, not a CSV file."
              : " does not exist; "
                  + "give the path of a CSV file with a label column and one column per pixel."));
    }
    try (InputStream raw = Files.newInputStream(file);
        BufferedReader r = new BufferedReader(
            new InputStreamReader(
                file.toString().toLowerCase(Locale.ROOT).endsWith(".gz")
                    ? new GZIPInputStream(raw, 1 << 16)
                    : raw,
                StandardCharsets.UTF_8),
            1 << 16)) {
      return read(r, file.toString());
    } catch (IOException e) {
      throw new DataException("File " + file + " could not be read: " + e.getMessage(), e);
    }
  }

  static Table read(BufferedReader r, String what) throws IOException {
    String first = r.readLine();
    while (first != null && first.isBlank()) first = r.readLine();
    if (first == null)
      throw new DataException(
          "File " + what + " is empty; it should hold one image per line: a label and its pixels.");
    if (first.startsWith("\uFEFF")) first = first.substring(1);
    String sep =
        first.contains(",") ? "," : first.contains(";") ? ";" : first.contains("\t") ? "\t" : ",";
    String[] cells = first.split(sep, -1);
    int columns = cells.length;
    if (columns < 2) {
      throw new DataException("File " + what
          + " has one column; it needs a label column and at least one pixel column, "
          + "separated by commas.");
    }
    boolean header = !numeric(cells);
    int labelColumn = 0;
    if (header) {
      labelColumn = -1;
      for (int c = 0; c < columns; c++) {
        if (LABEL_NAMES.contains(unquote(cells[c]).toLowerCase(Locale.ROOT))) labelColumn = c;
      }
      if (labelColumn < 0) {
        throw new DataException("File " + what + " has a header (" + preview(cells)
            + ") but no column named label, class, target "
            + "or y; bitlab needs a label for every image: name the label column 'label'.");
      }
    }
    FloatList pixels = new FloatList();
    FloatList labels = new FloatList();
    boolean integral = true;
    int lineNumber = 1;
    String line = header ? r.readLine() : first;
    if (header) lineNumber++;
    for (; line != null; line = r.readLine(), lineNumber++) {
      if (line.isBlank()) continue;
      String[] v = line.split(sep, -1);
      if (v.length != columns) {
        throw new DataException(
            "File " + what + " line " + lineNumber + " has " + v.length + " values but line 1 has "
                + columns + "; every line needs the label and " + (columns - 1) + " pixels.");
      }
      for (int c = 0; c < columns; c++) {
        float x = number(v[c], what, lineNumber, c);
        if (x != Math.rint(x)) integral = false;
        (c == labelColumn ? labels : pixels).add(x);
      }
    }
    int n = labels.size();
    if (n == 0) throw new DataException("File " + what + " has a header but no images.");
    RawArray px = new RawArray(what, new long[] {n, columns - 1}, pixels.toArray(), integral);
    RawArray lb = new RawArray(what, new long[] {n}, labels.toArray(), true);
    return new Table(px, lb);
  }

  private static boolean numeric(String[] cells) {
    for (String c : cells) {
      try {
        Float.parseFloat(unquote(c));
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return true;
  }

  private static float number(String cell, String what, int line, int column) {
    String t = unquote(cell);
    if (t.equalsIgnoreCase("nan")) return Float.NaN; // named with its image by ArrayData
    try {
      return Float.parseFloat(t);
    } catch (NumberFormatException e) {
      throw new DataException(
          "File " + what + " line " + line + " column " + (column + 1) + " holds '" + t
              + "', which is not " + "a number; every value after the header must be a number.");
    }
  }

  private static String unquote(String s) {
    String t = s.strip();
    return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")
        ? t.substring(1, t.length() - 1)
        : t;
  }

  private static String preview(String[] cells) {
    List<String> first = new ArrayList<>();
    for (int i = 0; i < Math.min(3, cells.length); i++) first.add(unquote(cells[i]));
    return String.join(", ", first) + (cells.length > 3 ? ", ..." : "");
  }

  /** A growable float array (a CSV of 42,000 images has 33 million values). */
  private static final class FloatList {
    private float[] a = new float[1 << 12];
    private int n;

    void add(float v) {
      if (n == a.length) a = java.util.Arrays.copyOf(a, a.length * 2);
      a[n++] = v;
    }

    int size() {
      return n;
    }

    float[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }
}
