package bitlab.cpu;

import java.util.List;

/**
 * How many bits of vector integer multiply a core issues per cycle, by the core's design: what a computed int8 peak
 * ({@code bitlab.integer.kernel.Int8Peak}) multiplies by. One {@code vpdpbusd} of {@code w} bits makes {@code w/8}
 * exact u8 x s8 multiply-accumulates into int32 with one pass through a multiply pipe; without VNNI the same products
 * take two passes ({@code vpmaddubsw} into saturating int16 pairs, then {@code vpmaddwd} by ones into int32, plus a
 * {@code vpaddd} on an adder), so a core makes {@code bits/8} MACs a cycle with VNNI and {@code bits/16} without.
 *
 * <p>The table is by vendor, family and model as Linux lists them in {@code /proc/cpuinfo}: a family and model name a
 * core design, not a part, so where parts of one design differ (Intel's Xeon Silver and Bronze have one 512-bit
 * multiply-add unit where Gold and Platinum have two) the row says which it assumes. Where each figure comes from
 * is in {@link #basis}; a CPU the table does not know gets {@link #ASSUMED} and a sentence saying so.
 *
 * @param name    the design, e.g. {@code AMD Zen 5 (full 512-bit datapath)}
 * @param bits512 bits of integer multiply a cycle with 512-bit instructions (0 where the design has no AVX-512)
 * @param bits256 the same with 256-bit instructions (AVX2, AVX-VNNI); 128-bit SSE code gets half of it
 * @param basis   where the figures come from, for the peak's formula and the tests
 */
public record Microarchitecture(String name, int bits512, int bits256, String basis) {

  /** Bits of integer multiply a cycle with vectors of {@code width} bits (512, 256 or 128). */
  public int bitsPerCycle(int width) {
    return switch (width) {
      case 512 -> bits512 > 0 ? bits512 : bits256; // no AVX-512: the flags cannot say 512 here
      case 256 -> bits256;
      default -> bits256 / 2;
    };
  }

  // Intel: VPDPBUSD, VPMADDUBSW and VPMADDWD issue to the vector multiply-add ports: ports 0 and 1
  // for 256-bit code (two multiplies a cycle since Haswell); 512-bit code fuses ports 0 and 1 into
  // one 512-bit unit and, on server cores with the second 512-bit FMA unit, also issues to port 5.
  // This is the port assignment uops.info lists for these instructions on Skylake-X/Cascade Lake
  // (p05) and Ice Lake client (p0); those pages could not be opened in this project's reference
  // search, so the Intel rows rest on that stated assignment, not on a page quoted here.
  private static final String INTEL_TWO_FMA =
      "two 512-bit multiply-add units (ports 0+1 fused, and 5): two 512-bit vpdpbusd a cycle, as on Xeon Gold and"
          + " Platinum; Xeon Silver and Bronze parts of these designs have one unit and half this peak";
  private static final String INTEL_ONE_FMA =
      "one 512-bit multiply-add unit (ports 0+1 fused): one 512-bit or two 256-bit multiplies a cycle";
  private static final String INTEL_256 =
      "two 256-bit vector multiply ports (0 and 1): two 256-bit vpdpbusd (AVX-VNNI) or vpmaddubsw/vpmaddwd a cycle";
  // AMD Zen 4: LLVM's scheduling model (X86ScheduleZnver4.td, from AMD's Software Optimization
  // Guide for Family 19h) puts vector integer multiplies on two 256-bit pipes (FP0, FP3), a
  // 512-bit one holding its pipe two cycles (WriteVecIMulY [1] against WriteVecIMulZ [2]); Zen 4
  // runs 512-bit instructions through Zen 3's 256-bit units (A. Yee, "Zen5's AVX512 Teardown",
  // numberworld.org, 2024), so Zen 3 has the same two pipes at 256 bits.
  private static final String ZEN34 =
      "two 256-bit vector multiply pipes (FP0, FP3); a 512-bit instruction holds one two cycles (LLVM's Znver4"
          + " model, after AMD's optimization guide for family 19h)";
  // AMD Zen 5 desktop and server cores: the datapath is 512 bits wide throughout (AMD's Software
  // Optimization Guide for the Zen5 microarchitecture, 58455; Yee's teardown above: "fully native"
  // 512-bit execution), with two multiply pipes. Measured on the EPYC family 26 model 2 this
  // project runs on (a C loop of 12 independent vpdpbusd chains, and a chain of dependent adds for
  // the clock, best of 40 windows): 2.00 512-bit vpdpbusd a cycle, 2.01 256-bit ones, 2.00 512-bit
  // vpmaddubsw, at a clock of 3.33 GHz where /proc/cpuinfo says 2.096.
  private static final String ZEN5_FULL =
      "two 512-bit vector multiply pipes (full-width datapath): two 512-bit vpdpbusd a cycle (AMD's Zen5"
          + " optimization guide; measured about two a cycle on an EPYC of this family)";
  // Zen 5 mobile cores (Strix Point, Krackan Point) keep 256-bit datapaths and double-pump 512-bit
  // code like Zen 4 (Yee's teardown: "the mobile variant, Strix Point, retains a 256-bit
  // throughput").
  private static final String ZEN5_HALF =
      "two 256-bit vector multiply pipes (the mobile Zen 5 keeps 256-bit datapaths): one 512-bit vpdpbusd a cycle";

