package bitlab.dsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed input never crashes the CLI: one sentence, status 2, and with --json one JSON object on stdout. */
class CliErrorsTest {
  static final String GOOD = """
      {"format": "bitlab-ilp/1",
       "layers": [{"name": "a", "candidates": ["W4A4", "W8A8"], "omega": [1.0, 0.1], "costs": {"size": [6, 12]}},
                  {"name": "b", "candidates": ["W4A4", "W8A8"], "omega": [3.0, 0.2], "costs": {"size": [6, 12]}}],
       "budgets": [{"name": "size", "unit": "bytes", "limit": 18}], "fixed": {}, "ties": []}
      """;

  @TempDir
  Path dir;

  /** Runs with --json and returns the error object after checking status, stdout and stderr agree. */
  JsonObject jsonError(String expected, String... args) {
    MainTest.Run r = MainTest.run(args);
    assertEquals(2, r.status(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals("input", o.get("kind").getAsString());
    assertEquals(expected, o.get("error").getAsString());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    return o;
  }

  Path file(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void aFolderOrANonUtf8FileAsInputIsASentence() throws Exception {
    jsonError(
        "The ILP file '" + dir + "' is a folder, not a file; give the path of the file itself.",
        "ilp",
        "--input",
        dir.toString(),
        "--json");
    Path latin1 = dir.resolve("latin1.json");
    String text = GOOD.replace("\"a\"", "\"caf\u00e9\"");
    Files.write(latin1, text.getBytes(StandardCharsets.ISO_8859_1));
    MainTest.Run plain = MainTest.run("ilp", "--input", latin1.toString());
    assertEquals(2, plain.status());
    assertEquals(
        "bitlab ilp: The ILP file '" + latin1 + "' is not UTF-8 text (byte 0xE9 at offset "
            + text.indexOf('\u00e9') + "); is it the right file? Save it as UTF-8.",
        plain.err().strip());
    assertEquals("", plain.out());
  }

  @Test
  void wronglyTypedEntriesAreSentences() throws Exception {
    Path unitNull = file("null.json", GOOD.replace("\"unit\": \"bytes\"", "\"unit\": null"));
    MainTest.Run ok = MainTest.run("ilp", "--input", unitNull.toString(), "--json");
    assertEquals(0, ok.status(), ok.err());
    Path unitObject = file("object.json", GOOD.replace("\"unit\": \"bytes\"", "\"unit\": {}"));
    jsonError(
        unitObject + " budgets[0] 'unit' must be a string such as \"bytes\", got {}.",
        "ilp",
        "--input",
        unitObject.toString(),
        "--json");
    Path tie = file("tie.json", GOOD.replace("\"ties\": []", "\"ties\": [[\"a\", 5]]"));
    jsonError(
        tie + " ties[0] has 5, which is not a layer name; write names as strings.",
        "ilp",
        "--input",
        tie.toString(),
        "--json");
    Path empty = file("empty.json", "");
    jsonError(
        empty
            + " is not a JSON object; an ILP file starts with {\"format\": \"bitlab-ilp/1\", ...}.",
        "ilp",
        "--input",
        empty.toString(),
        "--json");
  }

  @Test
  void aBadOptionWithJsonIsAJsonError() {
    jsonError(
        "Invalid value for option '--time-limit': 'soon' is not a double",
        "ilp",
        "--input",
        "x.json",
        "--time-limit",
        "soon",
        "--json");
    Path missing = dir.resolve("nope.json");
    jsonError(
        "There is no ILP file " + missing + "; write one with 'bitlab hawq MODEL --ilp-out FILE'.",
        "ilp",
        "--input",
        missing.toString(),
        "--json");
    jsonError(
        "The ILP's time limit must be a positive number of seconds, got 0.0.",
        "ilp",
        "--input",
        missing.toString(),
        "--time-limit",
        "0",
        "--json");
  }

  @Test
  void aFolderOrAMissingFolderAsAnOutputIsASentenceNamingIt() {
    jsonError(
        "cannot use " + dir + ": it is a folder; give the name of a file to write.",
        "hawq",
        "lenet5",
        "--images",
        "8",
        "--ilp-out",
        dir.toString(),
        "--json");
    Path missing = dir.resolve("no-such-folder");
    jsonError(
        "cannot use " + missing + ": no such file or folder.",
        "hawq",
        "lenet5",
        "--images",
        "8",
        "--policy-out",
        missing.resolve("p.json").toString(),
        "--json");
  }

  @Test
  void sentencesInJsonKeepTheirQuotes() {
    MainTest.Run r = MainTest.run("eval", "no-such-model", "--json");
    assertEquals(2, r.status(), r.err());
    assertTrue(r.out().contains("\"There is no zoo model 'no-such-model';"), r.out());
  }

  @Test
  void numbersThatAreNotFiniteAreWrittenAsNull() {
    String text =
        Json.text(new EvalCommand.Result("m", "mnist", 3, 10, 0.3, Double.POSITIVE_INFINITY));
    assertTrue(text.contains("\"loss\": null"), text);
    assertTrue(JsonParser.parseString(Json.text(new double[] {Double.NaN, 1.5}))
        .getAsJsonArray()
        .get(0)
        .isJsonNull());
    assertFalse(
        Json.text(new EvalCommand.Result(null, "mnist", 3, 10, 0.3, 1.0)).contains("\"model\""),
        "record nulls stay left out");
  }

  @Test
  void errorsAndFileTroubleHaveAKindAndAStatus() {
    StringWriter err = new StringWriter();
    assertEquals(1, Main.fail(new StackOverflowError(), "ilp", false, new PrintWriter(err)));
    assertTrue(
        err.toString()
            .startsWith(
                "bitlab ilp: failed with java.lang.StackOverflowError; this is a bug in bitlab"),
        err.toString());
    StringWriter err2 = new StringWriter();
    assertEquals(
        2,
        Main.fail(
            new NoSuchFileException("/no/such/folder/x.json"),
            "hawq",
            false,
            new PrintWriter(err2)));
    assertEquals(
        "bitlab hawq: cannot use /no/such/folder/x.json: no such file or folder.",
        err2.toString().strip());
  }

  /** A bug of bitlab's own that happens to live in a bitlab package: the CLI must not pass it off as the user's mistake. */
  static final class Broken extends RuntimeException {
    Broken() {
      super("an internal invariant broke");
    }
  }

  @Test
  void theExceptionFamilyDecidesWhatIsTheUsersMistake() {
    StringWriter err = new StringWriter();
    assertEquals(
        2,
        Main.fail(
            new bitlab.quant.QuantException("Layer 'x' is not in lenet5."),
            "quantize",
            false,
            new PrintWriter(err)));
    assertEquals(
        "bitlab quantize: Layer 'x' is not in lenet5.",
        err.toString().strip(),
        "one sentence, no stack");
    StringWriter err2 = new StringWriter();
    assertEquals(1, Main.fail(new Broken(), "quantize", false, new PrintWriter(err2)));
    assertTrue(
        err2.toString().contains("this is a bug in bitlab") && err2.toString().contains("\tat "),
        err2.toString());
  }
}
