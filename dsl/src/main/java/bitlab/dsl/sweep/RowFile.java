package bitlab.dsl.sweep;

import bitlab.dsl.sweep.job.SweepException;
import bitlab.dsl.sweep.job.SweepRow;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.StringReader;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * A sweep's results file (CSV): a header, then one line per finished job, appended whole and synced to
 * disk before the next, so a sweep stopped or killed at any moment leaves every finished row and at
 * most one torn last line, which the next open cuts off (its job runs again). The file is locked while
 * a sweep writes it. Opening an existing file resumes it: its rows are the jobs already done.
 */
final class RowFile implements AutoCloseable {
  private final Path path;
  private final List<String> columns;
  private final RandomAccessFile file;
  private final FileLock lock;
  private final Map<String, SweepRow> rows;
  private final int tornBytes;

  private RowFile(
      Path path,
      List<String> columns,
      RandomAccessFile file,
      FileLock lock,
      Map<String, SweepRow> rows,
      int tornBytes) {
    this.path = path;
    this.columns = columns;
    this.file = file;
    this.lock = lock;
    this.rows = rows;
    this.tornBytes = tornBytes;
  }

  /** Opens (or creates) the file for a sweep with these columns; the cost columns are those between the fixed ones. */
  static RowFile open(Path path, List<String> columns, List<String> costColumns) {
    RandomAccessFile file = null;
    try {
      Path dir = path.toAbsolutePath().getParent();
      if (dir != null) Files.createDirectories(dir);
      file = new RandomAccessFile(path.toFile(), "rw");
      FileLock lock;
      try {
        lock = file.getChannel().tryLock();
      } catch (java.nio.channels.OverlappingFileLockException inThisJvm) {
        lock = null;
      }
      if (lock == null) {
        throw new SweepException("The results file " + path
            + " is being written by another sweep; wait for it to finish or give this one "
            + "another file with to(path).");
      }
      byte[] bytes = new byte[(int) file.length()];
      file.readFully(bytes);
      int whole = bytes.length;
      while (whole > 0 && bytes[whole - 1] != '\n') whole--;
      int torn = bytes.length - whole;
      if (torn > 0) file.setLength(whole); // a line cut short by a crash: its job runs again
      Map<String, SweepRow> rows = new LinkedHashMap<>();
      if (whole == 0) {
        file.seek(0);
        file.write((line(columns) + "\n").getBytes(StandardCharsets.UTF_8));
        file.getFD().sync();
      } else {
        rows =
            read(path, new String(bytes, 0, whole, StandardCharsets.UTF_8), columns, costColumns);
      }
      file.seek(file.length());
      return new RowFile(path, columns, file, lock, rows, torn);
    } catch (IOException e) {
      close(file);
      throw new SweepException(
          "The results file " + path + " cannot be opened for writing (" + e.getMessage()
              + "); check the path and " + "its permissions.",
          e);
    } catch (RuntimeException e) {
      close(file);
      throw e;
    }
  }

  private static Map<String, SweepRow> read(
      Path path, String text, List<String> columns, List<String> costColumns) {
    String header = text.substring(0, text.indexOf('\n'));
    if (!header.equals(line(columns))) {
      throw new SweepException(
          "The results file " + path + " holds another sweep (its columns are " + header
              + "; this sweep's are " + String.join(",", columns)
              + "): give this sweep a new file with to(path), or the same targets as that one to resume it.");
    }
    Table t = Table.read()
        .csv(CsvReadOptions.builder(new StringReader(text))
            .columnTypes(c -> ColumnType.STRING)
            .maxCharsPerColumn(1 << 20)
            .build());
    Map<String, SweepRow> rows = new LinkedHashMap<>();
    for (int i = 0; i < t.rowCount(); i++) {
      Map<String, String> cells = new HashMap<>();
      for (String c : columns) cells.put(c, t.stringColumn(c).get(i));
      try {
        SweepRow r = SweepRow.of(cells, costColumns);
        rows.putIfAbsent(r.key(), r);
      } catch (RuntimeException bad) {
        throw new SweepException(
            "Line " + (i + 2) + " of the results file " + path + " is not a sweep row ("
                + bad.getMessage() + "); fix or delete that line, or give this sweep a new file.");
      }
    }
    return rows;
  }

  /** The rows already in the file when it was opened, by job key. */
  Map<String, SweepRow> rows() {
    return rows;
  }

  /** Bytes of a torn last line cut off on opening (0 if the file ended cleanly). */
  int tornBytes() {
    return tornBytes;
  }

  Path path() {
    return path;
  }

  /** Appends one row as one line and syncs it to disk. */
  void append(SweepRow row) {
    try {
      file.write((line(row.cells(columns)) + "\n").getBytes(StandardCharsets.UTF_8));
      file.getFD().sync();
    } catch (IOException e) {
      throw new SweepException(
          "Could not append to the results file " + path + " (" + e.getMessage()
              + "); the rows written so far are "
              + "kept: free some space or fix the path, then run the sweep again to resume.",
          e);
    }
  }

  /** One CSV line: fields with a comma, a quote or a line break are quoted, quotes doubled. */
  static String line(List<String> cells) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) b.append(',');
      String c = cells.get(i) == null ? "" : cells.get(i);
      if (c.indexOf(',') >= 0
          || c.indexOf('"') >= 0
          || c.indexOf('\n') >= 0
          || c.indexOf('\r') >= 0) {
        b.append('"').append(c.replace("\"", "\"\"")).append('"');
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  @Override
  public void close() {
    try {
      if (lock.isValid()) lock.release();
    } catch (IOException ignored) {
      // closing the file releases the lock too
    }
    close(file);
  }

  private static void close(RandomAccessFile f) {
    if (f == null) return;
    try {
      f.close();
    } catch (IOException ignored) {
      // nothing was pending: every row was synced when written
    }
  }
}
