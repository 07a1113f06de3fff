package bitlab.hardware.catalogue;

import static bitlab.hardware.catalogue.ParamSpec.Type.NON_NEGATIVE;
import static bitlab.hardware.catalogue.ParamSpec.Type.POSITIVE;
import static bitlab.hardware.catalogue.ParamSpec.Type.TEXT;
import static bitlab.hardware.catalogue.ParamSpec.Type.WHOLE;
import static bitlab.hardware.catalogue.ParamSpec.optional;
import static bitlab.hardware.catalogue.ParamSpec.required;

import bitlab.hardware.Bits;
import bitlab.hardware.CostModel;
import bitlab.hardware.kind.Bismo;
import bitlab.hardware.kind.BitFusion;
import bitlab.hardware.kind.Lut;
import bitlab.hardware.kind.LutOperators;
import bitlab.hardware.kind.LutTable;
import bitlab.hardware.kind.Roofline;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The one place that maps a kind name in a target file to its parameters and its cost model.
 * Buffer sizes are written in KiB in files and converted to bits here.
 */
final class Kinds {

  private static final double KIB_BITS = 8192;

  /** A kind: its parameters, and how to build the model from checked values. */
  record Kind(
      String name,
      List<ParamSpec> params,
      BiFunction<Params, Function<String, Reader>, CostModel> build) {}

  static final Map<String, Kind> ALL = build();

  private Kinds() {}

  static String known() {
    return String.join(", ", ALL.keySet());
  }

  private static Map<String, Kind> build() {
    Map<String, Kind> m = new TreeMap<>();
    m.put(
        "bitfusion",
        new Kind(
            "bitfusion",
            List.of(
                required("rows", WHOLE, "fusion units along the reduction dimension"),
                required("columns", WHOLE, "fusion units along output channels"),
                required("clockHz", POSITIVE, "clock frequency, Hz"),
                required("dramBitsPerCycle", POSITIVE, "DRAM bits per clock cycle"),
                required("inputBufferKiB", POSITIVE, "input buffer, KiB"),
                required("weightBufferKiB", POSITIVE, "weight buffer, KiB"),
                required("outputBufferKiB", POSITIVE, "output buffer, KiB"),
                optional("batch", WHOLE, 1, "images per run"),
                required(
                    "mac8x8Pj", NON_NEGATIVE, "energy of one fused 8x8 multiply-accumulate, pJ"),
                required("dramPjPerBit", NON_NEGATIVE, "DRAM energy per bit, pJ")),
            (p, r) -> new BitFusion(
                p.whole("rows"),
                p.whole("columns"),
                p.number("clockHz"),
                p.number("dramBitsPerCycle"),
                p.number("inputBufferKiB") * KIB_BITS,
                p.number("weightBufferKiB") * KIB_BITS,
                p.number("outputBufferKiB") * KIB_BITS,
                p.whole("batch"),
                p.number("mac8x8Pj"),
                p.number("dramPjPerBit"))));
    m.put(
        "bismo",
        new Kind(
            "bismo",
            List.of(
                required("dm", WHOLE, "dot-product unit rows (weight rows per tile)"),
                required("dk", WHOLE, "binary lanes per dot-product unit (reduction per tile)"),
                required("dn", WHOLE, "dot-product unit columns (output positions per tile)"),
                required("clockHz", POSITIVE, "clock frequency, Hz"),
                required("dramBytesPerSecond", POSITIVE, "DRAM bandwidth, bytes/s"),
                required("lhsBufferKiB", POSITIVE, "weight (left-hand side) buffer, KiB"),
                required("rhsBufferKiB", POSITIVE, "activation (right-hand side) buffer, KiB"),
                optional("batch", WHOLE, 1, "images per run"),
                optional(
                    "efficiency", POSITIVE, 1, "fraction of peak cycles achieved (calibration)"),
                required("powerWatts", NON_NEGATIVE, "board power while running, W"),
                required("dramPjPerBit", NON_NEGATIVE, "DRAM energy per bit, pJ")),
            (p, r) -> new Bismo(
                p.whole("dm"),
                p.whole("dk"),
                p.whole("dn"),
                p.number("clockHz"),
                p.number("dramBytesPerSecond"),
                p.number("lhsBufferKiB") * KIB_BITS,
                p.number("rhsBufferKiB") * KIB_BITS,
                p.whole("batch"),
                p.number("efficiency"),
                p.number("powerWatts"),
                p.number("dramPjPerBit"))));
    List<ParamSpec> roof = new ArrayList<>();
    for (int s = 0; s < Bits.SLOTS; s++) {
      int w = Bits.width(s);
      String key = "peakMacs" + w;
      String meaning = "peak multiply-accumulates per second for operands up to " + w + " bits";
      roof.add(
          w == 32
              ? required(key, POSITIVE, meaning)
              : optional(key, POSITIVE, Double.NaN, meaning));
    }
    roof.add(required("bytesPerSecond", POSITIVE, "memory bandwidth, bytes/s"));
    roof.add(optional("batch", WHOLE, 1, "images per run"));
    roof.add(optional("efficiency", POSITIVE, 1, "fraction of peak achieved"));
    roof.add(required("powerWatts", NON_NEGATIVE, "active power, W"));
    roof.add(required("dramPjPerBit", NON_NEGATIVE, "DRAM energy per bit, pJ"));
    m.put("roofline", new Kind("roofline", List.copyOf(roof), (p, r) -> {
      Map<Integer, Double> peaks = new LinkedHashMap<>();
      for (int s = 0; s < Bits.SLOTS; s++) {
        int w = Bits.width(s);
        if (p.has("peakMacs" + w)) peaks.put(w, p.number("peakMacs" + w));
      }
      return new Roofline(
          peaks,
          p.number("bytesPerSecond"),
          p.whole("batch"),
          p.number("efficiency"),
          p.number("powerWatts"),
          p.number("dramPjPerBit"));
    }));
    m.put(
        "lut",
        new Kind(
            "lut",
            List.of(
                required(
                    "table",
                    TEXT,
                    "CSV file with layer,name,w_bits,a_bits,latency[,energy], beside the target file"),
                required("secondsPerUnit", POSITIVE, "seconds per latency unit of the table"),
                optional("joulesPerUnit", NON_NEGATIVE, 1, "joules per energy unit of the table"),
                optional("batch", WHOLE, 1, "images per measured run"),
                optional(
                    "operators",
                    TEXT,
                    Double.NaN,
                    "CSV file with operator,type,latency[,energy] of the operators without weights, beside the target file (none: they are not priced)")),
            (p, r) -> {
              String file = p.text("table");
              LutTable table;
              try (Reader reader = r.apply(file)) {
                table = LutTable.read(file, reader);
              } catch (java.io.IOException e) {
                throw new bitlab.hardware.LutTableException(
                    "Lookup table " + file + " could not be closed: " + e.getMessage(), e);
              }
              String ops = p.has("operators") ? p.text("operators") : null;
              LutOperators operators = null;
              if (ops != null) {
                try (Reader reader = r.apply(ops)) {
                  operators = LutOperators.read(ops, reader);
                } catch (java.io.IOException e) {
                  throw new bitlab.hardware.LutTableException(
                      "Operator table " + ops + " could not be closed: " + e.getMessage(), e);
                }
              }
              return new Lut(
                  table,
                  p.number("secondsPerUnit"),
                  p.number("joulesPerUnit"),
                  p.whole("batch"),
                  operators);
            }));
    return java.util.Collections.unmodifiableMap(m);
  }
}
