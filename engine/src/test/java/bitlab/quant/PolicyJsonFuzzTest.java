package bitlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Policy JSON files mutated by Jazzer: a policy (which writes itself back to the same policy) or one
 * sentence ({@link QuantException}). Seeds and past findings:
 * {@code src/test/resources/bitlab/quant/PolicyJsonFuzzTestInputs/json/}.
 */
class PolicyJsonFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void json(byte[] input) {
    String text = new String(input, java.nio.charset.StandardCharsets.UTF_8);
    Policy p;
    try {
      p = Policy.fromJson(text);
    } catch (QuantException e) {
      assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a sentence for the user");
      return;
    }
    assertEquals(p, Policy.fromJson(p.toJson()), "a policy survives its own JSON");
  }
}
