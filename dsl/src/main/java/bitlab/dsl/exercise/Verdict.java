package bitlab.dsl.exercise;

import bitlab.BitlabException;
import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;

/**
 * The outcome of one check: which exercise, right or wrong, the sentence that says why, and how many inputs
 * were compared.
 */
public record Verdict(String exercise, boolean right, String sentence, int cases)
    implements Renderable {
  static Verdict right(String exercise, int cases, String sentence) {
    return new Verdict(exercise, true, sentence, cases);
  }

  static Verdict wrong(String exercise, int cases, String sentence) {
    return new Verdict(exercise, false, sentence, cases);
  }

  /** The student's code threw: say where, keep the kernel alive. */
  static Verdict threw(String exercise, int cases, String input, RuntimeException e) {
    return wrong(
        exercise,
        cases,
        "your code threw " + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")") + " for " + input + ".");
  }

  /** This verdict if right; otherwise an exception with its sentence (the solutions notebook's cells fail when a solution goes wrong). */
  public Verdict require() {
    if (!right) throw new BitlabException(toString());
    return this;
  }

  @Override
  public String toString() {
    return (right ? "RIGHT " : "WRONG ") + exercise + ": " + sentence;
  }

  @Override
  public MimeBundle render() {
    String color = right ? "#2ca02c" : "#d62728";
    return MimeBundle.html(
        toString(),
        "<p style=\"border-left:4px solid " + color + ";padding-left:8px\"><b style=\"color:"
            + color + "\">" + (right ? "✓ right" : "✗ not yet") + "</b> · "
            + TableHtml.escape(exercise) + ": " + TableHtml.escape(sentence) + "</p>");
  }
}
