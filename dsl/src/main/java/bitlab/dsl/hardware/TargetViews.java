package bitlab.dsl.hardware;

import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.TableHtml;
import bitlab.hardware.Parameter;
import bitlab.hardware.Target;
import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Targets as tables and HTML: the catalogue, one target's parameters with their sources. */
public final class TargetViews {

  private TargetViews() {}

  /** One row per target: name, kind, description, images per run and the parameters that size it. */
  public static Table catalogue(List<Target> targets) {
    return catalogue(
        targets.stream().map(Target::name).toList(),
        name -> targets.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow());
  }

  /**
   * One row per name, each target loaded by {@code load}; a target whose file does not load gets a
   * row of kind "error" whose description is the loader's sentence, so one broken file hides nothing.
   */
  public static Table catalogue(
      List<String> names, java.util.function.Function<String, Target> load) {
    StringColumn name = StringColumn.create("name");
    StringColumn kind = StringColumn.create("kind");
    StringColumn what = StringColumn.create("description");
    IntColumn batch = IntColumn.create("batch");
    StringColumn key = StringColumn.create("key parameters");
    for (String n : names) {
      Target t;
      try {
        t = load.apply(n);
      } catch (bitlab.hardware.HardwareException e) {
        name.append(n);
        kind.append("error");
        what.append(e.getMessage());
        batch.appendMissing();
        key.append("");
        continue;
      }
      name.append(t.name());
      kind.append(t.kind());
      what.append(t.description().strip());
      batch.append(t.batch());
      key.append(keyParameters(t));
    }
    return Table.create("hardware targets", name, kind, what, batch, key);
  }

  /** The few parameters that say how big and fast a target is, in one line. */
  public static String keyParameters(Target t) {
    List<String> parts = new ArrayList<>();
    switch (t.kind()) {
      case "bismo" -> {
        parts.add(plain(t, "dm") + "x" + plain(t, "dk") + "x" + plain(t, "dn") + " array");
        parts.add(si(t, "clockHz", "Hz"));
        parts.add(si(t, "dramBytesPerSecond", "B/s"));
      }
      case "bitfusion" -> {
        parts.add(plain(t, "rows") + "x" + plain(t, "columns") + " fusion units");
        parts.add(si(t, "clockHz", "Hz"));
        parts.add(plain(t, "dramBitsPerCycle") + " DRAM bits/cycle");
      }
      case "roofline" -> {
        for (String k : List.of("peakMacs4", "peakMacs8", "peakMacs32")) {
          if (t.parameter(k) != null)
            parts.add(k.substring("peakMacs".length()) + "-bit " + si(t, k, "MAC/s"));
        }
        parts.add(si(t, "bytesPerSecond", "B/s"));
      }
      case "lut" -> parts.add("table " + plain(t, "table"));
      default -> {
        for (Parameter p : t.parameters()) parts.add(p.key() + "=" + p.value());
      }
    }
    return String.join(", ", parts);
  }

  /** text/plain and HTML of one target: what it is, every parameter with unit and source, the calibration note. */
  public static MimeBundle render(Target t) {
    StringBuilder text = new StringBuilder();
    text.append(t.name())
        .append(" (")
        .append(t.kind())
        .append(", batch ")
        .append(t.batch())
        .append(")\n")
        .append(t.description().strip())
        .append('\n');
    for (Parameter p : t.parameters()) {
      text.append(
          String.format("  %-20s %-10s %-6s %s%n", p.key(), p.value(), p.unit(), p.source()));
    }
    if (!t.calibration().isBlank())
      text.append("calibration: ").append(t.calibration().strip()).append('\n');
    if (!t.origin().isBlank()) text.append("from: ").append(t.origin()).append('\n');

    StringBuilder html = new StringBuilder("<div class=\"bitlab-target\">");
    html.append("<p><b>")
        .append(TableHtml.escape(t.name()))
        .append("</b> &mdash; kind <code>")
        .append(TableHtml.escape(t.kind()))
        .append("</code>, ")
        .append(t.batch())
        .append(t.batch() == 1 ? " image" : " images")
        .append(" per run")
        .append(t.origin().isBlank() ? "" : ", from " + TableHtml.escape(t.origin()))
        .append("</p>");
    html.append("<p>").append(TableHtml.escape(t.description().strip())).append("</p>");
    html.append(TableHtml.html(parameters(t), 100));
    if (!t.calibration().isBlank()) {
      html.append("<p><b>Calibration.</b> ")
          .append(TableHtml.escape(t.calibration().strip()))
          .append("</p>");
    }
    html.append("</div>");
    return MimeBundle.html(text.toString(), html.toString());
  }

  /** One row per parameter: key, value, unit, source. */
  public static Table parameters(Target t) {
    StringColumn key = StringColumn.create("parameter");
    StringColumn value = StringColumn.create("value");
    StringColumn unit = StringColumn.create("unit");
    StringColumn source = StringColumn.create("source");
    for (Parameter p : t.parameters()) {
      key.append(p.key());
      value.append(p.value());
      unit.append(p.unit());
      source.append(p.source());
    }
    return Table.create("parameters of " + t.name(), key, value, unit, source);
  }

  private static String plain(Target t, String key) {
    Parameter p = t.parameter(key);
    if (p == null) return "?";
    double v = p.number();
    if (Double.isNaN(v)) return p.value();
    return v == Math.rint(v) && Math.abs(v) < 1e6 ? String.valueOf((long) v) : p.value();
  }

  /** A value with an SI prefix: 200e6 Hz -> "200 MHz". */
  static String si(Target t, String key, String unit) {
    Parameter p = t.parameter(key);
    if (p == null) return "? " + unit;
    return si(p.number(), unit);
  }

  static String si(double v, String unit) {
    if (Double.isNaN(v)) return "? " + unit;
    String[] prefixes = {"", "k", "M", "G", "T", "P"};
    int i = 0;
    while (Math.abs(v) >= 1000 && i < prefixes.length - 1) {
      v /= 1000;
      i++;
    }
    String number = v == Math.rint(v) ? String.valueOf((long) v) : String.format("%.3g", v);
    return number + " " + prefixes[i] + unit;
  }
}
