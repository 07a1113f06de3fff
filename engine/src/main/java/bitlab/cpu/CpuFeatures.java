package bitlab.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What this CPU offers the int8 kernels, found at run time from the flags Linux lists in
 * {@code /proc/cpuinfo}: the vector instruction set, whether it has VNNI (an 8-bit dot product that
 * sums u8 x s8 products straight into int32) and AMX (Intel's int8 matrix tiles).
 *
 * <p>VNNI decides how 8-bit weights run on oneDNN: with it one pass is exact; without it oneDNN's
 * int8 kernels sum pairs of products in 16 bits with saturation, so weights are split in two
 * ({@code bitlab.integer.kernel.DnnlConvKernel}). {@code -Dbitlab.kernel.isa=avx2} makes the executor behave as on a CPU
 * with AVX2 only (oneDNN is held to AVX2 as well, for every user: {@link OneDnn}), {@code -Dbitlab.kernel.isa=none}
 * as on one without AVX2; that is how the tests cover the paths this machine would not take.
 *
 * @param isa     the vector instruction set the kernels use
 * @param amx     whether AMX int8 tiles are there (and not switched off)
 * @param ghz     the clock Linux reports, NaN when unknown
 * @param source  where this came from, for tables: the CPU's flags, or the property that forced it
 */
public record CpuFeatures(Isa isa, boolean amx, double ghz, String source) {

  /** The vector instruction sets that matter to int8 kernels, lowest first. */
  public enum Isa {
    /** No AVX2: neither oneDNN's int8 kernels nor the 256-bit Java kernels are used. */
    NO_AVX2("no AVX2", 16, false),
    AVX2("AVX2", 32, false),
    /** 256-bit VNNI ({@code avx_vnni}) without AVX-512. */
    AVX2_VNNI("AVX2 + AVX-VNNI", 32, true),
    AVX512("AVX-512", 64, false),
    AVX512_VNNI("AVX-512 VNNI", 64, true);

    private final String label;
    private final int macsPerCycle;
    private final boolean vnni;

    Isa(String label, int macsPerCycle, boolean vnni) {
      this.label = label;
      this.macsPerCycle = macsPerCycle;
      this.vnni = vnni;
    }

    public String label() {
      return label;
    }

    /** Exact 8-bit multiply-accumulates into int32 per cycle and core with one vector instruction per cycle. */
    public int macsPerCycle() {
      return macsPerCycle;
    }

    /** Whether u8 x s8 products are summed into int32 without a saturating 16-bit step. */
    public boolean vnni() {
      return vnni;
    }
  }

  /** The property that overrides detection. */
  public static final String PROPERTY = "bitlab.kernel.isa";

  private static final CpuFeatures CURRENT = detect(System.getProperty(PROPERTY));

  /** This machine, as detected at start-up or as forced by {@code -Dbitlab.kernel.isa}. */
  public static CpuFeatures current() {
    return CURRENT;
  }

  /** Whether one oneDNN pass over 8-bit weights is exact here (VNNI or AMX). */
  public boolean exactInt8Dot() {
    return isa.vnni() || amx;
  }

  /** Whether the property held the executor below what the CPU has. */
  public boolean forced() {
    return source.startsWith("forced");
  }

  @Override
  public String toString() {
    return isa.label() + (amx ? " + AMX-INT8" : "") + " (" + source + ")";
  }

  static CpuFeatures detect(String forced) {
    String flags = "";
    double mhz = Double.NaN;
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (flags.isEmpty() && l.startsWith("flags")) flags = l.substring(l.indexOf(':') + 1);
        if (Double.isNaN(mhz) && l.startsWith("cpu MHz"))
          mhz = Double.parseDouble(l.substring(l.indexOf(':') + 1).trim());
        if (!flags.isEmpty() && !Double.isNaN(mhz)) break;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the flags stay empty and the Java kernels decide for themselves
      // (bitlab.integer.kernel.VectorSupport)
    }
    return of(flags, mhz / 1000, forced);
  }

  /**
   * The features a {@code flags} line describes, held down to {@code forced} ({@code avx2}, {@code none},
   * {@code native} or null). An unknown or higher value than the CPU has is ignored, and {@link #source}
   * says so: the executor never stops over a property.
   */
  public static CpuFeatures of(String flags, double ghz, String forced) {
    String f = " " + flags.trim().toLowerCase(Locale.ROOT) + " ";
    boolean avx2 = f.contains(" avx2 "),
        avx512 = f.contains(" avx512f ") && f.contains(" avx512bw ") && f.contains(" avx512vl ");
    Isa isa = avx512
        ? (f.contains(" avx512_vnni ") ? Isa.AVX512_VNNI : Isa.AVX512)
        : avx2 ? (f.contains(" avx_vnni ") ? Isa.AVX2_VNNI : Isa.AVX2) : Isa.NO_AVX2;
    boolean amx = f.contains(" amx_int8 ") && f.contains(" amx_tile ");
    String source = flags.isBlank() ? "no CPU flags found" : "the CPU's flags";
    if (forced == null || forced.isBlank() || forced.equalsIgnoreCase("native"))
      return new CpuFeatures(isa, amx, ghz, source);
    Isa want = switch (forced.trim().toLowerCase(Locale.ROOT)) {
      case "avx2" -> Isa.AVX2;
      case "none" -> Isa.NO_AVX2;
      default -> null;
    };
    if (want == null) {
      return new CpuFeatures(
          isa,
          amx,
          ghz,
          source + "; ignored -D" + PROPERTY + "=" + forced + ": use avx2, none or native");
    }
    if (want.ordinal() > isa.ordinal()) {
      return new CpuFeatures(
          isa,
          amx,
          ghz,
          source + "; ignored -D" + PROPERTY + "=" + forced + ": this CPU has only " + isa.label());
    }
    return new CpuFeatures(
        want,
        false,
        ghz,
        "forced by -D" + PROPERTY + "=" + forced.trim() + " on a CPU with " + isa.label()
            + (amx ? " + AMX-INT8" : ""));
  }
}
