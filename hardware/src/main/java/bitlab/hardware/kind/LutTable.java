package bitlab.hardware.kind;

import bitlab.hardware.Bits;
import bitlab.hardware.LutTableException;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A per-layer, per-(w, a) table of latency and, optionally, energy, read from CSV:
 *
 * <pre>
 * # comment lines start with '#'
 * layer,name,w_bits,a_bits,latency[,energy]
 * 0,conv0,1,1,81234[,0.0012]
 * </pre>
 *
 * Layers are numbered 0..L-1 in model order; names are informational. Every layer must have all
 * 64 pairs with widths 1..8 (16 and 32 are optional). Values are in the table's own units; the
 * target file says how many seconds (joules) one unit is.
 */
public record LutTable(
    String source, List<String> names, double[][] latency, double[][] energy, boolean hasEnergy)
    implements java.io.Serializable {

  /** Reads and checks a table; {@code source} names it in every message. */
  public static LutTable read(String source, Reader reader) {
    String table = "Lookup table " + source;
    LutCsv csv = LutCsv.read(
        table,
        reader,
        List.of("layer", "name", "w_bits", "a_bits", "latency"),
        "one row per layer and bit pair");
    List<double[]> rows = new ArrayList<>();
    List<String> rowNames = new ArrayList<>();
    for (LutCsv.Row r : csv.rows()) {
      String[] f = r.fields();
      int lineNo = r.line();
      double[] row = new double[5];
      row[0] = LutCsv.number(table, lineNo, "layer", f[0], true);
      row[1] = LutCsv.number(table, lineNo, "w_bits", f[2], true);
      row[2] = LutCsv.number(table, lineNo, "a_bits", f[3], true);
      row[3] = LutCsv.number(table, lineNo, "latency", f[4], false);
      row[4] = csv.hasEnergy() ? LutCsv.number(table, lineNo, "energy", f[5], false) : 0;
      for (int k = 1; k <= 2; k++) {
        if (!Bits.valid((int) row[k])) {
          throw new LutTableException(table + " line " + lineNo + " has a width of " + (int) row[k]
              + " bits; expected 1..8, 16 or 32.");
        }
      }
      rows.add(row);
      rowNames.add(f[1].strip());
    }
    return build(source, rows, rowNames, csv.hasEnergy());
  }

  private static LutTable build(
      String source, List<double[]> rows, List<String> rowNames, boolean energyColumn) {
    int layers = 0;
    for (double[] r : rows) layers = Math.max(layers, (int) r[0] + 1);
    double[][] lat = new double[layers][Bits.SLOTS * Bits.SLOTS];
    double[][] en = new double[layers][Bits.SLOTS * Bits.SLOTS];
    for (double[] l : lat) Arrays.fill(l, Double.NaN);
    String[] names = new String[layers];
    for (int i = 0; i < rows.size(); i++) {
      double[] r = rows.get(i);
      int layer = (int) r[0];
      int cell = Bits.slot((int) r[1]) * Bits.SLOTS + Bits.slot((int) r[2]);
      lat[layer][cell] = r[3];
      en[layer][cell] = r[4];
      if (names[layer] == null) names[layer] = rowNames.get(i);
    }
    for (int layer = 0; layer < layers; layer++) {
      if (names[layer] == null) {
        throw new LutTableException(
            "Lookup table " + source + " has no rows for layer " + layer + " (its layers run 0.."
                + (layers - 1) + "); expected 64 rows with widths 1..8 for every layer.");
      }
      for (int w = 1; w <= 8; w++) {
        for (int a = 1; a <= 8; a++) {
          if (Double.isNaN(lat[layer][Bits.slot(w) * Bits.SLOTS + Bits.slot(a)])) {
            throw new LutTableException("Lookup table " + source + " lacks layer " + layer + " ('"
                + names[layer] + "') at w_bits=" + w + ", a_bits=" + a
                + "; expected every pair with widths 1..8.");
          }
        }
      }
    }
    return new LutTable(source, List.of(names), lat, en, energyColumn);
  }

  /** Cost of one layer at one pair in table units, for {@link #write}. */
  public interface Measure {
    double at(int layer, Bits bits);
  }

  /**
   * Writes a table in the format {@link #read} accepts: every layer at every pair 1..8, plus the
   * 16/32-bit pairs when {@code wide} is set. {@code energy} may be null for a latency-only table.
   * The engine uses this to save a table measured on this machine.
   */
  public static void write(
      Appendable out,
      String comment,
      List<String> names,
      Measure latency,
      Measure energy,
      boolean wide)
      throws IOException {
    for (String line : comment.split("\n")) out.append("# ").append(line).append('\n');
    out.append(
        energy == null
            ? "layer,name,w_bits,a_bits,latency\n"
            : "layer,name,w_bits,a_bits,latency,energy\n");
    int slots = wide ? Bits.SLOTS : 8;
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i).replace(",", "_");
      for (int sw = 0; sw < slots; sw++) {
        for (int sa = 0; sa < slots; sa++) {
          Bits b = new Bits(Bits.width(sw), Bits.width(sa));
          out.append(Integer.toString(i))
              .append(',')
              .append(name)
              .append(',')
              .append(Integer.toString(b.weights()))
              .append(',')
              .append(Integer.toString(b.activations()))
              .append(',')
              .append(Double.toString(latency.at(i, b)));
          if (energy != null) out.append(',').append(Double.toString(energy.at(i, b)));
          out.append('\n');
        }
      }
    }
  }

  public int layers() {
    return latency.length;
  }

  /** Latency of a layer at a pair in table units, NaN when the table has no such entry. */
  public double latency(int layer, Bits b) {
    return latency[layer][Bits.slot(b.weights()) * Bits.SLOTS + Bits.slot(b.activations())];
  }

  public double energy(int layer, Bits b) {
    return energy[layer][Bits.slot(b.weights()) * Bits.SLOTS + Bits.slot(b.activations())];
  }
}
