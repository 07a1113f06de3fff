package bitlab.kernel.eval;

import java.util.List;

/** Why a cell did not finish: it did not compile, it threw, or it was stopped. */
public abstract sealed class EvalFailure extends Exception
    permits EvalFailure.Compile, EvalFailure.Run, EvalFailure.Unresolved {

  private final String source;
  private final int offset;

  EvalFailure(String message, String source, int offset, Throwable cause) {
    super(message, cause, false, false);
    this.source = source;
    this.offset = offset;
  }

  /** The snippet that failed, as JShell saw it. */
  public String source() {
    return source;
  }

  /** Where that snippet starts in the cell (character offset), or -1 if unknown. */
  public int offset() {
    return offset;
  }

  /** One compiler diagnostic; start and end are offsets in {@link #source()}, -1 when unknown. */
  public record Diagnostic(long start, long end, String message) {}

  /** The snippet did not compile. */
  public static final class Compile extends EvalFailure {
    private final List<Diagnostic> diagnostics;

    Compile(String source, int offset, List<Diagnostic> diagnostics) {
      super(
          diagnostics.isEmpty()
              ? "The code does not compile."
              : diagnostics.get(0).message(),
          source,
          offset,
          null);
      this.diagnostics = List.copyOf(diagnostics);
    }

    public List<Diagnostic> diagnostics() {
      return diagnostics;
    }
  }

  /**
   * One frame of a failed cell's stack: a library frame ({@code cellLine == -1} and
   * {@code earlierSnippet == null}), a line of the evaluated code ({@code cellLine >= 1}), or code
   * defined by an earlier cell ({@code earlierSnippet} is that snippet's first line).
   */
  public record Frame(StackTraceElement raw, int cellLine, String method, String earlierSnippet) {
    public boolean user() {
      return cellLine > 0 || earlierSnippet != null;
    }
  }

  /** The snippet threw (or was interrupted); {@link #getCause()} is the user's own exception. */
  public static final class Run extends EvalFailure {
    private final boolean interrupted;
    private final boolean abandoned;
    private final int hardStops;
    private final List<Frame> frames;

    Run(
        String source,
        int offset,
        Throwable cause,
        boolean interrupted,
        boolean abandoned,
        int hardStops,
        List<Frame> frames) {
      super(String.valueOf(cause), source, offset, cause);
      this.interrupted = interrupted;
      this.abandoned = abandoned;
      this.hardStops = hardStops;
      this.frames = List.copyOf(frames);
    }

    /** The exception's stack with notebook code mapped to cell lines (top frame first). */
    public List<Frame> frames() {
      return frames;
    }

    /** True when the user asked to stop this cell. */
    public boolean interrupted() {
      return interrupted;
    }

    /** True when the cell could not be stopped and was left running in the background. */
    public boolean abandoned() {
      return abandoned;
    }

    /** How often {@code Thread.stop} was tried on the cell (0 where the JDK no longer has it). */
    public int hardStops() {
      return hardStops;
    }
  }

  /** A declaration used something that is not defined (yet). */
  public static final class Unresolved extends EvalFailure {
    private final String name;
    private final List<String> missing;

    Unresolved(String source, int offset, String name, List<String> missing) {
      super(
          "'" + name + "' uses " + String.join(", ", missing) + ", which "
              + (missing.size() == 1 ? "is" : "are") + " not defined; define "
              + (missing.size() == 1 ? "it" : "them") + " in a cell first.",
          source,
          offset,
          null);
      this.name = name;
      this.missing = List.copyOf(missing);
    }

    public String name() {
      return name;
    }

    public List<String> missing() {
      return missing;
    }
  }
}
