package bitlab.integer.kernel;

import bitlab.cpu.CpuFeatures;

/**
 * This CPU's int8 peak, computed (not measured) from the instruction set {@link CpuFeatures} found:
 * cores x exact 8-bit multiply-accumulates into int32 per cycle x clock.
 *
 * @param gmacs    the vector unit's int8 peak in GMAC/s: what the percentages of a bench are of
 * @param amxGmacs the AMX tiles' int8 peak (1024 MACs per cycle and core), NaN without AMX; oneDNN
 *                 uses them when they are there, so a layer can run above {@code gmacs}
 * @param int32    the peak of 8-lane int32 multiply-adds (one {@code vpmulld} per cycle): the ceiling of
 *                 kernels written with the JDK 17 Vector API, which has no 8-bit dot product
 * @param formula  how {@code gmacs} (and {@code amxGmacs}) were computed, with the numbers
 */
public record Int8Peak(double gmacs, double amxGmacs, double int32, String formula) {
  /** {@code tdpbusd}: a 16x64 by 64x16 int8 tile product (16,384 MACs) every 16 cycles. */
  static final int AMX_MACS_PER_CYCLE = 1024;

  public static Int8Peak ofThisMachine() {
    return of(CpuFeatures.current(), Runtime.getRuntime().availableProcessors());
  }

  public static Int8Peak of(CpuFeatures cpu, int cores) {
    double ghz = cpu.ghz();
    if (Double.isNaN(ghz) || ghz <= 0)
      return new Int8Peak(
          Double.NaN, Double.NaN, Double.NaN, "unknown (no clock in /proc/cpuinfo on this system)");
    CpuFeatures.Isa isa = cpu.isa();
    double peak = cores * isa.macsPerCycle() * ghz;
    String how = switch (isa) {
      case AVX512_VNNI -> "one 512-bit vpdpbusd (64 u8 x s8 products summed into int32) per cycle";
      case AVX2_VNNI -> "one 256-bit vpdpbusd (32 u8 x s8 products summed into int32) per cycle";
      case AVX512 ->
        "vpmaddubsw (64 products summed in pairs to int16) and vpmaddwd share two 512-bit pipes";
      case AVX2 ->
        "vpmaddubsw (32 u8 x s8 products, summed in pairs to int16) and vpmaddwd (widens to int32) share two multiply pipes";
      case NO_AVX2 -> "128-bit pmaddubsw + pmaddwd";
    };
    String formula = String.format(
        "%s: %d cores x %d MAC/cycle x %.3f GHz = %.1f GMAC/s (%s)",
        isa.label(), cores, isa.macsPerCycle(), ghz, peak, how);
    double amx = Double.NaN;
    if (cpu.amx()) {
      amx = cores * AMX_MACS_PER_CYCLE * ghz;
      formula += String.format(
          "; AMX-INT8: %d cores x %d MAC/cycle x %.3f GHz = %.1f GMAC/s (one 16x16x64 tdpbusd every 16 cycles)",
          cores, AMX_MACS_PER_CYCLE, ghz, amx);
    }
    return new Int8Peak(peak, amx, cores * 8 * ghz, formula);
  }
}
