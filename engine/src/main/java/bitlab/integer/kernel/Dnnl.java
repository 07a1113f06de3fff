package bitlab.integer.kernel;

import org.bytedeco.dnnl.engine;

/**
 * oneDNN's CPU engine, made once; {@link #AVAILABLE} is false when the native library
 * cannot be loaded here (another OS or CPU, {@code -Dbitlab.kernel.dnnl=false}), and the Java
 * kernels take its layers.
 */
final class Dnnl {
  static final engine ENGINE;
  static final boolean AVAILABLE;
  static final String PROBLEM;

  static {
    engine e = null;
    String problem = null;
    if (!Boolean.parseBoolean(System.getProperty("bitlab.kernel.dnnl", "true"))) {
      problem = "switched off with -Dbitlab.kernel.dnnl=false";
    } else {
      try {
        e = new engine(engine.kind.cpu, 0);
      } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError, or oneDNN's own error
        problem = "oneDNN could not start: " + t;
        e = null;
      }
    }
    ENGINE = e;
    AVAILABLE = e != null;
    PROBLEM = problem;
  }

  private Dnnl() {}
}
