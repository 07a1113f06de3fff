package bitlab.hardware.catalogue;

import bitlab.hardware.CostModel;
import bitlab.hardware.LutTableException;
import bitlab.hardware.Parameter;
import bitlab.hardware.Target;
import bitlab.hardware.TargetParameterException;
import bitlab.hardware.TargetSyntaxException;
import bitlab.hardware.UnknownKindException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads one target from YAML text:
 *
 * <pre>
 * name: my-edge            # optional; a file's name defaults to its file name
 * description: one line saying what machine this is
 * kind: bismo              # bitfusion | bismo | lut | roofline
 * parameters:
 *   clockHz: 200e6                        # a bare value, or
 *   dm: {value: 8, source: "BISMO, FPL 2018, Table II"}   # a value with its source
 * calibration: how the parameters were checked against a published figure
 * </pre>
 *
 * Every failure is a {@link bitlab.hardware.HardwareException} whose message names the source,
 * the line or key, and what was expected.
 */
public final class TargetLoader {

  private static final List<String> TOP_KEYS =
      List.of("name", "description", "kind", "parameters", "calibration");

  private TargetLoader() {}

  /** A target declared inline, e.g. in a notebook cell; its table files resolve against the working directory. */
  public static Target fromYaml(String yaml) {
    return load("inline YAML", "inline", yaml, file -> fileReader(Path.of(file), "inline YAML"));
  }

  /** A target file; a LUT's table is read from beside it. */
  public static Target fromFile(Path file) {
    String text = bitlab.files.TextFile.read(
        file,
        "the target file",
        "Target file " + file + " does not exist; expected a .yaml file there.",
        m -> new TargetSyntaxException(m, null));
    String stem = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    Path dir = file.toAbsolutePath().getParent();
    return load(
        "file " + file.getFileName(),
        stem,
        text,
        name -> fileReader(dir.resolve(name), "file " + file.getFileName()));
  }

