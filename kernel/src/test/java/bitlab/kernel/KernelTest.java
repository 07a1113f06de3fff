package bitlab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The protocol-facing answers: complete (Java and magics), inspect (with bitlab's javadoc), is_complete. */
class KernelTest {
  static BitlabKernel kernel;

  @BeforeAll
  static void start() {
    kernel = new BitlabKernel(new Session());
  }

  @AfterAll
  static void stop() {
    kernel.onShutdown(false);
  }

  @Test
  void completesMagicNames() {
    ReplacementOptions line = kernel.complete("int a = 1;\n%va", 14);
    assertEquals(java.util.List.of("%vars"), line.getReplacements());
    assertEquals(11, line.getSourceStart());
    ReplacementOptions cell = kernel.complete("%%h", 3);
    assertEquals(java.util.List.of("%%hardware"), cell.getReplacements());
  }

  @Test
  void inspectShowsTheDslsOwnJavadoc() {
    DisplayData d = kernel.inspect("var data = mnist();", 13, false);
    assertNotNull(d);
    String text = (String) d.getData(MIMEType.TEXT_PLAIN);
    assertTrue(text.contains("Bitlab.mnist()"), text);
    assertTrue(text.contains("MNIST-10k"), "javadoc from bitlab's sources: " + text);
  }

  @Test
  void isCompleteUsesTheProtocolWords() {
    assertEquals(BaseKernel.IS_COMPLETE_YES, kernel.isComplete("1 + 1"));
    assertEquals(BaseKernel.IS_COMPLETE_BAD, kernel.isComplete("1 +* ;"));
    assertEquals("    ", kernel.isComplete("if (true) {"));
  }
}
