package bitlab.search.hawq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every kind of broken ILP file is one sentence that names the file and the entry. */
class IlpJsonTest {
  /** A valid two-layer problem; each case below breaks one thing in it. */
  static final String GOOD = """
      {"format": "bitlab-ilp/1",
       "layers": [{"name": "a", "candidates": ["W4A4", "W8A8"], "omega": [1.0, 0.1], "costs": {"size": [6, 12]}},
                  {"name": "b", "candidates": ["W4A4", "W8A8"], "omega": [3.0, 0.2], "costs": {"size": [6, 12]}}],
       "budgets": [{"name": "size", "unit": "bytes", "limit": 18}],
       "fixed": {"a": "W4A4"}, "ties": []}
      """;

  @Test
  void theUnbrokenFileSolves() {
    IlpSolution s = IlpSolver.solve(IlpJson.read(GOOD, "plan.json"));
    assertEquals("W4A4", s.bits("a").toString());
    assertEquals(
        "W8A8", s.bits("b").toString()); // a is fixed at 6 bytes, so b's 12 bytes just fit the 18
  }

  @Test
  void aNullUnitIsNoUnit() {
    IlpSolution s = IlpSolver.solve(
        IlpJson.read(GOOD.replace("\"unit\": \"bytes\"", "\"unit\": null"), "plan.json"));
    assertEquals("", s.usage().get(0).unit());
  }

  /** Each row: what is broken, the text replaced (several separated by @@), its replacement, what the message must say. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no layers          | \"layers\": [{\"name\": \"a\" | \"layers\": [], \"x\": [{\"name\": \"a\" | needs at least one layer",
        "layers missing     | \"layers\"                      | \"strata\"                             | plan.json has no 'layers'",
        "omega missing      | \"omega\": [1.0, 0.1],           | ''                                     | plan.json layer 'a' has no 'omega'",
        "omega short        | \"omega\": [1.0, 0.1]            | \"omega\": [1.0]                       | one Omega per candidate",
        "omega not a number | \"omega\": [1.0, 0.1]            | \"omega\": [1.0, \"low\"]              | omega entry 1 is not a number",
        "cost negative      | \"size\": [6, 12]}},             | \"size\": [-6, 12]}},                  | negative or not finite",
        "cost short         | \"size\": [6, 12]}},             | \"size\": [6]}},                       | one cost per candidate",
        "limit missing      | \"limit\": 18                    | \"cap\": 18                            | budgets[0] has no numeric 'limit'",
        "limit negative     | \"limit\": 18                    | \"limit\": -18                         | a limit must be a positive finite number",
        "budget unpriced    | \"name\": \"size\", \"unit\"     | \"name\": \"energy\", \"unit\"         | has no 'energy' costs",
        "duplicate layer    | {\"name\": \"b\"                | {\"name\": \"a\"                       | Layer 'a' appears twice",
        "fixed unknown      | \"fixed\": {\"a\"               | \"fixed\": {\"c\"                      | Fixed layer 'c' is not in the problem",
        "fixed off the list | \"fixed\": {\"a\": \"W4A4\"     | \"fixed\": {\"a\": \"W2A2\"           | not among its candidates",
        "fixed not a pair   | \"fixed\": {\"a\": \"W4A4\"     | \"fixed\": {\"a\": \"four\"           | 'four' is not a bit pair",
        "tie unknown        | \"ties\": []                     | \"ties\": [[\"a\", \"z\"]]            | Tied layer 'z' is not in the problem",
        "tie of one         | \"ties\": []                     | \"ties\": [[\"a\"]]                    | A tie needs at least two layers",
        "tie vs fixed       | \"fixed\": {\"a\": \"W4A4\"}, \"ties\": [] | \"fixed\": {\"a\": \"W4A4\", \"b\": \"W8A8\"}, \"ties\": [[\"a\", \"b\"]] | fixed at W4A4 and W8A8",
        "tie vs candidates  | \"ties\": []@@\"b\", \"candidates\": [\"W4A4\" | \"ties\": [[\"a\", \"b\"]]@@\"b\", \"candidates\": [\"W2A2\" | tied layers need the same candidates",
        "bits out of range  | \"W8A8\"], \"omega\": [3.0      | \"W9A8\"], \"omega\": [3.0            | plan.json layer 'b'",
        "wrong format       | bitlab-ilp/1                     | bitlab-ilp/9                           | this bitlab reads 'bitlab-ilp/1'",
        "not JSON           | \"ties\": []}                    | \"ties\": [                            | plan.json is not valid JSON",
        "unit an object     | \"unit\": \"bytes\"            | \"unit\": {}                           | plan.json budgets[0] 'unit' must be a string such as \"bytes\", got {}.",
        "tie of null        | \"ties\": []                     | \"ties\": [[\"a\", null]]              | plan.json ties[0] has null, which is not a layer name; write names as strings.",
        "tie of an object   | \"ties\": []                     | \"ties\": [[\"a\", {}]]                | plan.json ties[0] has {}, which is not a layer name; write names as strings.",
        "tie not a list     | \"ties\": []                     | \"ties\": [\"a\"]                      | plan.json 'ties' must be a list of lists of layer names; ties[0] is \"a\".",
        "name a number      | {\"name\": \"b\"                | {\"name\": 7                           | plan.json layers[1] 'name' must be a string, got 7.",
        "name null          | {\"name\": \"b\"                | {\"name\": null                        | plan.json layers[1] has no 'name'.",
      })
  void aBrokenFileIsNamed(String what, String from, String to, String expected) {
    String json = GOOD;
    String[] f = from.split("@@");
    String[] t = to.split("@@", -1);
    for (int i = 0; i < f.length; i++) {
      assertTrue(json.contains(f[i]), what + ": the test's edit does not apply: " + f[i]);
      json = json.replace(f[i], t[i]);
    }
    String text = json;
    IlpInputException e = assertThrows(
        IlpInputException.class, () -> IlpSolver.solve(IlpJson.read(text, "plan.json")), what);
    assertTrue(e.getMessage().contains(expected), what + ": " + e.getMessage());
    assertEquals(1, e.getMessage().strip().lines().count(), what + ": one line: " + e.getMessage());
  }
}
