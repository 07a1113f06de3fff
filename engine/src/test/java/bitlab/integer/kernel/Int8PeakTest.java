package bitlab.integer.kernel;

import static bitlab.cpu.CpuFeaturesTest.EPYC_ROME;
import static bitlab.cpu.CpuFeaturesTest.SAPPHIRE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.cpu.CpuFeatures;
import org.junit.jupiter.api.Test;

class Int8PeakTest {
  @Test
  void the_computed_peak_follows_the_instruction_set() {
    Int8Peak vnni = Int8Peak.of(CpuFeatures.of(SAPPHIRE, 2.6, null), 2);
    assertEquals(2 * 64 * 2.6, vnni.gmacs(), 1e-9);
    assertEquals(2 * 1024 * 2.6, vnni.amxGmacs(), 1e-9);
    assertTrue(
        vnni.formula()
            .startsWith("AVX-512 VNNI: 2 cores x 64 MAC/cycle x 2.600 GHz = 332.8 GMAC/s"),
        vnni.formula());
    assertTrue(vnni.formula().contains("AMX-INT8: 2 cores x 1024 MAC/cycle"), vnni.formula());
    Int8Peak avx2 = Int8Peak.of(CpuFeatures.of(SAPPHIRE, 2.6, "avx2"), 2);
    assertEquals(2 * 32 * 2.6, avx2.gmacs(), 1e-9);
    assertTrue(Double.isNaN(avx2.amxGmacs()));
    assertEquals(
        2 * 32 * 2.445, Int8Peak.of(CpuFeatures.of(EPYC_ROME, 2.445, null), 2).gmacs(), 1e-9);
    assertTrue(
        Double.isNaN(Int8Peak.of(CpuFeatures.of(EPYC_ROME, Double.NaN, null), 2).gmacs()));
  }
}
