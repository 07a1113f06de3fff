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
    // ND4J's start (native libraries, seconds) and the loading and instrumenting of the importer's
    // classes (seconds more on a busy machine: a mid-session CI timed out on its first input)
    // happen
    // once, here, not inside the first input's time limit.
    org.nd4j.linalg.factory.Nd4j.create(1);
    try (java.io.InputStream seed = OnnxImportFuzzTest.class.getResourceAsStream(
        "OnnxImportFuzzTestInputs/onnx/tiny_cnn.onnx")) {
      OnnxImport.read(seed.readAllBytes(), "warm-up").layers();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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
