package bitlab.kernel.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** JShell facing parts: real result objects, completion, documentation, completeness, variables. */
class EvaluatorTest {
  static Evaluator ev;

  @BeforeAll
  static void start() {
    ev = new Evaluator(List.of("import static bitlab.dsl.Bitlab.*;", "import java.util.*;"));
  }

  @AfterAll
  static void stop() {
    ev.close();
  }

  @Test
  void resultsAreTheRealObjectsNotStrings() throws Exception {
    Object list = ev.eval("new ArrayList<>(List.of(1, 2, 3))");
    assertTrue(list instanceof java.util.ArrayList<?> l && l.size() == 3);
    Object again = ev.eval("var same = new StringBuilder(\"x\");\nsame");
    assertSame(again, ev.eval("same"));
    assertSame(Evaluator.NO_VALUE, ev.eval("int unused = 3;"));
  }

  @Test
  void completionOffersJdkAndDslNames() {
    Evaluator.Suggestions s = ev.complete("System.currentTimeMil", 21);
    assertEquals(List.of("currentTimeMillis()"), s.matches());
    assertEquals(7, s.start());
    assertTrue(ev.complete("mnis", 4).matches().contains("mnist()"), "static DSL imports complete");
    assertTrue(ev.complete("zo", 2).matches().contains("zoo("));
  }

  @Test
  void documentationFindsSignaturesAtTheCursor() {
    List<Evaluator.Doc> max = ev.documentation("Math.max", 8);
    assertFalse(max.isEmpty());
    assertTrue(
        max.stream().anyMatch(d -> d.signature().contains("Math.max(int a, int b)")),
        max.toString());
    List<Evaluator.Doc> inCall = ev.documentation("zoo(\"lenet5\")", 6);
    assertTrue(
        inCall.stream().anyMatch(d -> d.signature().contains("Bitlab.zoo(String name)")),
        inCall.toString());
  }

  @Test
  void completenessForTheFrontEnd() {
    assertEquals("complete", ev.isComplete("1 + 1").status());
    assertEquals("complete", ev.isComplete("int x = 1;\nx").status());
    assertEquals("complete", ev.isComplete("%vars").status());
    assertEquals("incomplete", ev.isComplete("for (int i = 0; i < 3; i++) {").status());
    assertEquals("    ", ev.isComplete("for (int i = 0; i < 3; i++) {").indent());
    assertEquals("incomplete", ev.isComplete("String s = \"a\" +").status());
    assertEquals("invalid", ev.isComplete("1 +* ;").status());
  }

  @Test
  void variablesListNamesTypesAndValues() throws Exception {
    ev.eval("int answer = 42;");
    assertTrue(
        ev.variables().contains(new Evaluator.Var("answer", "int", "42")),
        ev.variables().toString());
    ev.eval("int[] big = new int[50_000_000]; String s = \"two\\nlines\";");
    List<Evaluator.Var> vars = ev.variables();
    assertTrue(
        vars.contains(new Evaluator.Var(
            "big", "int[]", "int[50000000] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ... }")),
        vars.toString());
    assertTrue(vars.contains(new Evaluator.Var("s", "String", "\"two\\nlines\"")), vars.toString());
    ev.eval("big = null;");
  }

  @Test
  void usingADeclarationWithAMissingPartSaysWhatIsMissing() throws Exception {
    ev.eval("int twice() { return notYetDefined * 2; }");
    EvalFailure f =
        org.junit.jupiter.api.Assertions.assertThrows(EvalFailure.class, () -> ev.eval("twice()"));
    assertTrue(
        f instanceof EvalFailure.Unresolved u && u.missing().toString().contains("notYetDefined"),
        f.getMessage());
    ev.eval("int notYetDefined = 21;");
    assertEquals(42, ev.eval("twice()"));
  }
}
