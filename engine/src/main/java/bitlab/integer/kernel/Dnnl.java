package bitlab.integer.kernel;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;

/**
 * oneDNN's CPU engine, made once; {@link #AVAILABLE} is false when the native library
 * cannot be loaded here (another OS or CPU, {@code -Dbitlab.kernel.dnnl=false}, a CPU without AVX2),
 * and the Java kernels take its layers. When {@link CpuFeatures} is forced down to AVX2, oneDNN is
 * held to AVX2 too (before its first primitive, the only time it can be).
 */
final class Dnnl {
  static final engine ENGINE;
  static final boolean AVAILABLE;
  static final String PROBLEM;
  /** The instruction set oneDNN's kernels use, e.g. {@code avx512_core_amx}; empty when it is not available. */
  static final String ISA;

  static {
    engine e = null;
    String problem = null, isa = "";
    CpuFeatures cpu = CpuFeatures.current();
    if (!Boolean.parseBoolean(System.getProperty("bitlab.kernel.dnnl", "true"))) {
      problem = "switched off with -Dbitlab.kernel.dnnl=false";
    } else if (cpu.isa() == CpuFeatures.Isa.NO_AVX2) {
      problem = "its int8 kernels need AVX2 and this CPU has none (" + cpu.source() + ")";
    } else {
      try {
        if (cpu.forced()) dnnl.dnnl_set_max_cpu_isa(dnnl.dnnl_cpu_isa_avx2);
        e = new engine(engine.kind.cpu, 0);
        isa = String.valueOf(dnnl.get_effective_cpu_isa());
      } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError, or oneDNN's own error
        problem = "oneDNN could not start: " + t;
        e = null;
      }
    }
    ENGINE = e;
    AVAILABLE = e != null;
    PROBLEM = problem;
    ISA = isa;
  }

  private Dnnl() {}
}
