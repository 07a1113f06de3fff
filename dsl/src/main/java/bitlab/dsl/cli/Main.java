package bitlab.dsl.cli;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./bitlab <verb>}: the command-line face of the DSL, for scripts. Every verb takes {@code --json}.
 * Exit status: 0 ok, 2 a mistake in the input (one sentence), 130 interrupted, 1 a bug (with its stack
 * trace on stderr). With {@code --json} every failure is also a JSON object on stdout,
 * {@code {"error": SENTENCE, "kind": "input" | "interrupted" | "internal"}}, so a script reads one document either way.
 */
// scope INHERIT: every verb takes -h/--help (and -V/--version) too, and asking for help skips the
// check of required options
@Command(
    name = "bitlab",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT,
    versionProvider = Main.Version.class,
    description = "Hardware-aware mixed-precision quantization lab.",
    subcommands = {
      ModelsCommand.class,
      EvalCommand.class,
      TrainCommand.class,
      HardwareCommand.class,
      CostCommand.class,
      QuantizeCommand.class,
      BinarizeCommand.class,
      HaqCommand.class,
      HawqCommand.class,
      IlpCommand.class,
      IntegerCommand.class,
      SweepCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit status: 0 ok, 2 bad input, 130 interrupted, 1 a bug. */
  public static int run(String... args) {
    boolean json = Arrays.asList(args).contains("--json");
    String verb = args.length > 0 && !args[0].startsWith("-") ? args[0] : "";
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((ex, line, parsed) -> fail(ex, verb, json, line.getErr()));
    CommandLine.IParameterExceptionHandler usage = cl.getParameterExceptionHandler();
    cl.setParameterExceptionHandler((ex, a) -> {
      if (!json) return usage.handleParseException(ex, a);
      System.out.println(Json.error(ex.getMessage(), "input"));
      return 2;
    });
    try {
      return cl.execute(args);
    } catch (Throwable t) { // an Error (stack overflow, out of memory) escapes picocli's handler
      return fail(t, verb, json, cl.getErr());
    }
  }

  /** Reports a failed verb: the sentence on stderr (and as JSON on stdout with --json); returns the exit status. */
  static int fail(Throwable ex, String verb, boolean json, PrintWriter err) {
    String kind;
    String message;
    int status;
    if (ex instanceof bitlab.task.CancelledException) {
      kind = "interrupted";
      message = ex.getMessage();
      status = 130;
    } else if (ex instanceof FileSystemException f) {
      kind = "input";
      message = "cannot use " + f.getFile() + ": " + reason(f) + ".";
      status = 2;
    } else if (ex instanceof bitlab.BitlabException || ex instanceof IllegalArgumentException) {
      // bitlab's sentences, and the JDK's for a malformed number or path typed on the command line
      kind = "input";
      message = ex.getMessage();
      status = 2;
    } else if (ex instanceof OutOfMemoryError) {
      kind = "internal";
      message =
          "ran out of memory; give the JVM more with BITLAB_JAVA_OPTS=-Xmx12g (the default is -Xmx6g), or use a smaller input.";
      status = 1;
    } else {
      kind = "internal";
      message = "failed with " + ex
          + "; this is a bug in bitlab, please report it with the command line and the trace on stderr.";
      status = 1;
    }
    err.println("bitlab" + (verb.isEmpty() ? "" : " " + verb) + ": " + message);
    if (status == 1 && !(ex instanceof OutOfMemoryError)) ex.printStackTrace(err);
    err.flush();
    if (json) System.out.println(Json.error(message, kind));
    return status;
  }

  private static String reason(FileSystemException f) {
    if (f instanceof NoSuchFileException) return "no such file or folder";
    if (f instanceof AccessDeniedException) return "permission denied";
    if (f instanceof FileAlreadyExistsException) return "it already exists";
    if (f instanceof NotDirectoryException) return "not a folder";
    return f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"bitlab " + bitlab.dsl.Bitlab.version()};
    }
  }
}
