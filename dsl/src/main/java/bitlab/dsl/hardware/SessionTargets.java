package bitlab.dsl.hardware;

import bitlab.hardware.Target;
import bitlab.hardware.TargetSyntaxException;
import bitlab.hardware.UnknownTargetException;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.hardware.catalogue.TargetLoader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The targets a session can name: the built-in catalogue plus targets declared in the session
 * (a {@code %%hardware} cell, {@code declareHardware(name, yaml)} or {@code hardware(yaml)}).
 * A declared target shadows a catalogue one of the same name, as a user file does.
 */
public final class SessionTargets {

  private static final Catalogue BUILT_IN = Catalogue.builtIn();
  private static final Map<String, Target> DECLARED = new LinkedHashMap<>();

  private SessionTargets() {}

  /** The built-in catalogue. */
  public static Catalogue catalogue() {
    return BUILT_IN;
  }

  /** Every name a session can use: the catalogue's, then the declared ones not already listed. */
  public static synchronized List<String> names() {
    List<String> names = new ArrayList<>(BUILT_IN.names());
    for (String n : DECLARED.keySet()) if (!names.contains(n)) names.add(n);
    return names;
  }

  /** Every target, in {@link #names()} order. */
  public static List<Target> all() {
    return names().stream().map(SessionTargets::named).toList();
  }

  /** A target by name; a miss lists every name known to the session. */
  public static synchronized Target named(String name) {
    if (name == null || name.isBlank()) {
      throw new UnknownTargetException("A target name is empty; known targets are " + String.join(", ", names()) + ".");
    }
    Target declared = DECLARED.get(name);
    if (declared != null) return declared;
    if (BUILT_IN.contains(name)) return BUILT_IN.target(name);
    List<String> declaredNames = new ArrayList<>(DECLARED.keySet());
    throw new UnknownTargetException("No target named '" + name + "' in the built-in catalogue"
        + (declaredNames.isEmpty() ? "" : " or among the targets declared in this session")
        + "; known targets are " + String.join(", ", names())
        + ". Declare a new one with declareHardware(name, yaml) or a %%hardware cell.");
  }

  /**
   * Reads a target from YAML text and remembers it under {@code name} for this session (the
   * text's own {@code name:} key, if any, must agree). Errors are the loader's sentences.
   */
  public static synchronized Target declare(String name, String yaml) {
    if (name == null || name.isBlank()) {
      throw new TargetSyntaxException("A declared target needs a name, e.g. declareHardware(\"my-edge\", yaml).");
    }
    if (yaml == null || yaml.isBlank()) {
      throw new TargetSyntaxException("Target '" + name + "' was declared with no YAML; give its kind and parameters"
          + " as in the files of hardware/targets.");
    }
    Target read = TargetLoader.fromYaml(yaml);
    if (!read.name().equals("inline") && !read.name().equals(name)) {
      throw new TargetSyntaxException("Target '" + name + "' was declared with YAML that names it '" + read.name()
          + "'; drop the name: line or make the two agree.");
    }
    Target t = new Target(name, read.description(), read.model(), read.parameters(), read.calibration(),
        "declared in this session");
    DECLARED.put(name, t);
    return t;
  }

  /** A target from YAML text alone: declared under its {@code name:} key, or returned unnamed ("inline"). */
  public static Target inline(String yaml) {
    Target read = TargetLoader.fromYaml(yaml);
    return read.name().equals("inline") ? read : declare(read.name(), yaml);
  }

  /** Forgets the targets declared in this session (tests; a fresh notebook starts empty anyway). */
  public static synchronized void forgetDeclared() {
    DECLARED.clear();
  }
}
