package bitlab.hardware.kind;

import bitlab.hardware.LutTableException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The measured cost of a model's operators without weights (Add, pooling, Concat, look-ups, ...), one row each, beside
 * a {@link LutTable} of its layers; read from CSV:
 *
 * <pre>
 * # comment lines start with '#'
 * operator,type,latency[,energy]
 * pool1,MaxPool,41.2[,0.0001]
 * </pre>
 *
 * An operator is found by its node name, so the table prices only the model it was measured on. Values are in the
 * layer table's units.
 */
public record LutOperators(String source, Map<String, double[]> rows, boolean hasEnergy) {

  public LutOperators {
    rows = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rows));
  }

  /** Reads and checks a table; {@code source} names it in every message. */
  public static LutOperators read(String source, Reader reader) {
    Map<String, double[]> rows = new LinkedHashMap<>();
    boolean energy = false, header = false;
    int lineNo = 0;
    try (BufferedReader in = new BufferedReader(reader)) {
      for (String line; (line = in.readLine()) != null; ) {
        lineNo++;
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) continue;
        String[] f = t.split(",", -1);
        if (!header) {
          List<String> cols = Arrays.stream(f).map(String::strip).toList();
          if (!(cols.equals(List.of("operator", "type", "latency"))
              || cols.equals(List.of("operator", "type", "latency", "energy")))) {
            throw new LutTableException("Operator table " + source + " line " + lineNo
                + " has header '" + t
                + "'; expected 'operator,type,latency' optionally followed by ',energy'.");
          }
          header = true;
          energy = cols.size() == 4;
          continue;
        }
        if (f.length != (energy ? 4 : 3)) {
          throw new LutTableException("Operator table " + source + " line " + lineNo + " has "
              + f.length + " fields; expected " + (energy ? 4 : 3) + " as in the header.");
        }
        String name = f[0].strip();
        if (name.isEmpty() || rows.containsKey(name)) {
          throw new LutTableException("Operator table " + source + " line " + lineNo
              + (name.isEmpty() ? " has no operator name" : " repeats operator '" + name + "'")
              + "; give each operator one row.");
        }
        rows.put(name, new double[] {
          number(source, lineNo, "latency", f[2]),
          energy ? number(source, lineNo, "energy", f[3]) : 0
        });
      }
    } catch (IOException e) {
      throw new LutTableException(
          "Operator table " + source + " could not be read: " + e.getMessage() + ".", e);
    }
    if (rows.isEmpty()) {
      throw new LutTableException("Operator table " + source
          + " has no rows; expected a header and one row per operator without weights.");
    }
    return new LutOperators(source, rows, energy);
  }

  /** Latency and energy of operator {@code name} in table units; refuses an operator the table does not have. */
  double[] of(String name) {
    double[] r = rows.get(name);
    if (r == null) {
      throw new LutTableException("Operator table " + source + " has no operator '" + name
          + "'; it prices only the model it was measured on (remeasure the target on this model).");
    }
    return r;
  }

  private static double number(String source, int line, String column, String text) {
    double v;
    try {
      v = Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new LutTableException("Operator table " + source + " line " + line + " has '"
          + text.strip() + "' in column " + column + "; expected a number.");
    }
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new LutTableException("Operator table " + source + " line " + line + " has "
          + text.strip() + " in column " + column + "; expected a number of zero or more.");
    }
    return v;
  }
}
