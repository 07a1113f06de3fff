package bitlab.hardware.catalogue;

import bitlab.hardware.Parameter;
import bitlab.hardware.Target;
import bitlab.hardware.TargetParameterException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;

/**
 * Targets as text and as variations: {@link #toYaml} writes a target back in the file format
 * (so a notebook can show, save or share the exact machine it priced on), and {@link #vary}
 * makes a copy with one parameter changed ("what if the bandwidth doubled?"), re-checked by the
 * same loader as a file would be.
 */
public final class Targets {

  private Targets() {}

  /** The target in the YAML file format; {@link TargetLoader#fromYaml} reads it back. */
  public static String toYaml(Target t) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("name", t.name());
    doc.put("description", t.description());
    doc.put("kind", t.kind());
    Map<String, Object> params = new LinkedHashMap<>();
    for (Parameter p : t.parameters()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("value", p.value());
      if (!p.unit().isEmpty()) entry.put("unit", p.unit());
      if (!p.source().isEmpty()) entry.put("source", p.source());
      params.put(p.key(), entry);
    }
    doc.put("parameters", params);
    doc.put("calibration", t.calibration());
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    o.setWidth(100);
    return new org.yaml.snakeyaml.Yaml(o).dump(doc);
  }

  /**
   * A copy of {@code t} with parameter {@code key} set to {@code value} (text as in a file, e.g.
   * "100e6"), named {@code name[key=value]}. Lookup-table targets cannot be varied this way:
   * their table is data, not a parameter.
   */
  public static Target vary(Target t, String key, String value) {
    if (t.kind().equals("lut")) {
      throw new TargetParameterException(
          "Target " + t.name() + " is a lookup table; vary its CSV or its target file"
              + " instead of parameter '" + key + "'.");
    }
    Kinds.Kind kind = Kinds.ALL.get(t.kind());
    if (kind.params().stream().noneMatch(s -> s.key().equals(key))) {
      throw new TargetParameterException("Target " + t.name() + " (kind " + t.kind()
          + ") has no parameter '" + key + "'; its parameters are "
          + String.join(", ", kind.params().stream().map(ParamSpec::key).toList()) + ".");
    }
    Map<String, Parameter> params = new LinkedHashMap<>();
    for (Parameter p : t.parameters()) params.put(p.key(), p);
    params.put(
        key,
        new Parameter(
            key,
            value,
            Double.NaN,
            params.containsKey(key) ? params.get(key).unit() : "",
            "varied from " + t.name()));
    String name = t.name() + "[" + key + "=" + value + "]";
    Target copy = new Target(
        name,
        t.description(),
        t.model(),
        java.util.List.copyOf(params.values()),
        t.calibration(),
        t.origin());
    return TargetLoader.load("variation " + name, name, toYaml(copy), file -> {
      throw new TargetParameterException(
          "Target " + name + " names table " + file + ", which a variation cannot read.");
    });
  }
}
