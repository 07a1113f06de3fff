package bitlab.hardware.kind;

import bitlab.hardware.LutTableException;
import java.io.Reader;
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
public record LutOperators(String source, Map<String, double[]> rows, boolean hasEnergy)
    implements java.io.Serializable {

  public LutOperators {
    rows = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rows));
  }

  /** Reads and checks a table; {@code source} names it in every message. */
  public static LutOperators read(String source, Reader reader) {
    String table = "Operator table " + source;
    LutCsv csv = LutCsv.read(
        table,
        reader,
        List.of("operator", "type", "latency"),
        "one row per operator without weights");
    Map<String, double[]> rows = new LinkedHashMap<>();
    for (LutCsv.Row r : csv.rows()) {
      String[] f = r.fields();
      String name = f[0].strip();
      if (name.isEmpty() || rows.containsKey(name)) {
        throw new LutTableException(table + " line " + r.line()
            + (name.isEmpty() ? " has no operator name" : " repeats operator '" + name + "'")
            + "; give each operator one row.");
      }
      rows.put(name, new double[] {
        LutCsv.number(table, r.line(), "latency", f[2], false),
        csv.hasEnergy() ? LutCsv.number(table, r.line(), "energy", f[3], false) : 0
      });
    }
    return new LutOperators(source, rows, csv.hasEnergy());
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
}
