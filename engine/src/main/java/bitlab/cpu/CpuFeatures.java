package bitlab.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 * @param core    the vendor, family and model Linux lists, which name the core's design ({@link Microarchitecture})
 */
public record CpuFeatures(Isa isa, boolean amx, double ghz, String source, Core core) {

  /**
   * The CPU's vendor ({@code GenuineIntel}, {@code AuthenticAMD}), family and model as {@code /proc/cpuinfo} gives
   * them (empty and -1 when unknown), and where {@link CpuFeatures#ghz} came from.
   *
   * @param clock which clock {@code ghz} is, in words for a peak's formula
   */
  public record Core(String vendor, int family, int model, String clock) {
    /** What the CPU is not known to be. */
    public static final Core UNKNOWN = new Core("", -1, -1, "a clock given by the caller");

    /** The design the table knows for this core, or its stated assumption ({@link Microarchitecture#ASSUMED}). */
    public Microarchitecture microarchitecture() {
      return Microarchitecture.of(vendor, family, model);
    }

    @Override
    public String toString() {
      return vendor.isEmpty() ? "an unknown CPU" : vendor + " family " + family + " model " + model;
    }
  }

  /** How {@code /proc/cpuinfo}'s {@code cpu MHz} is described: what a virtual machine shows is its nominal clock. */
  static final String CPUINFO_CLOCK =
      "the clock /proc/cpuinfo reports (a virtual machine shows the nominal"
          + " clock, no boost; cores may run faster, so a measured rate can pass this peak)";

  /** The vector instruction sets that matter to int8 kernels, lowest first. */
  public enum Isa {
    /** No AVX2: neither oneDNN's int8 kernels nor the 256-bit Java kernels are used. */
    NO_AVX2("no AVX2", 128, false),
    AVX2("AVX2", 256, false),
    /** 256-bit VNNI ({@code avx_vnni}) without AVX-512. */
    AVX2_VNNI("AVX2 + AVX-VNNI", 256, true),
    AVX512("AVX-512", 512, false),
    AVX512_VNNI("AVX-512 VNNI", 512, true);

    private final String label;
    private final int width;
    private final boolean vnni;

    Isa(String label, int width, boolean vnni) {
      this.label = label;
      this.width = width;
      this.vnni = vnni;
    }

    public String label() {
      return label;
    }

    /** The widest vectors the int8 kernels use with this instruction set, in bits. */
    public int width() {
      return width;
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
    try {
      return parse(Files.readAllLines(Path.of("/proc/cpuinfo")), forced);
    } catch (IOException | RuntimeException e) {
      // not Linux: the flags stay empty and the Java kernels decide for themselves
      // (bitlab.integer.kernel.VectorSupport)
      return of("", Double.NaN, forced);
    }
  }

  /** The features the first processor's block of {@code /proc/cpuinfo}'s {@code lines} gives. */
  static CpuFeatures parse(List<String> lines, String forced) {
    String flags = "", vendor = "";
    int family = -1, model = -1;
    double mhz = Double.NaN;
    for (String l : lines) {
      if (l.isBlank() && !flags.isEmpty()) break; // the first processor's block is enough
      int colon = l.indexOf(':');
      if (colon < 0) continue;
      String key = l.substring(0, colon).trim(), value = l.substring(colon + 1).trim();
      switch (key) {
        case "flags" -> flags = value;
        case "cpu MHz" -> mhz = Double.parseDouble(value);
        case "vendor_id" -> vendor = value;
        case "cpu family" -> family = Integer.parseInt(value);
        case "model" -> model = Integer.parseInt(value);
        default -> {}
      }
    }
    return of(flags, mhz / 1000, forced, new Core(vendor, family, model, CPUINFO_CLOCK));
  }

  /** {@link #of(String, double, String, Core)} for a CPU of unknown vendor, family and model. */
  public static CpuFeatures of(String flags, double ghz, String forced) {
    return of(flags, ghz, forced, Core.UNKNOWN);
  }

  /**
   * The features a {@code flags} line describes, held down to {@code forced} ({@code avx2}, {@code none},
   * {@code native} or null). An unknown or higher value than the CPU has is ignored, and {@link #source}
   * says so: the executor never stops over a property.
   */
  public static CpuFeatures of(String flags, double ghz, String forced, Core core) {
    String f = " " + flags.trim().toLowerCase(Locale.ROOT) + " ";
    boolean avx2 = f.contains(" avx2 "),
        avx512 = f.contains(" avx512f ") && f.contains(" avx512bw ") && f.contains(" avx512vl ");
    Isa isa = avx512
        ? (f.contains(" avx512_vnni ") ? Isa.AVX512_VNNI : Isa.AVX512)
        : avx2 ? (f.contains(" avx_vnni ") ? Isa.AVX2_VNNI : Isa.AVX2) : Isa.NO_AVX2;
    boolean amx = f.contains(" amx_int8 ") && f.contains(" amx_tile ");
    String source = flags.isBlank() ? "no CPU flags found" : "the CPU's flags";
    if (forced == null || forced.isBlank() || forced.equalsIgnoreCase("native"))
      return new CpuFeatures(isa, amx, ghz, source, core);
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
          source + "; ignored -D" + PROPERTY + "=" + forced + ": use avx2, none or native",
          core);
    }
    if (want.ordinal() > isa.ordinal()) {
      return new CpuFeatures(
          isa,
          amx,
          ghz,
          source + "; ignored -D" + PROPERTY + "=" + forced + ": this CPU has only " + isa.label(),
          core);
    }
    return new CpuFeatures(
        want,
        false,
        ghz,
        "forced by -D" + PROPERTY + "=" + forced.trim() + " on a CPU with " + isa.label()
            + (amx ? " + AMX-INT8" : ""),
        core);
  }
}
