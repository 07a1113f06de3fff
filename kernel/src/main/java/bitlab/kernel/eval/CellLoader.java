package bitlab.kernel.eval;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;
import jdk.jshell.spi.ExecutionControl.ClassInstallException;
import jdk.jshell.spi.ExecutionControl.InternalException;

/**
 * Loads the classes JShell compiles for each snippet into one class loader whose parent is the
 * kernel's own, so cells see the DSL and its libraries directly; each class is rewritten by
 * {@link CellWeaver} first (System.exit refused, stop checks on loops). Classes of dropped
 * snippets are forgotten here; their static fields are cleared by {@link Evaluator} so that the
 * values they held can be collected.
 */
final class CellLoader implements LoaderDelegate {

  private final Map<String, byte[]> bytecode = new ConcurrentHashMap<>();
  private final Map<String, Class<?>> loaded = new ConcurrentHashMap<>();
  private final Loader loader = new Loader(CellLoader.class.getClassLoader());

  @Override
  public void load(ClassBytecodes[] cbcs) throws ClassInstallException {
    boolean[] installed = new boolean[cbcs.length];
    for (int i = 0; i < cbcs.length; i++) {
      bytecode.put(cbcs[i].name(), CellWeaver.weave(cbcs[i].bytecodes()));
    }
    for (int i = 0; i < cbcs.length; i++) {
      try {
        loaded.put(cbcs[i].name(), loader.loadClass(cbcs[i].name()));
        installed[i] = true;
      } catch (ClassNotFoundException | LinkageError e) {
        throw new ClassInstallException(
            "Could not load the class of a snippet, " + cbcs[i].name() + ": " + e, installed);
      }
    }
  }

  @Override
  public void classesRedefined(ClassBytecodes[] cbcs) {
    for (ClassBytecodes c : cbcs) bytecode.put(c.name(), CellWeaver.weave(c.bytecodes()));
  }

  @Override
  public void addToClasspath(String path) throws InternalException {
    for (String part : path.split(java.io.File.pathSeparator)) {
      if (part.isBlank()) continue;
      try {
        loader.add(Path.of(part).toAbsolutePath().toUri().toURL());
      } catch (MalformedURLException | java.nio.file.InvalidPathException e) {
        throw new InternalException(
            "Not a usable class path entry: " + part + " (" + e.getMessage() + ")");
      }
    }
  }

  @Override
  public Class<?> findClass(String name) throws ClassNotFoundException {
    Class<?> c = loaded.get(name);
    if (c != null) return c;
    if (bytecode.containsKey(name)) return loader.loadClass(name);
    throw new ClassNotFoundException(name + " is not a class of this notebook");
  }

  /** The loaded class of a snippet, or null if it is not (or no longer) known. */
  Class<?> loadedClass(String name) {
    return loaded.get(name);
  }

  void forget(String name) {
    loaded.remove(name);
    bytecode.remove(name);
  }

  ClassLoader classLoader() {
    return loader;
  }

  private final class Loader extends URLClassLoader {
    Loader(ClassLoader parent) {
      super("bitlab-cells", new URL[0], parent);
    }

    void add(URL url) {
      addURL(url);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] b = bytecode.get(name);
      if (b == null) return super.findClass(name);
      return defineClass(name, b, 0, b.length, (CodeSource) null);
    }
  }
}