  private record Row(String vendor, int family, int[] models, Microarchitecture arch) {
    boolean matches(String v, int f, int m) {
      if (!vendor.equals(v) || family != f) return false;
      if (models.length == 0) return true;
      for (int x : models) if (x == m) return true;
      return false;
    }
  }

  private static int[] range(int from, int to) {
    return java.util.stream.IntStream.rangeClosed(from, to).toArray();
  }

  private static final String INTEL = "GenuineIntel", AMD = "AuthenticAMD";

  private static final List<Row> TABLE = List.of(
      new Row(
          INTEL,
          6,
          new int[] {0x55, 0x6A, 0x6C, 0x8F, 0xCF, 0xAD, 0xAE},
          new Microarchitecture(
              "Intel Xeon Scalable (Skylake-SP to Granite Rapids)", 1024, 512, INTEL_TWO_FMA)),
      new Row(
          INTEL,
          6,
          new int[] {0x66, 0x7D, 0x7E, 0x8C, 0x8D, 0xA7},
          new Microarchitecture(
              "Intel client with AVX-512 (Cannon Lake to Rocket Lake)", 512, 512, INTEL_ONE_FMA)),
      new Row(
          INTEL,
          6,
          new int[] {0x97, 0x9A, 0xB7, 0xBA, 0xBF, 0xAA, 0xAC, 0xBD, 0xC5, 0xC6},
          new Microarchitecture(
              "Intel hybrid client, performance cores (Alder Lake to Arrow Lake)",
              0,
              512,
              INTEL_256 + "; the efficient cores are not modelled")),
      new Row(
          INTEL,
          6,
          new int[] {
            0x3C, 0x3F, 0x45, 0x46, 0x3D, 0x47, 0x4F, 0x56, 0x4E, 0x5E, 0x8E, 0x9E, 0xA5, 0xA6
          },
          new Microarchitecture("Intel Haswell to Comet Lake", 0, 512, INTEL_256)),
      new Row(AMD, 0x19, new int[0], new Microarchitecture("AMD Zen 3 / Zen 4", 512, 512, ZEN34)),
      new Row(
          AMD,
          0x1A,
          concat(range(0x00, 0x1F), range(0x40, 0x4F)),
          new Microarchitecture("AMD Zen 5 (full 512-bit datapath)", 1024, 512, ZEN5_FULL)),
      new Row(
          AMD,
          0x1A,
          concat(range(0x20, 0x2F), range(0x60, 0x6F)),
          new Microarchitecture("AMD Zen 5 mobile (256-bit datapath)", 512, 512, ZEN5_HALF)));

  private static int[] concat(int[] a, int[] b) {
    int[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /**
   * What the table assumes for a core it does not know: 512 bits of integer multiply a cycle (two 256-bit pipes, or
   * one 512-bit), what most x86 cores since 2013 have; a core with two 512-bit units makes twice this.
   */
  public static final Microarchitecture ASSUMED = new Microarchitecture(
      "not in bitlab's table",
      512,
      512,
      "assumed 512 bits of vector integer multiply a cycle (two 256-bit pipes or one 512-bit unit); a core with"
          + " two 512-bit units would make twice this peak");

  /** The row for this vendor, family and model, or null when the table does not know it. */
  public static Microarchitecture known(String vendor, int family, int model) {
    for (Row r : TABLE) if (r.matches(vendor, family, model)) return r.arch;
    return null;
  }

  /** {@link #known}, else {@link #ASSUMED}. */
  public static Microarchitecture of(String vendor, int family, int model) {
    Microarchitecture m = known(vendor, family, model);
    return m != null ? m : ASSUMED;
  }
}
