package bitlab.dsl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every verb explains itself: {@code --help} and {@code help VERB} print its usage and exit 0, required options or not. */
class HelpTest {

  @Test
  void everyVerbAnswersHelpWithItsUsage() {
    var verbs = new CommandLine(new Main()).getSubcommands().keySet();
    assertTrue(verbs.size() >= 12, "verbs: " + verbs);
    for (String verb : verbs) {
      if (verb.equals("help")) continue;
      for (String flag : new String[] {"--help", "-h"}) {
        MainTest.Run r = MainTest.run(verb, flag);
        assertEquals(0, r.status(), verb + " " + flag + ": " + r.err());
        assertTrue(
            r.out().startsWith("Usage: bitlab " + verb + " "), verb + " " + flag + ": " + r.out());
      }
      MainTest.Run r = MainTest.run("help", verb);
      assertEquals(0, r.status(), "help " + verb + ": " + r.err());
      assertTrue(
          r.out().startsWith("Usage: bitlab " + verb + " "), "help " + verb + ": " + r.out());
    }
  }

  @Test
  void aVerbWithARequiredOptionStillAnswersHelp() {
    MainTest.Run r = MainTest.run("ilp", "--help");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("--input=FILE"), r.out());
    assertEquals("", r.err());
  }

  @Test
  void theTopLevelHelpListsEveryVerb() {
    MainTest.Run r = MainTest.run("--help");
    assertEquals(0, r.status(), r.err());
    for (String verb :
        new String[] {"models", "eval", "quantize", "haq", "hawq", "ilp", "integer", "sweep"}) {
      assertTrue(r.out().contains("\n  " + verb + " "), verb + " missing from: " + r.out());
    }
  }
}