  /** A target on the classpath under {@code folder/name.yaml} (how built-in targets ship in the jar). */
  static Target fromResource(ClassLoader loader, String folder, String name) {
    String path = folder + "/" + name + ".yaml";
    String text;
    try (InputStream in = loader.getResourceAsStream(path)) {
      if (in == null) return null;
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return load("built-in target " + name + ".yaml", name, text, file -> {
      InputStream in = loader.getResourceAsStream(folder + "/" + file);
      if (in == null) {
        throw new LutTableException("Lookup table " + file + " named by built-in target " + name
            + " is not in the catalogue beside it.");
      }
      return new InputStreamReader(in, StandardCharsets.UTF_8);
    });
  }

  static Target load(
      String source, String defaultName, String text, Function<String, Reader> tables) {
    Node root = Yaml.parse(source, text);
    Map<String, NodeTuple> top = Yaml.mapping(source, "the document", root);
    for (NodeTuple t : top.values()) {
      String key = ((ScalarNode) t.getKeyNode()).getValue();
      if (!TOP_KEYS.contains(key)) {
        throw new TargetSyntaxException("Target " + source + " line " + Yaml.line(t.getKeyNode())
            + " has key '" + key + "'; expected only " + String.join(", ", TOP_KEYS) + ".");
      }
    }
    String name = top.containsKey("name")
        ? Yaml.scalar(source, "name", top.get("name").getValueNode())
        : defaultName;
    if (name == null || name.isBlank()) { // e.g. "name: >-" with nothing folded under it
      throw new TargetSyntaxException("Target " + source
          + " has an empty 'name'; give the target a name, for example 'name: my-accelerator'.");
    }
    if (!top.containsKey("kind")) {
      throw new TargetSyntaxException(
          "Target " + source + " has no 'kind' key; expected one of " + Kinds.known() + ".");
    }
    Node kindNode = top.get("kind").getValueNode();
    String kindName = Yaml.scalar(source, "kind", kindNode);
    Kinds.Kind kind = Kinds.ALL.get(kindName);
    if (kind == null) {
      throw new UnknownKindException("Target " + source + " line " + Yaml.line(kindNode)
          + " has kind '" + kindName + "'; known kinds are " + Kinds.known() + ".");
    }
    if (!top.containsKey("parameters")) {
      throw new TargetParameterException("Target " + source + " has no 'parameters' key; kind "
          + kindName + " needs " + requiredKeys(kind) + ".");
    }
    Params params = parameters(source, kind, top.get("parameters").getValueNode());
    CostModel model;
    try {
      model = kind.build().apply(params, tables);
    } catch (IllegalArgumentException | TargetParameterException e) { // a kind's own range checks
      throw new TargetParameterException("Target " + source + ": " + e.getMessage(), e);
    }
    String description = top.containsKey("description")
        ? Yaml.scalar(source, "description", top.get("description").getValueNode())
            .strip()
        : "";
    String calibration = top.containsKey("calibration")
        ? Yaml.scalar(source, "calibration", top.get("calibration").getValueNode())
            .strip()
        : "";
    return new Target(
        name, description, model, new ArrayList<>(params.values().values()), calibration, source);
  }

  private static Params parameters(String source, Kinds.Kind kind, Node node) {
    Map<String, ParamSpec> specs = new LinkedHashMap<>();
    for (ParamSpec s : kind.params()) specs.put(s.key(), s);
    Map<String, Parameter> values = new LinkedHashMap<>();
    for (Map.Entry<String, NodeTuple> e :
        Yaml.mapping(source, "parameters", node).entrySet()) {
      String key = e.getKey();
      ParamSpec spec = specs.get(key);
      if (spec == null) {
        throw new TargetParameterException(
            "Target " + source + " line " + Yaml.line(e.getValue().getKeyNode())
                + " has parameter '" + key + "', which kind " + kind.name()
                + " does not take; its parameters are "
                + String.join(", ", specs.keySet()) + ".");
      }
      values.put(key, parameter(source, spec, e.getValue().getValueNode()));
    }
    for (ParamSpec s : kind.params()) {
      if (s.required() && !values.containsKey(s.key())) {
        throw new TargetParameterException("Target " + source + " is missing parameters." + s.key()
            + "; expected " + s.type().expected + " (" + s.meaning() + ").");
      }
    }
    return new Params(values, specs);
  }

  private static Parameter parameter(String source, ParamSpec spec, Node node) {
    Node valueNode = node;
    String unit = "";
    String from = "";
    if (!(node instanceof ScalarNode)) {
      Map<String, NodeTuple> m = Yaml.mapping(source, "parameters." + spec.key(), node);
      for (String k : m.keySet()) {
        if (!List.of("value", "unit", "source").contains(k)) {
          throw new TargetParameterException(
              "Target " + source + " line " + Yaml.line(m.get(k).getKeyNode()) + ": parameters."
                  + spec.key() + " has key '" + k + "'; expected value, unit and source.");
        }
      }
      if (!m.containsKey("value")) {
        throw new TargetParameterException("Target " + source + " line " + Yaml.line(node)
            + ": parameters." + spec.key() + " has no 'value'; expected " + spec.type().expected
            + " (" + spec.meaning() + ").");
      }
      valueNode = m.get("value").getValueNode();
      if (m.containsKey("unit"))
        unit = Yaml.scalar(source, spec.key() + ".unit", m.get("unit").getValueNode());
      if (m.containsKey("source"))
        from = Yaml.scalar(source, spec.key() + ".source", m.get("source").getValueNode());
    }
    String text = Yaml.scalar(source, "parameters." + spec.key(), valueNode).strip();
    int line = Yaml.line(valueNode);
    if (spec.type() == ParamSpec.Type.TEXT) {
      if (text.isEmpty()) throw bad(source, line, spec, text);
      return new Parameter(spec.key(), text, Double.NaN, unit, from);
    }
    double v;
    try {
      v = Double.parseDouble(text.replace("_", ""));
    } catch (NumberFormatException e) {
      throw bad(source, line, spec, text);
    }
    boolean ok = switch (spec.type()) {
      case POSITIVE -> v > 0 && !Double.isInfinite(v);
      case WHOLE -> v >= 1 && v == Math.rint(v) && v <= Integer.MAX_VALUE;
      case NON_NEGATIVE -> v >= 0 && !Double.isInfinite(v);
      case TEXT -> true;
    };
    if (!ok) throw bad(source, line, spec, text);
    return new Parameter(spec.key(), text, v, unit, from);
  }

  private static TargetParameterException bad(
      String source, int line, ParamSpec spec, String text) {
    return new TargetParameterException(
        "Target " + source + " line " + line + ": parameters." + spec.key() + " is '" + text
            + "'; expected " + spec.type().expected + " (" + spec.meaning() + ").");
  }

  private static String requiredKeys(Kinds.Kind kind) {
    return String.join(
        ", ",
        kind.params().stream().filter(ParamSpec::required).map(ParamSpec::key).toList());
  }

  private static Reader fileReader(Path path, String source) {
    try {
      return Files.newBufferedReader(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new LutTableException(
          "Lookup table " + path.getFileName() + " named by " + source
              + " does not exist; expected a CSV file beside the target.",
          e);
    } catch (IOException e) {
      throw new LutTableException(
          "Lookup table " + path.getFileName() + " could not be read: " + e.getMessage() + ".", e);
    }
  }
}
