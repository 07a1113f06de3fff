package bitlab.dsl.hawq;

import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderable;
import bitlab.dsl.display.TableHtml;
import bitlab.files.TextFile;
import bitlab.search.hawq.IlpInputException;
import bitlab.search.hawq.IlpJson;
import bitlab.search.hawq.IlpProblem;
import bitlab.search.hawq.IlpSolution;
import bitlab.search.hawq.IlpSolver;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Collectors;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A bit-allocation problem in the {@code bitlab-ilp/1} format solved exactly, as {@code ./bitlab ilp --input}
 * does: every layer's candidates with their perturbation, the chosen one, and the budgets it uses.
 */
public final class IlpResult implements Renderable {
  private final String source;
  private final IlpProblem problem;
  private final IlpSolution solution;

  private IlpResult(String source, IlpProblem problem, java.time.Duration limit) {
    this.source = source;
    this.problem = problem;
    this.solution = IlpSolver.solve(problem, limit);
  }

  /** Reads JSON text (starting with '{') or the path of a {@code .json} file, and solves it. */
  public static IlpResult of(String jsonOrPath) {
    return of(jsonOrPath, IlpSolver.DEFAULT_TIME_LIMIT);
  }

  /** As {@link #of(String)}, searching at most {@code limit}: then the best plan found and its distance from the optimum. */
  public static IlpResult of(String jsonOrPath, java.time.Duration limit) {
    if (jsonOrPath == null || jsonOrPath.isBlank()) {
      throw new IlpInputException(
          "ilp(...) needs the JSON of a bitlab-ilp/1 problem or the path of such a file; write one with plan.ilpJson().");
    }
    String text = jsonOrPath.strip();
    if (text.startsWith("{"))
      return new IlpResult("JSON text", IlpJson.read(text, "the ILP text"), limit);
    Path p = TextFile.path(text, "an ILP file", IlpInputException::new);
    String json = TextFile.read(
        p,
        "the ILP file",
        "There is no ILP file '" + text + "'; pass a problem's JSON text or the path of a"
            + " file that plan.ilpJson() or 'bitlab hawq MODEL --ilp-out FILE' wrote.",
        IlpInputException::new);
    return new IlpResult(
        "'" + p.getFileName() + "'", IlpJson.read(json, "'" + p.getFileName() + "'"), limit);
  }

  public IlpProblem problem() {
    return problem;
  }

  public IlpSolution solution() {
    return solution;
  }

  /** The total perturbation of the optimum. */
  public double omega() {
    return solution.objective();
  }

  public Table table() {
    StringColumn layer = StringColumn.create("layer");
    StringColumn cands = StringColumn.create("candidates: Omega");
    StringColumn chosen = StringColumn.create("chosen");
    StringColumn omega = StringColumn.create("Omega");
    for (int i = 0; i < problem.layers().size(); i++) {
      IlpProblem.Layer l = problem.layers().get(i);
      layer.append(l.name());
      StringBuilder c = new StringBuilder();
      for (int k = 0; k < l.candidates().size(); k++) {
        if (k > 0) c.append(", ");
        c.append(l.candidates().get(k)).append(String.format(Locale.ROOT, ": %.3e", l.omega()[k]));
      }
      cands.append(c.toString());
      chosen.append(solution.bits().get(i).toString());
      omega.append(String.format(Locale.ROOT, "%.3e", solution.omega()[i]));
    }
    return Table.create("optimal choice per layer", layer, cands, chosen, omega);
  }

  private String head() {
    String extra = (problem.fixed().isEmpty()
            ? ""
            : "; fixed "
                + problem.fixed().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", ")))
        + (problem.ties().isEmpty()
            ? ""
            : "; tied "
                + problem.ties().stream()
                    .map(t -> String.join("=", t))
                    .collect(Collectors.joining(", ")));
    return String.format(
        Locale.ROOT,
        "ILP from %s: %d layers, total Omega %.4e, %s in %.1f ms%s",
        source,
        problem.layers().size(),
        solution.objective(),
        solution.verdict(),
        solution.millis(),
        extra);
  }

  private String usage(IlpSolution.Usage u) {
    return String.format(
        Locale.ROOT,
        "budget %s: uses %s of %s %s (any policy spans %s to %s)",
        u.budget(),
        num(u.used()),
        num(u.limit()),
        u.unit(),
        num(u.low()),
        num(u.high()));
  }

  /** Whole numbers (bytes, BOPs) as integers with separators, others from 1,000 up with one decimal, small ones to four significant digits. */
  static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.format(Locale.ROOT, "%,d", (long) v);
    return Math.abs(v) >= 1000 && Math.abs(v) < 1e15
        ? String.format(Locale.ROOT, "%,.1f", v)
        : String.format(Locale.ROOT, "%.4g", v);
  }

  @Override
  public MimeBundle render() {
    StringBuilder h = new StringBuilder("<p>").append(TableHtml.escape(head())).append("</p><ul>");
    for (IlpSolution.Usage u : solution.usage())
      h.append("<li>").append(TableHtml.escape(usage(u))).append("</li>");
    return MimeBundle.html(
        toString(), h.append("</ul>").append(TableHtml.html(table(), 200)).toString());
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(head()).append('\n');
    for (int i = 0; i < problem.layers().size(); i++) {
      b.append(String.format(
          Locale.ROOT,
          "  %-16s %-6s Omega %.4e   (candidates %s)%n",
          solution.layers().get(i),
          solution.bits().get(i),
          solution.omega()[i],
          problem.layers().get(i).candidates()));
    }
    for (IlpSolution.Usage u : solution.usage()) b.append("  ").append(usage(u)).append('\n');
    return b.toString();
  }
}
