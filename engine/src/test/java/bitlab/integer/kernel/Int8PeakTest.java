package bitlab.integer.kernel;

import static bitlab.cpu.CpuFeaturesTest.EPYC_ROME;
import static bitlab.cpu.CpuFeaturesTest.SAPPHIRE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.cpu.CpuFeatures;
import bitlab.cpu.CpuFeatures.Core;
import org.junit.jupiter.api.Test;

class Int8PeakTest {
  static final String INTEL = "GenuineIntel", AMD = "AuthenticAMD";
  static final String ZEN4 =
      "fpu sse4_2 avx avx2 avx512f avx512dq avx512bw avx512vl avx512_vnni avx512_bf16";
  static final String ZEN5 = ZEN4 + " avx_vnni";
  static final String CASCADE =
      "fpu sse4_2 avx avx2 avx512f avx512dq avx512bw avx512vl avx512_vnni";
  static final String SKYLAKE_X = "fpu sse4_2 avx avx2 avx512f avx512dq avx512bw avx512vl";
  static final String ALDER = "fpu sse4_2 avx avx2 avx_vnni";
  static final String HASWELL = "fpu sse4_2 avx avx2 fma";

  private static int macs(String vendor, int family, int model, String flags, String forced) {
    CpuFeatures cpu = CpuFeatures.of(flags, 2.0, forced, new Core(vendor, family, model, "test"));
    return Int8Peak.of(cpu, 1).macsPerCycle();
  }

  @Test
  void the_table_gives_each_design_its_macs_per_cycle() {
    // AMD Zen 5 server (this project's EPYC, family 26 model 2) and desktop: two 512-bit vpdpbusd a
    // cycle
    assertEquals(128, macs(AMD, 26, 2, ZEN5, null));
    assertEquals(128, macs(AMD, 26, 0x44, ZEN5, null));
    // held to AVX2 the same core makes two 256-bit vpmaddubsw + vpmaddwd pairs: 2 x 32 / 2
    assertEquals(32, macs(AMD, 26, 2, ZEN5, "avx2"));
    assertEquals(16, macs(AMD, 26, 2, ZEN5, "none"));
    // Zen 5 mobile (Strix Point) and Zen 4 double-pump 512 bits through 256-bit pipes
    assertEquals(64, macs(AMD, 26, 0x24, ZEN5, null));
    assertEquals(64, macs(AMD, 25, 0x11, ZEN4, null));
    // Zen 3: AVX2 without VNNI on the same two 256-bit pipes
    assertEquals(32, macs(AMD, 25, 0x21, HASWELL, null));
    // Intel Xeon with two 512-bit FMA units: Cascade Lake, Sapphire Rapids; Skylake-X without VNNI
    // half of it
    assertEquals(128, macs(INTEL, 6, 85, CASCADE, null));
    assertEquals(128, macs(INTEL, 6, 143, SAPPHIRE, null));
    assertEquals(64, macs(INTEL, 6, 85, SKYLAKE_X, null));
    // Intel client with one 512-bit unit (Ice Lake, Tiger Lake)
    assertEquals(64, macs(INTEL, 6, 126, CASCADE, null));
    assertEquals(64, macs(INTEL, 6, 140, CASCADE, null));
    // AVX-VNNI on Alder Lake's performance cores: two 256-bit vpdpbusd; Haswell: two 256-bit
    // multiplies, no VNNI
    assertEquals(64, macs(INTEL, 6, 151, ALDER, null));
    assertEquals(32, macs(INTEL, 6, 60, HASWELL, null));
  }

  @Test
  void the_formula_names_the_design_and_the_clock() {
    CpuFeatures epyc = CpuFeatures.of(ZEN5, 2.096, null, new Core(AMD, 26, 2, "the nominal clock"));
    Int8Peak p = Int8Peak.of(epyc, 2);
    assertEquals(2 * 128 * 2.096, p.gmacs(), 1e-9);
    assertEquals(2.096, p.ghz(), 1e-12);
    assertTrue(
        p.formula().startsWith("AVX-512 VNNI: 2 cores x 128 MAC/cycle x 2.096 GHz = 536.6 GMAC/s"),
        p.formula());
    assertTrue(
        p.formula().contains("AMD Zen 5 (full 512-bit datapath) (AuthenticAMD family 26 model 2)"),
        p.formula());
    assertTrue(p.formula().contains("at 2.096 GHz, the nominal clock"), p.formula());
    assertTrue(p.brief().contains("128 MAC/cycle a core at 2.096 GHz"), p.brief());
    Int8Peak spr =
        Int8Peak.of(CpuFeatures.of(SAPPHIRE, 2.6, null, new Core(INTEL, 6, 143, "x")), 2);
    assertEquals(2 * 1024 * 2.6, spr.amxGmacs(), 1e-9);
    assertTrue(spr.formula().contains("AMX-INT8: 2 cores x 1024 MAC/cycle"), spr.formula());
    Int8Peak capped =
        Int8Peak.of(CpuFeatures.of(SAPPHIRE, 2.6, "avx2", new Core(INTEL, 6, 143, "x")), 2);
    assertTrue(Double.isNaN(capped.amxGmacs()));
    assertEquals(2 * 32 * 2.6, capped.gmacs(), 1e-9);
  }

  @Test
  void a_cpu_the_table_does_not_know_gets_a_stated_assumption() {
    // EPYC Rome (Zen 2, family 23) is not in the table: 512 bits a cycle assumed, 32 MACs without
    // VNNI
    Int8Peak rome = Int8Peak.of(
        CpuFeatures.of(EPYC_ROME, 2.445, null, new Core(AMD, 23, 49, "the nominal clock")), 2);
    assertEquals(2 * 32 * 2.445, rome.gmacs(), 1e-9);
    assertTrue(
        rome.formula()
            .contains(
                "AuthenticAMD family 23 model 49 is not in bitlab's table of cores: assumed 512 bits of vector"
                    + " integer multiply a cycle"),
        rome.formula());
    // nothing known at all (not Linux): the same assumption, said of an unknown CPU
    Int8Peak unknown = Int8Peak.of(CpuFeatures.of(SAPPHIRE, 2.6, null), 1);
    assertEquals(64, unknown.macsPerCycle());
    assertTrue(
        unknown.formula().contains("an unknown CPU is not in bitlab's table"), unknown.formula());
    assertTrue(
        Double.isNaN(Int8Peak.of(CpuFeatures.of(EPYC_ROME, Double.NaN, null), 2).gmacs()));
  }
}
