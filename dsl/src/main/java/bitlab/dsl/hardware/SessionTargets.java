package bitlab.dsl.hardware;

import bitlab.hardware.Target;
import bitlab.hardware.TargetSyntaxException;
import bitlab.hardware.UnknownTargetException;
import bitlab.hardware.catalogue.Catalogue;
import bitlab.hardware.catalogue.TargetLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The targets a session can name: the built-in catalogue, the {@code *.yaml} files of folders the
 * session added ({@code hardwareFolder(dir)}), and targets declared in the session (a
 * {@code %%hardware} cell, {@code declareHardware(name, yaml)} or {@code hardware(yaml)}). A
 * folder's file shadows a built-in target of the same name, and a declared target shadows both.
 */
public final class SessionTargets {

  private static Catalogue catalogue = Catalogue.builtIn();
  private static final List<Path> FOLDERS = new ArrayList<>();
  private static final Map<String, Target> DECLARED = new LinkedHashMap<>();

  private SessionTargets() {}

  /** The catalogue the session searches: built-in targets plus the added folders. */
  public static synchronized Catalogue catalogue() {
    return catalogue;
  }

  /** Adds a folder of target files; its targets are listed and found by name from now on. */
  public static synchronized Catalogue addFolder(Path dir) {
    catalogue = catalogue.withDirectory(dir);
    FOLDERS.add(dir);
    return catalogue;
  }

  /** Every name a session can use: the catalogue's, then the declared ones not already listed. */
  public static synchronized List<String> names() {
    List<String> names = new ArrayList<>(catalogue.names());
    for (String n : DECLARED.keySet()) if (!names.contains(n)) names.add(n);
    return names;
  }

  /** Every target, in {@link #names()} order. */
  public static List<Target> all() {
    return names().stream().map(SessionTargets::named).toList();
  }

  /** The catalogue as a table; a target file that does not load is listed with its error. */
  public static synchronized tech.tablesaw.api.Table table() {
    return TargetViews.catalogue(names(), SessionTargets::named);
  }

  /** A target by name; a miss lists every name known to the session. */
  public static synchronized Target named(String name) {
    return lookup(
        catalogue,
        FOLDERS,
        DECLARED,
        name,
        "Declare a new one with declareHardware(name, yaml) or a %%hardware cell, or add a folder of target files with hardwareFolder(dir).");
  }

  /**
   * A target by name among declared targets, then a catalogue; the message of a miss says where it
   * looked, lists every known name and ends with {@code fix}. Shared by the notebook session and the CLI.
   */
  public static Target lookup(
      Catalogue catalogue,
      List<Path> folders,
      Map<String, Target> declared,
      String name,
      String fix) {
    Target d = name == null ? null : declared.get(name);
    if (d != null) return d;
    if (name != null && catalogue.contains(name)) return catalogue.target(name);
    List<String> known = new ArrayList<>(catalogue.names());
    for (String n : declared.keySet()) if (!known.contains(n)) known.add(n);
    List<String> where = new ArrayList<>();
    where.add("the built-in catalogue");
    for (Path f : folders) where.add("folder " + f);
    if (!declared.isEmpty()) where.add("the targets declared in this session");
    String quoted = name == null || name.isBlank()
        ? "A target name is empty"
        : "No target named '" + name + "'";
    throw new UnknownTargetException(
        quoted + " in " + String.join(", ", where.subList(0, where.size() - 1))
            + (where.size() > 1 ? " or " : "") + where.get(where.size() - 1)
            + "; known targets are " + String.join(", ", known)
            + ". " + fix);
  }

  /**
   * Reads a target from YAML text and remembers it under {@code name} for this session (the
   * text's own {@code name:} key, if any, must agree). Errors are the loader's sentences.
   */
  public static synchronized Target declare(String name, String yaml) {
    if (name == null || name.isBlank()) {
      throw new TargetSyntaxException(
          "A declared target needs a name, e.g. declareHardware(\"my-edge\", yaml).");
    }
    if (yaml == null || yaml.isBlank()) {
      throw new TargetSyntaxException(
          "Target '" + name + "' was declared with no YAML; give its kind and parameters"
              + " as in the files of hardware/targets.");
    }
    Target read = TargetLoader.fromYaml(yaml);
    if (!read.name().equals("inline") && !read.name().equals(name)) {
      throw new TargetSyntaxException("Target '" + name + "' was declared with YAML that names it '"
          + read.name() + "'; drop the name: line or make the two agree.");
    }
    Target t = new Target(
        name,
        read.description(),
        read.model(),
        read.parameters(),
        read.calibration(),
        "declared in this session");
    DECLARED.put(name, t);
    return t;
  }

  /** A target from YAML text alone: declared under its {@code name:} key, or returned unnamed ("inline"). */
  public static Target inline(String yaml) {
    Target read = TargetLoader.fromYaml(yaml);
    return read.name().equals("inline") ? read : declare(read.name(), yaml);
  }

  /** Forgets declared targets and added folders (tests; a fresh notebook starts with neither anyway). */
  public static synchronized void reset() {
    DECLARED.clear();
    FOLDERS.clear();
    catalogue = Catalogue.builtIn();
  }
}
