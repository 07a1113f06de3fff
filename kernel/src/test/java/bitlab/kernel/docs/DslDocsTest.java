package bitlab.kernel.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DslDocsTest {
  @Test
  void findsMethodDocsByOwnerNameAndArity(@TempDir Path dir) throws Exception {
    Path src = dir.resolve("bitlab/dsl/Lab.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, """
        package bitlab.dsl;
        /** The lab. */
        public final class Lab {
          /** A zoo model by {@code name}. */
          public static Model zoo(String name) { return null; }
          /**
           * A zoo model at another input size.
           * @param size pixels
           */
          public static Model zoo(String name, int size) { return null; }
        }
        """);
    DslDocs docs = DslDocs.of(dir);
    assertEquals(
        "A zoo model by name.",
        docs.lookup("bitlab.model.Model Lab.zoo(String name)").orElseThrow());
    assertEquals(
        "A zoo model at another input size.\nsize: pixels",
        docs.lookup("Model Lab.zoo(String name, int size)").orElseThrow());
    assertEquals("The lab.", docs.lookup("bitlab.dsl.Lab").orElseThrow());
    assertTrue(docs.lookup("Other.zoo()").isEmpty());
  }

  @Test
  void theBundledDslSourcesAreFound() {
    assertTrue(
        DslDocs.bundled()
            .lookup("bitlab.data.Dataset Bitlab.mnist()")
            .orElse("")
            .contains("MNIST"),
        "kernel/pom.xml bundles dsl/src/main/java under bitlab-src/");
    assertTrue(
        DslDocs.bundled()
            .lookup("bitlab.model.Evaluation Model.evaluate(bitlab.data.Dataset data)")
            .orElse("")
            .contains("accuracy"),
        "the engine's public types are documented too");
  }
}
