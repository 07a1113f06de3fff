package bitlab.kernel.eval;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;

/**
 * bitlab's JShell: evaluates cells in this JVM (see {@link CellControl}), returns real result
 * objects, and releases what dropped and overwritten snippets held.
 *
 * <p>A cell is split into snippets with JShell's own completeness analysis; each is evaluated in
 * turn and the cell's value is the last snippet's, if that snippet is an expression. Not thread
 * safe: the kernel calls it from its shell thread only ({@link #interrupt()} excepted).
 */
public final class Evaluator implements AutoCloseable {

  /** The value of a cell whose last snippet is not an expression. */
  public static final Object NO_VALUE = new Object() {
    @Override
    public String toString() {
      return "(no value)";
    }
  };

  /** How many expression results ($1, $2, ...) stay reachable; older ones are released. */
  static final int KEPT_TEMP_VALUES = 16;

  private static final Method CLASS_FULL_NAME = snippetClassNameAccessor();

  private final CellControl control;
  private final JShell shell;
  private final SourceCodeAnalysis analysis;
  private final Deque<VarSnippet> temps = new ArrayDeque<>();
  private final java.util.Map<String, Integer> offsets = new java.util.HashMap<>();
  private String code = "";

  /** A JShell with the given startup snippets (imports) already evaluated. */
  public Evaluator(List<String> startup) {
    this.control = new CellControl(new CellLoader());
    this.shell = JShell.builder()
        .executionEngine(new CellControlProvider(control), java.util.Map.of())
        .out(System.out)
        .err(System.err)
        .build();
    this.analysis = shell.sourceCodeAnalysis();
    for (String s : startup) {
      try {
        eval(s);
      } catch (EvalFailure e) {
        System.err.println(
            "bitlab: startup snippet failed and was skipped: " + s + " (" + e.getMessage() + ")");
      }
    }
  }

  /** Evaluates a whole cell; returns the last expression's value or {@link #NO_VALUE}. */
  public Object eval(String cell) throws EvalFailure {
    control.cell(true);
    try {
      return evalCell(cell);
    } finally {
      control.cell(false);
    }
  }

  private Object evalCell(String cell) throws EvalFailure {
    control.clearOutcomes();
    offsets.clear();
    code = cell;
    Object last = NO_VALUE;
    String remaining = cell;
    SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
    while (info.completeness().isComplete()) {
      last = evalSnippet(info.source(), startOf(cell, remaining));
      remaining = info.remaining();
      info = analysis.analyzeCompletion(remaining);
    }
    if (info.completeness() != Completeness.EMPTY) {
      // Incomplete or unparsable: let the compiler say what is wrong, pointing at the span.
      last = evalSnippet(remaining, startOf(cell, remaining));
    }
    return last;
  }

  private static int startOf(String cell, String remaining) {
    int start = cell.length() - remaining.length();
    while (start < cell.length() && Character.isWhitespace(cell.charAt(start))) start++;
    return start;
  }

