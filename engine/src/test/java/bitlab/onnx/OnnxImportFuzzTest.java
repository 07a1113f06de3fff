package bitlab.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * ONNX files as they may come (truncated, corrupted, hand-edited), mutated by Jazzer from small
 * real models: every input imports or is one sentence from bitlab ({@code bitlab.*} exceptions),
 * never a stray NullPointerException, an ND4J error or an attempt to allocate what the file only
 * claims. Seeds and past findings: {@code src/test/resources/bitlab/onnx/OnnxImportFuzzTestInputs/onnx/}.
 */
class OnnxImportFuzzTest {
  static {
    // ND4J's start (native libraries, seconds) happens once, here, not inside the first input's
    // time limit.
    org.nd4j.linalg.factory.Nd4j.create(1);
  }

  @FuzzTest(maxDuration = "30s")
  void onnx(byte[] input) {
    try {
      OnnxImport.read(input, "fuzzed").layers();
    } catch (RuntimeException e) {
      if (!e.getClass().getName().startsWith("bitlab.")) throw e;
      assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a sentence for the user");
    }
  }
}
