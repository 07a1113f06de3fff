package bitlab.cpu;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;

/**
 * oneDNN's CPU engine, made once for the whole process: the float engine ({@code bitlab.nn}) and the integer
 * kernels ({@code bitlab.integer.kernel}) both run their primitives on it. Made here because oneDNN takes a cap
 * on its instruction set only before its first primitive: when {@link CpuFeatures} is held down to AVX2
 * ({@code -Dbitlab.kernel.isa=avx2}) every user must find oneDNN held there too, whichever starts first.
 * {@link #AVAILABLE} is false where the native library cannot load (another OS or CPU); each user then keeps
 * its own fallback and may also be switched off on its own ({@code -Dbitlab.nn.dnnl=false},
 * {@code -Dbitlab.kernel.dnnl=false}).
 */
public final class OneDnn {
  /** The engine, null when {@link #AVAILABLE} is false. */
  public static final engine ENGINE;

  public static final boolean AVAILABLE;
  /** Why oneDNN could not start, or null when it did. */
  public static final String PROBLEM;
  /** The instruction set oneDNN's kernels use, e.g. {@code avx512_core_amx}; empty when it is not available. */
  public static final String ISA;

  static {
    engine e = null;
    String problem = null, isa = "";
    try {
      CpuFeatures cpu = CpuFeatures.current();
      if (cpu.forced() && cpu.isa() == CpuFeatures.Isa.AVX2)
        dnnl.dnnl_set_max_cpu_isa(dnnl.dnnl_cpu_isa_avx2);
      e = new engine(engine.kind.cpu, 0);
      isa = String.valueOf(dnnl.get_effective_cpu_isa());
    } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError or oneDNN's own error
      problem = "oneDNN could not start: " + t;
      e = null;
    }
    ENGINE = e;
    AVAILABLE = e != null;
    PROBLEM = problem;
    ISA = isa;
  }

  private OneDnn() {}
}
