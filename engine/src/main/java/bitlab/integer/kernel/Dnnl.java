package bitlab.integer.kernel;

import bitlab.cpu.CpuFeatures;
import bitlab.cpu.OneDnn;
import org.bytedeco.dnnl.engine;

/**
 * The integer kernels' view of oneDNN's one engine ({@link OneDnn}): {@link #AVAILABLE} is false when the native
 * library cannot be loaded here, with {@code -Dbitlab.kernel.dnnl=false}, or on a CPU without AVX2 (oneDNN's int8
 * kernels need it), and the Java kernels take its layers.
 */
final class Dnnl {
  static final engine ENGINE;
  static final boolean AVAILABLE;
  static final String PROBLEM;
  /** The instruction set oneDNN's kernels use, e.g. {@code avx512_core_amx}; empty when it is not available. */
  static final String ISA;

  static {
    String problem = null;
    CpuFeatures cpu = CpuFeatures.current();
    if (!Boolean.parseBoolean(System.getProperty("bitlab.kernel.dnnl", "true"))) {
      problem = "switched off with -Dbitlab.kernel.dnnl=false";
    } else if (cpu.isa() == CpuFeatures.Isa.NO_AVX2) {
      problem = "its int8 kernels need AVX2 and this CPU has none (" + cpu.source() + ")";
    } else if (!OneDnn.AVAILABLE) {
      problem = OneDnn.PROBLEM;
    }
    AVAILABLE = problem == null;
    ENGINE = AVAILABLE ? OneDnn.ENGINE : null;
    PROBLEM = problem;
    ISA = AVAILABLE ? OneDnn.ISA : "";
  }

  private Dnnl() {}
}