  private Object evalSnippet(String source, int offset) throws EvalFailure {
    List<SnippetEvent> events = shell.eval(source);
    Object value = NO_VALUE;
    EvalFailure failure = null;
    for (SnippetEvent ev : events) {
      Snippet s = ev.snippet();
      if (ev.causeSnippet() == null) offsets.put(s.id(), offset);
      if (ev.causeSnippet() != null || ev.status() == Snippet.Status.OVERWRITTEN) {
        if (ev.status() == Snippet.Status.OVERWRITTEN) release(s);
        continue;
      }
      if (ev.status() == Snippet.Status.REJECTED) {
        failure = compileFailure(s, source, offset);
        shell.drop(s);
        continue;
      }
      if (ev.exception() != null) {
        CellControl.Outcome o = control.takeFailure();
        if (ev.exception() instanceof UnresolvedReferenceException u) {
          failure = unresolved(u.getSnippet(), source, offset);
        } else if (o != null) {
          failure = new EvalFailure.Run(
              source,
              offset,
              o.failure() != null ? o.failure() : ev.exception(),
              o.interrupted(),
              o.abandoned(),
              o.hardStops(),
              frames(ev.exception().getStackTrace()));
        } else {
          failure = new EvalFailure.Run(
              source,
              offset,
              ev.exception(),
              false,
              false,
              0,
              frames(ev.exception().getStackTrace()));
        }
        continue;
      }
      CellControl.Outcome o =
          ev.value() != null && s.subKind().isExecutable() ? control.take(ev.value()) : null;
      switch (s.subKind()) {
        case VAR_VALUE_SUBKIND, OTHER_EXPRESSION_SUBKIND, TEMP_VAR_EXPRESSION_SUBKIND ->
          value = o == null ? NO_VALUE : o.value();
        default -> value = NO_VALUE;
      }
      if (s instanceof VarSnippet v && s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND)
        keepTemp(v);
      if (s instanceof DeclarationSnippet d
          && (ev.status() == Snippet.Status.RECOVERABLE_DEFINED
              || ev.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED)) {
        List<String> missing = shell.unresolvedDependencies(d).toList();
        if (!missing.isEmpty()) {
          System.err.println("note: " + d.name() + " cannot be used until "
              + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are") + " defined.");
        }
      }
    }
    if (failure != null) throw failure;
    return value;
  }

  /** Maps JShell's translated stack ("#id" file names, snippet-relative lines) to cell lines. */
  private List<EvalFailure.Frame> frames(StackTraceElement[] stack) {
    List<EvalFailure.Frame> out = new ArrayList<>();
    for (StackTraceElement e : stack) {
      String file = e.getFileName();
      if (file == null || !file.startsWith("#")) {
        out.add(new EvalFailure.Frame(e, -1, e.getMethodName(), null));
        continue;
      }
      String id = file.substring(1);
      // JShell's own wrapper methods (do_it$, do_it$Aux for var initialisers) are the cell's top
      // level.
      String method = e.getMethodName().startsWith("do_it$") ? "" : e.getMethodName();
      Integer off = offsets.get(id);
      if (off != null) {
        int line = 1;
        for (int i = 0; i < off && i < code.length(); i++) if (code.charAt(i) == '\n') line++;
        out.add(new EvalFailure.Frame(e, line + Math.max(1, e.getLineNumber()) - 1, method, null));
      } else {
        String src = shell
            .snippets()
            .filter(s -> s.id().equals(id))
            .map(Snippet::source)
            .findFirst()
            .orElse("?");
        String first = src.strip().lines().findFirst().orElse("?");
        out.add(new EvalFailure.Frame(e, -1, method, first + " (line " + e.getLineNumber() + ")"));
      }
    }
    return out;
  }

  private EvalFailure compileFailure(Snippet s, String source, int offset) {
    List<EvalFailure.Diagnostic> diags = shell
        .diagnostics(s)
        .filter(d -> d.isError())
        .map(d -> new EvalFailure.Diagnostic(
            d.getStartPosition(), d.getEndPosition(), cleanMessage(d.getMessage(null))))
        .collect(Collectors.toList());
    String src = s.source() != null ? s.source() : source;
    // Diagnostic positions count from the start of the snippet's source, which may begin with the
    // whitespace that `offset` skipped.
    int lead = src.length() - src.stripLeading().length();
    return new EvalFailure.Compile(src, offset - lead, diags);
  }

  private static String cleanMessage(String m) {
    // javac's "location: class" lines point into JShell's wrapper classes; the span says where.
    return m.lines()
        .filter(l -> !l.trim().startsWith("location:"))
        .collect(Collectors.joining("\n"));
  }

  private EvalFailure unresolved(DeclarationSnippet d, String source, int offset) {
    List<String> missing = shell.unresolvedDependencies(d).collect(Collectors.toList());
    if (missing.isEmpty()) missing = List.of("something");
    return new EvalFailure.Unresolved(source, offset, d.name(), missing);
  }

  private void keepTemp(VarSnippet v) {
    temps.addLast(v);
    while (temps.size() > KEPT_TEMP_VALUES) {
      VarSnippet old = temps.removeFirst();
      release(old);
      shell.drop(old);
    }
  }

  /** Clears the static field that held a dropped variable's value and forgets the snippet's class. */
  private void release(Snippet s) {
    if (CLASS_FULL_NAME == null) return;
    try {
      String className = (String) CLASS_FULL_NAME.invoke(s);
      Class<?> c = control.loader().loadedClass(className);
      if (c == null) return;
      // Re-running identical source reuses the class name, and so the class: the field then
      // already holds the new value and must be left alone.
      boolean shared = shell
          .snippets()
          .anyMatch(o -> o != s && shell.status(o).isActive() && className.equals(classNameOf(o)));
      if (shared) return;
      if (s instanceof VarSnippet v) {
        for (Field f : c.getDeclaredFields()) {
          if (f.getName().equals(v.name())
              && Modifier.isStatic(f.getModifiers())
              && !f.getType().isPrimitive()) {
            f.setAccessible(true);
            f.set(null, null);
          }
        }
      }
      control.loader().forget(className);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Releasing is best effort: the value simply stays reachable.
    }
  }

  private static String classNameOf(Snippet s) {
    if (CLASS_FULL_NAME == null) return null;
    try {
      return (String) CLASS_FULL_NAME.invoke(s);
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  private static Method snippetClassNameAccessor() {
    try {
      Method m = Snippet.class.getDeclaredMethod("classFullName");
      m.setAccessible(true);
      return m;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // needs --add-opens jdk.jshell/jdk.jshell=ALL-UNNAMED; without it nothing is
      // released
    }
  }

  /** True when values of dropped snippets can be released (the JVM was started with the needed opens). */
  public static boolean canRelease() {
    return CLASS_FULL_NAME != null;
  }

  /** Is-complete for the Jupyter protocol: "complete", "invalid", or "incomplete" with an indent. */
  public record Completion(String status, String indent) {}

  public Completion isComplete(String code) {
    if (code.stripLeading().startsWith("%")) return new Completion("complete", "");
    SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(code);
    while (info.completeness().isComplete() && !info.remaining().isBlank()) {
      info = analysis.analyzeCompletion(info.remaining());
    }
    return switch (info.completeness()) {
      case COMPLETE, COMPLETE_WITH_SEMI, EMPTY -> new Completion("complete", "");
      case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE ->
        new Completion("incomplete", indentAfter(code));
      case UNKNOWN -> new Completion("invalid", "");
    };
  }

  private static String indentAfter(String code) {
    String[] lines = code.split("\n", -1);
    String last = lines[lines.length - 1];
    String lead = last.substring(0, last.length() - last.stripLeading().length());
    int open = 0;
    for (char ch : last.toCharArray()) {
      if (ch == '{' || ch == '(') open++;
      if ((ch == '}' || ch == ')') && open > 0) open--;
    }
    return open > 0 ? lead + "    " : lead;
  }

  /** Completion candidates replacing code[start, end). */
  public record Suggestions(List<String> matches, int start, int end) {}

  public Suggestions complete(String code, int cursor) {
    int[] anchor = new int[1];
    List<SourceCodeAnalysis.Suggestion> list = analysis.completionSuggestions(code, cursor, anchor);
    List<String> matches = list.stream()
        .sorted((a, b) -> Boolean.compare(b.matchesType(), a.matchesType()))
        .map(SourceCodeAnalysis.Suggestion::continuation)
        .distinct()
        .collect(Collectors.toList());
    return new Suggestions(matches, matches.isEmpty() ? cursor : anchor[0], cursor);
  }

  /** Signature and (where JShell has it) javadoc of what is at the cursor. */
  public record Doc(String signature, String javadoc) {}

  public List<Doc> documentation(String code, int cursor) {
    int at = Math.min(cursor, code.length());
    while (at < code.length() && Character.isJavaIdentifierPart(code.charAt(at))) at++;
    int paren = at;
    while (paren < code.length() && Character.isWhitespace(code.charAt(paren))) paren++;
    if (paren < code.length() && code.charAt(paren) == '(') at = paren + 1;
    List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(code, at, true);
    if ((docs == null || docs.isEmpty())
        && at == code.length()
        && at > 0
        && Character.isJavaIdentifierPart(code.charAt(at - 1))) {
      // "Math.max" with the cursor at its end: ask as if the call had begun.
      docs = analysis.documentation(code + "(", at + 1, true);
    }
    if (docs == null || docs.isEmpty()) {
      // The cursor may sit inside an argument list: look at the call it belongs to.
      int open = code.lastIndexOf('(', Math.max(0, Math.min(cursor, code.length()) - 1));
      if (open >= 0 && open + 1 != at) docs = analysis.documentation(code, open + 1, true);
    }
    if (docs == null) return List.of();
    return docs.stream().map(d -> new Doc(d.signature(), d.javadoc())).collect(Collectors.toList());
  }

  /** A live variable: name, declared type and a short rendering of its value. */
  public record Var(String name, String type, String value) {}

  /**
   * The live variables with a summary of each value, bounded in size and time ({@link ValueSummary}:
   * {@code millis} per value, four times that for all). Values are read from the snippets' fields,
   * not through JShell's {@code varValue}, which prints whole arrays.
   */
  public List<Var> variables(long millis) {
    long deadline = System.nanoTime() + 4 * millis * 1_000_000;
    List<Var> out = new ArrayList<>();
    shell
        .variables()
        .filter(v -> shell.status(v).isActive()
            && v.subKind() != Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND)
        .forEach(v -> {
          long left = (deadline - System.nanoTime()) / 1_000_000;
          String value = left > 0
              ? summary(v, Math.min(millis, left))
              : "(not summarised: the summaries ran out of their " + 4 * millis + " ms)";
          out.add(new Var(v.name(), v.typeName(), value));
        });
    return out;
  }

  public List<Var> variables() {
    return variables(250);
  }

  private String summary(VarSnippet v, long millis) {
    try {
      Field f = field(v);
      if (f == null)
        return "(unavailable: the kernel runs without --add-opens jdk.jshell/jdk.jshell=ALL-UNNAMED)";
      return ValueSummary.within(f.get(null), millis);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return "(unavailable: " + e.getClass().getSimpleName() + ")";
    }
  }

  /** The static field of the snippet's class that holds a variable; null if it cannot be found. */
  private Field field(VarSnippet v) throws ReflectiveOperationException {
    String className = classNameOf(v);
    if (className == null) return null;
    Class<?> c = control.loader().loadedClass(className);
    if (c == null) c = control.loader().findClass(className);
    Field f = c.getDeclaredField(v.name());
    f.setAccessible(true);
    return f;
  }

  public void addToClasspath(String path) {
    shell.addToClasspath(path);
  }

  /** Asks the running cell to stop; false if none is running. Safe from any thread. */
  public boolean interrupt() {
    return control.interrupt();
  }

  public boolean running() {
    return control.running();
  }

  /** Milliseconds an interrupted cell gets before it is stopped hard. */
  public void setInterruptGrace(long millis) {
    control.graceMillis = millis;
  }

  /** Runs on each worker thread before the snippet (the host installs its progress sink here). */
  public void onWorkerStart(Consumer<Thread> hook) {
    control.onWorkerStart(hook);
  }

  /** The class loader cells run in. */
  public ClassLoader classLoader() {
    return control.loader().classLoader();
  }

  @Override
  public void close() {
    shell.close();
  }
}
