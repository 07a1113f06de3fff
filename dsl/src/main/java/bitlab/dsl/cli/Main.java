package bitlab.dsl.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./bitlab <verb>}: the command-line face of the DSL, for scripts. Every verb takes {@code --json}. */
@Command(name = "bitlab", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Hardware-aware mixed-precision quantization lab.",
    subcommands = {ModelsCommand.class, EvalCommand.class, TrainCommand.class, HardwareCommand.class, CostCommand.class, QuantizeCommand.class, BinarizeCommand.class, HaqCommand.class,
        HawqCommand.class, IlpCommand.class, IntegerCommand.class, SweepCommand.class, CommandLine.HelpCommand.class})
public final class Main {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit status: 0 ok, 2 bad input (one sentence on stderr), 1 a bug. */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      if (ex instanceof bitlab.task.CancelledException) {
        line.getErr().println("bitlab: " + ex.getMessage());
        return 130;
      }
      boolean userError = ex instanceof IllegalArgumentException || ex.getClass().getPackageName().startsWith("bitlab");
      line.getErr().println("bitlab " + String.join(" ", parsed.originalArgs().subList(0, 1)) + ": " + ex.getMessage());
      if (!userError) ex.printStackTrace(line.getErr());
      return userError ? 2 : 1;
    });
    return cl.execute(args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override public String[] getVersion() {
      return new String[] {"bitlab " + bitlab.dsl.Bitlab.version()};
    }
  }
}
