package bitlab.kernel;

import bitlab.BitlabException;
import bitlab.kernel.eval.CellStoppedError;
import bitlab.kernel.eval.EvalFailure;
import java.util.ArrayList;
import java.util.List;

/**
 * What a failed cell shows: {@code ename}/{@code evalue} name the user's own exception (never a
 * JShell wrapper), and the traceback starts with that one sentence, then points at the cell
 * line(s) involved. Library frames are cut to the few nearest the throw, and not shown at all
 * for bitlab's own exceptions, whose message is meant to be the whole story.
 */
public record ErrorReport(String ename, String evalue, List<String> traceback) {

  static final String RED = "\u001b[1;31m";
  static final String DIM = "\u001b[2m";
  static final String RESET = "\u001b[0m";
  static final int LIBRARY_FRAMES = 4;

  public ErrorReport {
    traceback = List.copyOf(traceback);
  }

  /** Plain text of the traceback, without colours (for tests and logs). */
  public String plain() {
    return String.join("\n", traceback).replaceAll("\u001b\\[[0-9;]*m", "");
  }

  public static ErrorReport of(EvalFailure f, String cell) {
    if (f instanceof EvalFailure.Compile c) return compile(c, cell);
    if (f instanceof EvalFailure.Unresolved u) {
      List<String> tb = new ArrayList<>();
      tb.add(RED + "Unresolved: " + u.getMessage() + RESET);
      tb.addAll(pointAt(cell, u.offset(), -1, -1, u.source()));
      return new ErrorReport("Unresolved", u.getMessage(), tb);
    }
    return run((EvalFailure.Run) f, cell);
  }

  /** A failure outside JShell (a magic, a renderer): the exception's own name and sentence. */
  public static ErrorReport of(Throwable t) {
    String name = t.getClass().getSimpleName();
    String msg = t.getMessage() == null ? "" : t.getMessage();
    List<String> tb = new ArrayList<>();
    tb.add(RED + name + (msg.isEmpty() ? "" : ": " + msg) + RESET);
    if (!isBitlab(t)) tb.addAll(frames(t));
    return new ErrorReport(name, msg, tb);
  }

  private static ErrorReport compile(EvalFailure.Compile c, String cell) {
    List<String> tb = new ArrayList<>();
    String first = c.diagnostics().isEmpty()
        ? "The code does not compile."
        : firstLine(c.diagnostics().get(0).message());
    tb.add(RED + "CompileError: " + first + RESET);
    for (EvalFailure.Diagnostic d : c.diagnostics()) {
      tb.addAll(pointAt(cell, c.offset(), d.start(), d.end(), c.source()));
      d.message().lines().skip(1).forEach(l -> tb.add("    " + l.strip()));
    }
    if (c.diagnostics().isEmpty()) tb.addAll(pointAt(cell, c.offset(), -1, -1, c.source()));
    return new ErrorReport("CompileError", first, tb);
  }

  private static ErrorReport run(EvalFailure.Run r, String cell) {
    Throwable t = r.getCause();
    if (r.abandoned()) {
      String msg = abandoned(r.hardStops(), Runtime.version().feature());
      return new ErrorReport("Interrupted", msg, List.of(RED + "Interrupted: " + msg + RESET));
    }
    if (r.interrupted()
        && (t instanceof CellStoppedError
            || t instanceof ThreadDeath
            || t instanceof InterruptedException)) {
      String msg = t instanceof InterruptedException
          ? "The cell was interrupted."
          : "The cell was stopped: it did not reach a cancellation checkpoint, so it was stopped hard.";
      List<String> tb = new ArrayList<>();
      tb.add(RED + "Interrupted: " + msg + RESET);
      tb.addAll(frames(r.frames(), cell, true));
      return new ErrorReport("Interrupted", msg, tb);
    }
    String name = t.getClass().getSimpleName();
    String msg = clean(t.getMessage());
    List<String> tb = new ArrayList<>();
    tb.add(RED + name + (msg.isEmpty() ? "" : ": " + msg) + RESET);
    tb.addAll(frames(r.frames(), cell, isBitlab(t)));
    int depth = 0;
    for (Throwable c = t.getCause(); c != null && c != t && depth < 3; c = c.getCause(), depth++) {
      tb.add(DIM + "Caused by " + c.getClass().getName()
          + (c.getMessage() == null ? "" : ": " + clean(c.getMessage())) + RESET);
    }
    return new ErrorReport(name, msg, tb);
  }

