package bitlab.onnx;

import static org.junit.jupiter.api.Assertions.fail;

import bitlab.model.ModelException;
import java.nio.file.Files;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Damaged files (truncated, bytes flipped) must fail with bitlab's own one-sentence exceptions, never
 * with a stray NullPointerException or an ND4J error: 400 seeded mutations of a PyTorch export.
 */
class CorruptFilesTest {
  @Test
  void everyDamagedFileFailsWithAModelException() throws Exception {
    byte[] good = Files.readAllBytes(PyTorchFixturesTest.fixture("tiny_cnn.opset17.onnx"));
    Random rng = new Random(42);
    int failed = 0;
    java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
    for (int i = 0; i < 400; i++) {
      byte[] b;
      if (i % 2 == 0) {
        b = java.util.Arrays.copyOf(good, rng.nextInt(good.length));
      } else {
        b = good.clone();
        for (int k = 0; k <= i % 7; k++) b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8));
      }
      try {
        OnnxImport.read(b, "damaged-" + i);
      } catch (ModelException expected) {
        failed++;
        kinds.merge(
            expected.getClass().getSimpleName() + ": "
                + expected.getMessage().replaceAll("'[^']*'", "'…'").replaceAll("[0-9]+", "#"),
            1,
            Integer::sum);
        if (expected.getMessage() == null || expected.getMessage().isBlank())
          fail("mutation " + i + ": an empty message");
      } catch (RuntimeException e) {
        throw new AssertionError("mutation " + i + " escaped as " + e, e);
      }
    }
    System.out.printf(
        "%d of 400 damaged files refused, with %d different messages%n", failed, kinds.size());
    if (failed < 200)
      fail("only " + failed
          + " of 400 damaged files were refused; the mutations are too gentle to test anything");
  }
}
