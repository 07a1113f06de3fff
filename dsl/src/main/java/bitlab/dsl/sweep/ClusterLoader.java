package bitlab.dsl.sweep;

import bitlab.dsl.sweep.job.SweepException;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The class loader of bitlab's cluster module and Apache Spark, made the first time a sweep asks for
 * Spark: the JVM starts without them (a kernel or command that never uses Spark pays nothing), and
 * their libraries, some newer than the ones bitlab's engine uses, never meet the engine's.
 *
 * <p>The class path comes from the file named by {@code -Dbitlab.cluster.classpath=FILE} (the launcher
 * passes the one {@code ./bitlab setup} writes). Entries already on this JVM's class path are left
 * out; classes of {@code bitlab.*} outside {@code bitlab.cluster} come from this JVM (so a job made
 * here is the same class there), and so does slf4j (one logging provider: bitlab's), everything else
 * is looked up here first.
 */
final class ClusterLoader extends URLClassLoader {
  static final String PROPERTY = "bitlab.cluster.classpath";
  private static ClusterLoader instance;

  static {
    ClassLoader.registerAsParallelCapable();
  }

  private ClusterLoader(URL[] urls, ClassLoader parent) {
    super("bitlab-cluster", urls, parent);
  }

  /** The loader, made once; null when this JVM was not given a cluster class path. */
  static synchronized ClusterLoader get() {
    if (instance != null) return instance;
    String file = System.getProperty(PROPERTY);
    if (file == null || file.isBlank()) return null;
    List<String> entries;
    try {
      entries = List.of(Files.readString(Path.of(file)).strip().split(File.pathSeparator));
    } catch (IOException e) {
      throw new SweepException("The cluster class path file " + file + " (-D" + PROPERTY
          + ") cannot be read (" + e.getMessage() + "); run ./bitlab setup to write it.");
    }
    Set<String> here = new HashSet<>();
    for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator))
      here.add(canonical(e));
    Set<URL> urls = new LinkedHashSet<>();
    for (String e : entries) {
      if (e.isBlank() || here.contains(canonical(e))) continue;
      try {
        urls.add(Path.of(e).toUri().toURL());
      } catch (MalformedURLException bad) {
        throw new SweepException("The cluster class path file " + file + " lists '" + e
            + "', which is not a path; run ./bitlab setup again.");
      }
    }
    instance = new ClusterLoader(urls.toArray(URL[]::new), ClusterLoader.class.getClassLoader());
    return instance;
  }

  private static String canonical(String path) {
    try {
      return new File(path).getCanonicalPath();
    } catch (IOException e) {
      return new File(path).getAbsolutePath();
    }
  }

  private static boolean fromParent(String name) {
    return name.startsWith("java.")
        || name.startsWith("org.slf4j.")
        || (name.startsWith("bitlab.") && !name.startsWith("bitlab.cluster."));
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null && !fromParent(name)) {
        try {
          c = findClass(name);
        } catch (ClassNotFoundException notHere) {
          // the parent's, below
        }
      }
      if (c == null) c = getParent().loadClass(name);
      if (resolve) resolveClass(c);
      return c;
    }
  }

  @Override
  public URL getResource(String name) {
    URL u = findResource(name);
    return u != null ? u : getParent().getResource(name);
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
    all.addAll(Collections.list(getParent().getResources(name)));
    return Collections.enumeration(all);
  }
}
