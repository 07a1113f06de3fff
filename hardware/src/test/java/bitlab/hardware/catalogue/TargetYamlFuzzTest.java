package bitlab.hardware.catalogue;

import static org.junit.jupiter.api.Assertions.assertFalse;

import bitlab.hardware.HardwareException;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Target YAML as a user might write it, mutated by Jazzer: every input is a target or one
 * sentence ({@link HardwareException}), never another exception. Seeds and past findings live in
 * {@code src/test/resources/bitlab/hardware/catalogue/TargetYamlFuzzTestInputs/yaml/}; {@code mvn
 * test} replays them, {@code kernel/src/test/sh/fuzz.sh} fuzzes for a bounded time.
 */
class TargetYamlFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void yaml(byte[] input) {
    String text = new String(input, java.nio.charset.StandardCharsets.UTF_8);
    try {
      TargetLoader.fromYaml(text).name();
    } catch (HardwareException e) {
      assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a sentence for the user");
    }
  }
}
