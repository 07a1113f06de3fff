package bitlab.hardware.catalogue;

import bitlab.hardware.Target;
import bitlab.hardware.TargetSyntaxException;
import bitlab.hardware.UnknownTargetException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The targets a session can name: the built-in ones shipped in the jar (listed explicitly in
 * {@code bitlab/targets/catalogue.txt}, no classpath scanning) plus any {@code *.yaml} files of
 * user directories, which override a built-in target of the same name. Targets are parsed when
 * first asked for, so one broken user file does not hide the others.
 */
public final class Catalogue {

  static final String FOLDER = "bitlab/targets";

  private final Map<String, Supplier<Target>> entries;
  private final List<String> searched;
  private final Map<String, Target> loaded = new java.util.concurrent.ConcurrentHashMap<>();

  private Catalogue(Map<String, Supplier<Target>> entries, List<String> searched) {
    this.entries = entries;
    this.searched = searched;
  }

  /** The targets shipped with bitlab. */
  public static Catalogue builtIn() {
    ClassLoader loader = Catalogue.class.getClassLoader();
    Map<String, Supplier<Target>> m = new LinkedHashMap<>();
    try (InputStream in = loader.getResourceAsStream(FOLDER + "/catalogue.txt")) {
      if (in == null)
        throw new IllegalStateException("The built-in catalogue index " + FOLDER
            + "/catalogue.txt is missing from the classpath.");
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String name = line.strip();
        if (name.isEmpty() || name.startsWith("#")) continue;
        m.put(name, () -> TargetLoader.fromResource(loader, FOLDER, name));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return new Catalogue(m, List.of("the built-in catalogue"));
  }

  /** This catalogue plus every {@code *.yaml} / {@code *.yml} file in {@code dir}. */
  public Catalogue withDirectory(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new TargetSyntaxException("Target directory " + dir
          + " does not exist or is not a directory; " + "expected a folder of .yaml target files.");
    }
    Map<String, Supplier<Target>> m = new LinkedHashMap<>(entries);
    try (Stream<Path> files = Files.list(dir)) {
      files
          .filter(p -> p.getFileName().toString().matches(".*\\.ya?ml"))
          .sorted()
          .forEach(p -> {
            String name = p.getFileName().toString().replaceFirst("\\.ya?ml$", "");
            m.put(name, () -> TargetLoader.fromFile(p));
          });
    } catch (IOException e) {
      throw new TargetSyntaxException(
          "Target directory " + dir + " could not be listed: " + e.getMessage() + ".", e);
    }
    List<String> s = new ArrayList<>(searched);
    s.add("directory " + dir);
    return new Catalogue(m, s);
  }

  /** Target names, built-in first, in catalogue order. */
  public List<String> names() {
    return List.copyOf(entries.keySet());
  }

  public boolean contains(String name) {
    return entries.containsKey(name);
  }

  /** A target by name; the message of a miss lists every known name. */
  public Target target(String name) {
    Supplier<Target> s = entries.get(name);
    if (s == null) {
      throw new UnknownTargetException(
          "No target named '" + name + "' in " + String.join(" or ", searched)
              + "; known targets are " + String.join(", ", entries.keySet()) + ".");
    }
    return loaded.computeIfAbsent(name, k -> s.get());
  }

  /** Every target, loaded. */
  public List<Target> targets() {
    return names().stream().map(this::target).toList();
  }
}
