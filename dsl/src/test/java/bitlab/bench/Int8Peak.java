package bitlab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * This CPU's int8 peak, from what Linux says about it ({@code /proc/cpuinfo}: the clock and the
 * instruction-set flags): cores x exact 8-bit multiply-accumulates into int32 per cycle x clock.
 *
 * @param gmacs    the int8 peak in GMAC/s
 * @param int32    the peak of 8-lane int32 multiply-adds (one {@code vpmulld} per cycle): the ceiling of
 *                 kernels written with the JDK 17 Vector API, which has no 8-bit dot product
 * @param formula  how {@code gmacs} was computed, with the numbers
 */
record Int8Peak(double gmacs, double int32, String formula) {

  static Int8Peak ofThisMachine() {
    int cores = Runtime.getRuntime().availableProcessors();
    String flags = "";
    double mhz = 0;
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      for (String l : lines) {
        if (flags.isEmpty() && l.startsWith("flags")) flags = " " + l.substring(l.indexOf(':') + 1).trim() + " ";
        if (mhz == 0 && l.startsWith("cpu MHz")) mhz = Double.parseDouble(l.substring(l.indexOf(':') + 1).trim());
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: say so in the formula
    }
    if (mhz == 0) return new Int8Peak(Double.NaN, Double.NaN, "unknown (no /proc/cpuinfo clock on this system)");
    int perCycle;
    String how;
    if (flags.contains(" avx512_vnni ")) {
      perCycle = 64;
      how = "AVX-512 VNNI: one 512-bit vpdpbusd (64 u8 x s8 products summed into int32) per cycle";
    } else if (flags.contains(" avx2 ")) {
      perCycle = 32;
      how = "AVX2 without VNNI: vpmaddubsw (32 u8 x s8 products, summed in pairs to int16) and vpmaddwd (widens to int32)"
          + " share two multiply pipes, so 32 exact MACs per cycle";
    } else {
      perCycle = 16;
      how = "SSE4: 128-bit pmaddubsw + pmaddwd, 16 MACs per cycle";
    }
    double ghz = mhz / 1000;
    double peak = cores * perCycle * ghz;
    String formula = String.format("%d cores x %d MAC/cycle x %.3f GHz = %.1f GMAC/s (%s)", cores, perCycle, ghz, peak, how);
    return new Int8Peak(peak, cores * 8 * ghz, formula);
  }
}