  /**
   * What an unstoppable cell is told: the truth of what was tried, and the fix. The cell's own loops
   * always end (see {@code CellGuard}); what survives is library or native code.
   */
  static String abandoned(int hardStops, int jdk) {
    String tried = hardStops > 0
        ? "survived " + hardStops
            + " hard stops (Thread.stop): it is inside library code that catches them, or a native call that"
            + " does not return"
        : "runs inside library code that Java " + jdk
            + " cannot stop from outside (Thread.stop is gone since Java 20)";
    String left = hardStops > 0
        ? "It is left running in the background, where the kernel stops it again once a second"
        : "It is left running in the background";
    return "The cell ignored the interrupt and " + tried + ". " + left
        + "; if a core stays busy, restart the kernel" + " (Kernel > Restart Kernel).";
  }

  /** JShell's wrapper names ("REPL.$JShell$18.s") mean nothing to a reader: keep the variable name. */
  static String clean(String msg) {
    return msg == null ? "" : msg.replaceAll("REPL\\.\\$JShell\\$\\w+\\.", "");
  }

  /** One of bitlab's sentences for a user ({@link BitlabException}): the sentence is the whole story, no frames. */
  static boolean isBitlab(Throwable t) {
    return t instanceof BitlabException;
  }

  /** The few library frames nearest the throw (none for bitlab's own errors), then the notebook's frames. */
  private static List<String> frames(
      List<EvalFailure.Frame> frames, String cell, boolean userOnly) {
    List<String> out = new ArrayList<>();
    int library = 0;
    int skipped = 0;
    boolean seenUser = false;
    for (EvalFailure.Frame f : frames) {
      if (!f.user()) {
        if (seenUser) continue;
        if (!userOnly && library < LIBRARY_FRAMES) {
          out.add(DIM + "    at " + f.raw() + RESET);
          library++;
        } else {
          skipped++;
        }
        continue;
      }
      if (!seenUser && skipped > 0 && !userOnly)
        out.add(DIM + "    ... " + skipped + " more library frames" + RESET);
      seenUser = true;
      String in = f.method() == null || f.method().isEmpty() ? "" : " in " + f.method() + "()";
      if (f.cellLine() > 0 && cell != null) {
        String line = "    at cell line " + f.cellLine() + in + ":  "
            + lineText(cell, f.cellLine()).strip();
        if (!out.isEmpty() && out.get(out.size() - 1).equals(line)) continue;
        out.add(line);
      } else {
        String what = f.method() == null || f.method().isEmpty() ? "code" : f.method() + "()";
        out.add("    at " + what + " from an earlier cell: " + f.earlierSnippet());
      }
    }
    return out;
  }

  /** A failure outside JShell shows its class, sentence and a few frames of where it came from. */
  private static List<String> frames(Throwable t) {
    List<String> out = new ArrayList<>();
    StackTraceElement[] st = t.getStackTrace();
    for (int i = 0; i < Math.min(LIBRARY_FRAMES, st.length); i++)
      out.add(DIM + "    at " + st[i] + RESET);
    if (st.length > LIBRARY_FRAMES)
      out.add(DIM + "    ... " + (st.length - LIBRARY_FRAMES) + " more" + RESET);
    return out;
  }

  /** The cell line(s) of a snippet, with carets under [start, end) when the span is known. */
  private static List<String> pointAt(
      String cell, int offset, long start, long end, String source) {
    List<String> out = new ArrayList<>();
    if (cell == null || offset < 0) {
      out.add("    " + source.strip());
      return out;
    }
    int base = offset + (int) Math.max(0, start);
    int line = lineOf(cell, Math.min(base, cell.length()));
    String text = lineText(cell, line);
    out.add("    cell line " + line + ":  " + text);
    if (start >= 0 && end >= start) {
      int col = base - lineStart(cell, line);
      int width = (int) Math.max(1, Math.min(end - start, text.length() - col));
      String prefix = "    cell line " + line + ":  ";
      out.add(" ".repeat(prefix.length() + Math.max(0, col))
          + RED
          + "^".repeat(Math.max(1, width))
          + RESET);
    }
    return out;
  }

  static int lineOf(String cell, int offset) {
    int line = 1;
    for (int i = 0; i < Math.min(offset, cell.length()); i++) if (cell.charAt(i) == '\n') line++;
    return line;
  }

  private static int lineStart(String cell, int line) {
    int at = 0;
    for (int l = 1; l < line; l++) {
      int nl = cell.indexOf('\n', at);
      if (nl < 0) return at;
      at = nl + 1;
    }
    return at;
  }

  private static String lineText(String cell, int line) {
    int s = lineStart(cell, line);
    int e = cell.indexOf('\n', s);
    return cell.substring(s, e < 0 ? cell.length() : e);
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
