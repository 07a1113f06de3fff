package bitlab.kernel.docs;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * bitlab's own javadoc for inspect requests. The DSL's sources ship inside the kernel under
 * {@code bitlab-src/} (see kernel/pom.xml); given a JShell signature such as
 * {@code "bitlab.data.Dataset Bitlab.mnist()"} this finds the doc comment of that method (or type)
 * and returns it as plain text.
 */
public final class DslDocs {
  static final String ROOT = "bitlab-src";
  private static final Pattern METHOD = Pattern.compile(
      "([A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)*)\\.([A-Za-z_$][\\w$]*)\\((.*)\\)");
  private static final Pattern TYPE =
      Pattern.compile("^([a-z_][\\w]*(?:\\.[a-z_][\\w]*)*)\\.([A-Z][\\w$]*)$");

  private final Map<String, String> sourcesBySimpleName;
  private final Map<String, String> cache = new HashMap<>();

  private DslDocs(Map<String, String> sourcesBySimpleName) {
    this.sourcesBySimpleName = sourcesBySimpleName;
  }

  /** Docs from the sources bundled with the kernel (none if they are missing). */
  public static DslDocs bundled() {
    return new DslDocs(index());
  }

  /** Docs from a source tree (tests). */
  public static DslDocs of(Path root) {
    Map<String, String> idx = new HashMap<>();
    scan(root, idx);
    return new DslDocs(idx);
  }

  /** The doc comment for what {@code signature} names, as plain text. */
  public Optional<String> lookup(String signature) {
    Matcher m = METHOD.matcher(signature);
    if (m.find()) {
      String owner = m.group(1);
      String simple = owner.substring(owner.lastIndexOf('.') + 1);
      String params = m.group(3).trim();
      int arity = params.isEmpty() ? 0 : params.split(",").length;
      return source(simple).flatMap(src -> methodDoc(src, m.group(2), arity));
    }
    Matcher t = TYPE.matcher(signature.trim());
    if (t.find()) return source(t.group(2)).flatMap(src -> typeDoc(src, t.group(2)));
    return Optional.empty();
  }

  private Optional<String> source(String simpleName) {
    String path = sourcesBySimpleName.get(simpleName);
    if (path == null) return Optional.empty();
    return Optional.ofNullable(cache.computeIfAbsent(path, DslDocs::read));
  }

  static Optional<String> methodDoc(String src, String name, int arity) {
    Pattern decl = Pattern.compile(
        "/\\*\\*((?:(?!\\*/).)*)\\*/\\s*(?:@[\\w.]+(?:\\([^)]*\\))?\\s*)*"
            + "(?:public|protected|static|final|default|abstract|synchronized|\\s|<[^>]*>)*[\\w.<>\\[\\], ?]+\\s+"
            + Pattern.quote(name) + "\\s*\\(([^)]*)\\)",
        Pattern.DOTALL);
    Matcher m = decl.matcher(src);
    String any = null;
    while (m.find()) {
      String params = m.group(2).trim();
      int n = params.isEmpty() ? 0 : params.split(",").length;
      String doc = clean(m.group(1));
      if (n == arity) return Optional.of(doc);
      if (any == null) any = doc;
    }
    return Optional.ofNullable(any);
  }

  static Optional<String> typeDoc(String src, String name) {
    Pattern decl = Pattern.compile(
        "/\\*\\*((?:(?!\\*/).)*)\\*/\\s*(?:@[\\w.]+(?:\\([^)]*\\))?\\s*)*"
            + "(?:public|final|abstract|sealed|non-sealed|static|\\s)*(?:class|record|interface|enum)\\s+"
            + Pattern.quote(name) + "\\b",
        Pattern.DOTALL);
    Matcher m = decl.matcher(src);
    return m.find() ? Optional.of(clean(m.group(1))) : Optional.empty();
  }

  /** Javadoc source to readable text: no stars, {@code x} as x, tags as short lines. */
  static String clean(String raw) {
    StringBuilder sb = new StringBuilder();
    for (String line : raw.split("\n")) {
      String l = line.strip();
      if (l.startsWith("*")) l = l.substring(1).strip();
      sb.append(l).append('\n');
    }
    String s = sb.toString().strip();
    s = s.replaceAll("\\{@(?:code|literal) ([^}]*)}", "$1");
    s = s.replaceAll("\\{@link(?:plain)? (?:[\\w.]*#)?([^}\\s]*)(?: ([^}]*))?}", "$1");
    s = s.replaceAll("(?i)<p>", "\n");
    s = s.replaceAll("(?i)</?(pre|ul|ol|li|b|i|em|strong|code)>", "");
    s = s.replaceAll("@param (\\w+)", "$1:");
    s = s.replaceAll("@return", "returns:");
    s = s.replaceAll("@throws (\\w+)", "throws $1:");
    s = s.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
    return s.replaceAll("\n{3,}", "\n\n").strip();
  }

  private static Map<String, String> index() {
    Map<String, String> idx = new HashMap<>();
    URL url = DslDocs.class.getClassLoader().getResource(ROOT);
    if (url == null) return idx;
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        FileSystem fs;
        try {
          fs = FileSystems.getFileSystem(uri);
        } catch (FileSystemNotFoundException e) {
          fs = FileSystems.newFileSystem(uri, Map.of());
        }
        scan(fs.getPath(ROOT), idx);
      } else {
        scan(Path.of(uri), idx);
      }
    } catch (URISyntaxException | IOException | RuntimeException e) {
      // Without bundled sources inspect shows signatures only.
    }
    return idx;
  }

  private static void scan(Path root, Map<String, String> idx) {
    if (!Files.isDirectory(root)) return;
    try (Stream<Path> files = Files.walk(root)) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(p -> {
        String simple = p.getFileName().toString().replaceFirst("\\.java$", "");
        idx.putIfAbsent(simple, p.toUri().toString());
      });
    } catch (IOException e) {
      // partial index
    }
  }

  private static String read(String uri) {
    try (InputStream in = URI.create(uri).toURL().openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }
}
