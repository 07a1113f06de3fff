package bitlab.dsl.cli;

import bitlab.search.hawq.IlpInputException;
import bitlab.search.hawq.IlpJson;
import bitlab.search.hawq.IlpProblem;
import bitlab.search.hawq.IlpSolution;
import bitlab.search.hawq.IlpSolver;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "ilp",
    description =
        "Solve a HAWQ-V3 bit-allocation problem file (bitlab-ilp/1, as 'bitlab hawq --ilp-out' writes it) exactly.")
final class IlpCommand implements Callable<Integer> {
  @Option(
      names = "--input",
      required = true,
      paramLabel = "FILE",
      description =
          "The problem: layers with candidates, Omega and costs; budgets; fixed layers; ties.")
  Path input;

  @Option(
      names = "--time-limit",
      paramLabel = "SECONDS",
      defaultValue = "20",
      description =
          "Search at most this long; then the best plan found, with how far above the optimum it may be (default: ${DEFAULT-VALUE}).")
  double timeLimit;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    java.time.Duration limit =
        IlpSolver.timeLimit(timeLimit); // options first: a bad one is named before any file is read
    String text = bitlab.files.TextFile.read(
        input,
        "the ILP file",
        "There is no ILP file " + input + "; write one with 'bitlab hawq MODEL --ilp-out FILE'.",
        IlpInputException::new);
    IlpProblem p = IlpJson.read(text, input.toString());
    IlpSolution s = IlpSolver.solve(p, limit);
    // A long search left its progress line on a terminal's stderr: clear it before the plan is
    // printed.
    if (System.console() != null) System.err.print("\r\u001b[K");
    if (json) {
      Json.print(IlpJson.toJson(s));
      return 0;
    }
    System.out.printf(
        Locale.ROOT,
        "%d layers, objective %.6e, %s, %.1f ms%n",
        s.layers().size(),
        s.objective(),
        s.verdict(),
        s.millis());
    for (int i = 0; i < s.layers().size(); i++) {
      System.out.printf(
          Locale.ROOT,
          "  %-20s %-6s Omega %.4e%n",
          s.layers().get(i),
          s.bits().get(i),
          s.omega()[i]);
    }
    for (IlpSolution.Usage u : s.usage()) {
      System.out.printf(
          Locale.ROOT,
          "  budget %-22s used %.6g of %.6g %s (any policy: %.6g to %.6g)%n",
          u.budget(),
          u.used(),
          u.limit(),
          u.unit(),
          u.low(),
          u.high());
    }
    return 0;
  }
}
