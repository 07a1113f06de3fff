package bitlab.integer.kernel;

import bitlab.cpu.CpuFeatures;

/**
 * Whether the Vector API kernels can run here: the incubating module {@code jdk.incubator.vector}
 * must be in the boot layer (the JVM needs {@code --add-modules jdk.incubator.vector}; the
 * launcher, the kernel spec and the Maven build pass it) and the CPU must have 256-bit integer
 * vectors (AVX2), else the 8-lane code would be emulated and slow. Without either, or with
 * {@code -Dbitlab.kernel.isa=none}, every layer gets the plain-Java kernel.
 */
final class VectorSupport {
  static final boolean AVAILABLE = probe();

  private VectorSupport() {}

  /** The reason the Vector API kernels are off, or null when they are on. */
  static String unavailableReason() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return "the JVM was started without --add-modules jdk.incubator.vector";
    }
    if (forcedOff())
      return "the CPU is taken as one without AVX2 (" + CpuFeatures.current().source() + ")";
    return AVAILABLE ? null : "this CPU has no 256-bit integer vectors";
  }

  private static boolean forcedOff() {
    CpuFeatures cpu = CpuFeatures.current();
    return cpu.forced() && cpu.isa() == CpuFeatures.Isa.NO_AVX2;
  }

  private static boolean probe() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty() || forcedOff())
      return false;
    try {
      return Wide.enough();
    } catch (LinkageError e) {
      return false;
    }
  }

  /** Kept apart so that the vector classes are loaded only once the module is known to be there. */
  private static final class Wide {
    static boolean enough() {
      return jdk.incubator.vector.IntVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
    }
  }
}
