package bitlab.cluster;

import bitlab.dsl.sweep.job.SweepException;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The code a cluster's executors need and may lack: this module (sent when the context starts, so
 * executors can run the first probe), then every entry of the driver's class path whose file an
 * executor does not already have (bitlab, its engine, ND4J and friends). Folders of classes (a
 * development build) are packed into jars first. Spark itself is the cluster's own.
 */
final class ShippedJars {
  private static Path packed;

  private ShippedJars() {}

  /** This module as a jar. */
  static String self() {
    try {
      return jar(Path.of(ShippedJars.class
              .getProtectionDomain()
              .getCodeSource()
              .getLocation()
              .toURI()))
          .toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The driver's class path entries whose file names are not among the executors' (as jars). */
  static List<String> missing(Set<String> executorFiles) {
    List<String> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (e.isBlank()) continue;
      Path p = Path.of(e);
      if (!Files.exists(p) || !seen.add(p.toAbsolutePath().normalize().toString())) continue;
      if (Files.isRegularFile(p)
          && (!p.toString().endsWith(".jar")
              || executorFiles.contains(p.getFileName().toString()))) continue;
      out.add(jar(p).toString());
    }
    return out;
  }

  /** A jar as it is; a folder of classes packed into a jar named after its module. */
  static synchronized Path jar(Path entry) {
    if (!Files.isDirectory(entry)) return entry;
    try {
      if (packed == null) {
        packed = Files.createTempDirectory("bitlab-jars");
        packed.toFile().deleteOnExit();
      }
      Path abs = entry.toAbsolutePath().normalize();
      String module = abs.getFileName().toString().equals("classes")
              && abs.getParent() != null
              && abs.getParent().getParent() != null
          ? abs.getParent().getParent().getFileName().toString()
          : abs.getFileName().toString();
      Path out = packed.resolve(
          "bitlab-" + module + "-" + Integer.toHexString(abs.toString().hashCode()) + ".jar");
      if (!Files.exists(out)) write(abs, out);
      return out;
    } catch (IOException e) {
      throw new SweepException(
          "Could not pack " + entry + " into a jar for the cluster's executors (" + e.getMessage()
              + "); build "
              + "bitlab's jars with mvn package, or check the space in the temporary folder.",
          e);
    }
  }

  private static void write(Path dir, Path out) throws IOException {
    Path tmp = Files.createTempFile(out.getParent(), out.getFileName().toString(), ".part");
    Manifest m = new Manifest();
    m.getMainAttributes().putValue("Manifest-Version", "1.0");
    try (OutputStream os = Files.newOutputStream(tmp);
        JarOutputStream jar = new JarOutputStream(os, m);
        Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        String name = dir.relativize(f).toString().replace(File.separatorChar, '/');
        if (name.isEmpty() || name.equals("META-INF/MANIFEST.MF")) continue;
        if (Files.isDirectory(f)) {
          jar.putNextEntry(new JarEntry(name + "/"));
        } else {
          jar.putNextEntry(new JarEntry(name));
          Files.copy(f, jar);
        }
        jar.closeEntry();
      }
    }
    Files.move(tmp, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    out.toFile().deleteOnExit();
  }
}
