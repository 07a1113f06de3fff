package bitlab.integer.kernel;

import bitlab.cpu.CpuFeatures;
import bitlab.cpu.Microarchitecture;

/**
 * This CPU's int8 peak, computed (not measured): cores x exact 8-bit multiply-accumulates into int32 per cycle and
 * core x clock. The MACs per cycle follow the core's design ({@link Microarchitecture}: bits of vector integer
 * multiply a cycle at the instruction set's width, over 8 with VNNI, over 16 without, where every product passes a
 * multiplier twice); the clock is the one Linux reports, which on a virtual machine is the nominal clock, so a core
 * that boosts can measure above this peak. The formula says both, and says when the design was assumed.
 *
 * @param gmacs    the vector unit's int8 peak in GMAC/s: what the percentages of a bench are of
 * @param amxGmacs the AMX tiles' int8 peak (1024 MACs per cycle and core), NaN without AMX; oneDNN
 *                 uses them when they are there, so a layer can run above {@code gmacs}
 * @param int32    the peak of 8-lane int32 multiply-adds (one {@code vpmulld} per cycle): the ceiling of
 *                 kernels written with the JDK 17 Vector API, which has no 8-bit dot product
 * @param macsPerCycle the exact int8 MACs a core makes per cycle, as used in {@code gmacs}
 * @param ghz      the clock used, as Linux reports it (NaN when unknown)
 * @param formula  how {@code gmacs} (and {@code amxGmacs}) were computed, with the numbers, the design and the clock
 */
public record Int8Peak(
    double gmacs, double amxGmacs, double int32, int macsPerCycle, double ghz, String formula) {
  /** {@code tdpbusd}: a 16x64 by 64x16 int8 tile product (16,384 MACs) every 16 cycles. */
  static final int AMX_MACS_PER_CYCLE = 1024;

  public static Int8Peak ofThisMachine() {
    return of(CpuFeatures.current(), Runtime.getRuntime().availableProcessors());
  }

  /** Exact int8 MACs per cycle and core of {@code arch} running {@code isa}'s kernels. */
  public static int macsPerCycle(Microarchitecture arch, CpuFeatures.Isa isa) {
    return arch.bitsPerCycle(isa.width()) / (isa.vnni() ? 8 : 16);
  }

  public static Int8Peak of(CpuFeatures cpu, int cores) {
    CpuFeatures.Isa isa = cpu.isa();
    Microarchitecture arch = cpu.core().microarchitecture();
    int macs = macsPerCycle(arch, isa);
    double ghz = cpu.ghz();
    if (Double.isNaN(ghz) || ghz <= 0)
      return new Int8Peak(
          Double.NaN,
          Double.NaN,
          Double.NaN,
          macs,
          Double.NaN,
          "unknown (no clock in /proc/cpuinfo on this system); " + macs + " MAC/cycle and core");
    double peak = cores * macs * ghz;
    String how = isa.vnni()
        ? String.format(
            "vpdpbusd: %d-bit vectors, %d u8 x s8 products into int32 each",
            isa.width(), isa.width() / 8)
        : String.format(
            "no VNNI: vpmaddubsw then vpmaddwd, each product through a multiplier twice, %d-bit vectors",
            isa.width());
    boolean known = arch != Microarchitecture.ASSUMED;
    String design = known
        ? String.format("%s (%s): %s", arch.name(), cpu.core(), arch.basis())
        : String.format("%s is not in bitlab's table of cores: %s", cpu.core(), arch.basis());
    String formula = String.format(
        "%s: %d cores x %d MAC/cycle x %.3f GHz = %.1f GMAC/s (%s; %s; at %.3f GHz, %s)",
        isa.label(), cores, macs, ghz, peak, how, design, ghz, cpu.core().clock());
    double amx = Double.NaN;
    if (cpu.amx()) {
      amx = cores * AMX_MACS_PER_CYCLE * ghz;
      formula += String.format(
          "; AMX-INT8: %d cores x %d MAC/cycle x %.3f GHz = %.1f GMAC/s (one 16x16x64 tdpbusd every 16 cycles)",
          cores, AMX_MACS_PER_CYCLE, ghz, amx);
    }
    return new Int8Peak(peak, amx, cores * 8 * ghz, macs, ghz, formula);
  }

  /** One line for a table's heading: the peak, the MACs per cycle and the clock it assumes. */
  public String brief() {
    if (Double.isNaN(gmacs)) return "computed int8 peak unknown (no clock)";
    return String.format(
        "computed int8 peak %.1f GMAC/s: %d MAC/cycle a core at %.3f GHz, the clock Linux reports (nominal on a"
            + " virtual machine)",
        gmacs, macsPerCycle, ghz);
  }
}
