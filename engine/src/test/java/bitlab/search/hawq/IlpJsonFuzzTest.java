package bitlab.search.hawq;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.search.BudgetException;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;

/**
 * ILP problem files mutated by Jazzer: each is a problem or one sentence ({@link HawqException});
 * small problems are then solved (50 ms limit) to a plan that meets the budgets, or a sentence
 * ({@link BudgetException}). Seeds and past findings:
 * {@code src/test/resources/bitlab/search/hawq/IlpJsonFuzzTestInputs/json/}.
 */
class IlpJsonFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void json(byte[] input) {
    String text = new String(input, java.nio.charset.StandardCharsets.UTF_8);
    IlpProblem p;
    try {
      p = IlpJson.read(text, "fuzzed.json");
    } catch (HawqException e) {
      assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a sentence for the user");
      return;
    }
    if (p.layers().size() > 12) return;
    try {
      IlpSolution s = IlpSolver.solve(p, Duration.ofMillis(50));
      for (IlpSolution.Usage u : s.usage())
        assertTrue(u.used() <= u.limit() * (1 + 1e-9), "the plan meets " + u.budget());
      assertTrue(s.gap() >= 0, "a gap is never negative");
    } catch (
        bitlab.BitlabException e) { // HawqException, or BudgetException for limits no policy meets
      assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a sentence for the user");
    }
  }
}
