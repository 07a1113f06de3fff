package bitlab.kernel.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Summaries of values are short whatever the value, and come back in time whatever its toString does. */
class ValueSummaryTest {
  @Test
  void arraysShowTheirLengthAndFirstElementsOnly() {
    assertEquals(
        "int[50000000] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ... }",
        ValueSummary.of(new int[50_000_000]));
    assertEquals("double[2] { 1.5, -0.0 }", ValueSummary.of(new double[] {1.5, -0.0}));
    assertEquals("String[0] {}", ValueSummary.of(new String[0]));
    assertEquals("int[][2] { int[3], int[3] }", ValueSummary.of(new int[2][3]));
  }

  @Test
  void stringsAreQuotedAndCut() {
    assertEquals("\"hi\"", ValueSummary.of("hi"));
    assertEquals(
        "\"" + "x".repeat(60) + "...\" (1000000 characters)",
        ValueSummary.of("x".repeat(1_000_000)));
    assertEquals("'c'", ValueSummary.of('c'));
    assertEquals("\"two\\nlines\"", ValueSummary.of("two\nlines"));
  }

  @Test
  void collectionsAndMapsShowTheirSizeAndFirstElements() {
    List<Integer> many = new ArrayList<>();
    for (int i = 0; i < 1_000_000; i++) many.add(i);
    assertEquals("ArrayList(1000000) [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, ...]", ValueSummary.of(many));
    Map<String, List<Integer>> m = new LinkedHashMap<>();
    m.put("a", many);
    assertEquals("LinkedHashMap(1) {\"a\"=ArrayList(1000000)}", ValueSummary.of(m));
    assertEquals("null", ValueSummary.of(null));
  }

  @Test
  void aSlowOrFailingToStringIsCutOffWithASentence() {
    Object slow = new Object() {
      @Override
      public String toString() {
        try {
          Thread.sleep(30_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return "never shown";
      }
    };
    String s = ValueSummary.within(slow, 200);
    assertTrue(
        s.matches("\\(.*: its summary took over 200 ms; print it in a cell to see it\\)"), s);
    Object failing = new Object() {
      @Override
      public String toString() {
        throw new IllegalStateException("no text for you");
      }
    };
    assertTrue(ValueSummary.within(failing, 1000)
        .endsWith(": toString() failed: java.lang.IllegalStateException: no text for you)"));
    assertEquals(
        "x".repeat(117) + "...",
        ValueSummary.within(
            new Object() {
              @Override
              public String toString() {
                return "x".repeat(10_000_000);
              }
            },
            5000));
  }
}
