package bitlab.integer;

import bitlab.cpu.CpuFeatures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link IntegerModelTest}'s bit-exactness once more with the kernels an AVX2-only CPU gets (8-bit weights split into
 * two oneDNN passes, channels chunked, the Java kernels timed against oneDNN): the build's avx2-path run sets
 * {@code -Dbitlab.kernel.isa=avx2}; elsewhere the test is skipped, since IntegerModelTest covers this CPU.
 */
@Tag("slow")
class BitExactOnAvx2Test {

  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "resnet-mini", "mobilenet-v1-mini", "mobilenet-v2-mini"})
  void everyStepIsBitExactOnTheAvx2Path(String name) {
    Assumptions.assumeTrue(
        CpuFeatures.current().forced() && CpuFeatures.current().isa() == CpuFeatures.Isa.AVX2,
        "runs with -Dbitlab.kernel.isa=avx2");
    IntegerModelTest.assertBitExactAtW8A8AndMixedBits(name);
  }
}
