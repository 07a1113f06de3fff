package bitlab.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.cpu.CpuFeatures.Isa;
import org.junit.jupiter.api.Test;

public class CpuFeaturesTest {
  public static final String SAPPHIRE =
      "fpu sse4_2 avx avx2 avx512f avx512dq avx512bw avx512vl avx_vnni avx512_vnni amx_tile amx_int8 avx512_fp16";
  public static final String EPYC_ROME = "fpu sse4_2 avx avx2 fma bmi2";
  static final String SKYLAKE_X = "fpu avx avx2 avx512f avx512bw avx512vl avx512dq";
  static final String ALDER = "fpu avx avx2 avx_vnni";

  @Test
  void the_flags_give_the_instruction_set() {
    assertEquals(Isa.AVX512_VNNI, CpuFeatures.of(SAPPHIRE, 2.6, null).isa());
    assertTrue(CpuFeatures.of(SAPPHIRE, 2.6, null).amx());
    assertEquals(Isa.AVX2, CpuFeatures.of(EPYC_ROME, 2.4, null).isa());
    assertFalse(CpuFeatures.of(EPYC_ROME, 2.4, null).exactInt8Dot(), "pairs saturate without VNNI");
    assertEquals(Isa.AVX512, CpuFeatures.of(SKYLAKE_X, 3.0, null).isa());
    assertFalse(CpuFeatures.of(SKYLAKE_X, 3.0, null).exactInt8Dot());
    assertEquals(Isa.AVX2_VNNI, CpuFeatures.of(ALDER, 3.0, null).isa());
    assertTrue(CpuFeatures.of(ALDER, 3.0, null).exactInt8Dot());
    assertEquals(Isa.NO_AVX2, CpuFeatures.of("fpu sse4_2", 2.0, null).isa());
    assertEquals("no CPU flags found", CpuFeatures.of("", Double.NaN, null).source());
  }

  @Test
  void the_property_holds_the_executor_down_but_never_up_and_never_stops_it() {
    CpuFeatures avx2 = CpuFeatures.of(SAPPHIRE, 2.6, "avx2");
    assertEquals(Isa.AVX2, avx2.isa());
    assertFalse(avx2.amx(), "forced to AVX2, AMX is off too");
    assertFalse(avx2.exactInt8Dot());
    assertTrue(avx2.forced());
    assertEquals(
        "AVX2 (forced by -Dbitlab.kernel.isa=avx2 on a CPU with AVX-512 VNNI + AMX-INT8)",
        avx2.toString());
    assertEquals(Isa.NO_AVX2, CpuFeatures.of(SAPPHIRE, 2.6, "none").isa());
    assertEquals(Isa.AVX512_VNNI, CpuFeatures.of(SAPPHIRE, 2.6, "native").isa());
    CpuFeatures typo = CpuFeatures.of(SAPPHIRE, 2.6, "avx3");
    assertEquals(Isa.AVX512_VNNI, typo.isa());
    assertEquals(
        "the CPU's flags; ignored -Dbitlab.kernel.isa=avx3: use avx2, none or native",
        typo.source());
    CpuFeatures up = CpuFeatures.of("fpu sse4_2", 2.0, "avx2");
    assertEquals(Isa.NO_AVX2, up.isa());
    assertTrue(
        up.source().endsWith("this CPU has only no AVX2") || up.source().contains("ignored"),
        up.source());
  }

  @Test
  void cpuinfo_gives_vendor_family_model_and_the_clock() {
    CpuFeatures cpu = CpuFeatures.parse(
        java.util.List.of(
            "processor\t: 0",
            "vendor_id\t: AuthenticAMD",
            "cpu family\t: 26",
            "model\t\t: 2",
            "model name\t: AMD EPYC",
            "cpu MHz\t\t: 2096.019",
            "flags\t\t: fpu avx2 avx512f avx512bw avx512vl avx512_vnni",
            "",
            "processor\t: 1",
            "vendor_id\t: GenuineIntel"),
        null);
    assertEquals(
        new CpuFeatures.Core("AuthenticAMD", 26, 2, CpuFeatures.CPUINFO_CLOCK), cpu.core());
    assertEquals(2.096019, cpu.ghz(), 1e-9);
    assertEquals(Isa.AVX512_VNNI, cpu.isa());
    assertEquals(
        "AMD Zen 5 (full 512-bit datapath)", cpu.core().microarchitecture().name());
    assertEquals(
        Microarchitecture.ASSUMED,
        CpuFeatures.parse(java.util.List.of("flags : avx2"), null).core().microarchitecture());
  }
}
