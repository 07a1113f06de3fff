package bitlab.kernel;

import bitlab.dsl.display.MimeBundle;
import bitlab.dsl.display.Renderers;
import bitlab.kernel.eval.EvalFailure;
import bitlab.kernel.eval.Evaluator;
import bitlab.kernel.io.CellStream;
import bitlab.kernel.io.ProgressLine;
import bitlab.kernel.io.Publisher;
import bitlab.kernel.magic.MagicContext;
import bitlab.kernel.magic.Magics;
import bitlab.task.Work;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One notebook's state and the path of a cell through the kernel, free of the wire protocol:
 * magics are split off, Java goes to the {@link Evaluator}, output is batched by
 * {@link CellStream}s, progress lines become an updating display, and the value is rendered by
 * the {@link Renderers} registry. {@link BitlabKernel} adapts this to Jupyter messages; tests use
 * it directly.
 */
public final class Session implements AutoCloseable {

  /** The imports every notebook starts with: the DSL entry points, its types, tables and charts. */
  public static final List<String> STARTUP = List.of(
      "import static bitlab.dsl.Bitlab.*;",
      "import static bitlab.kernel.Notebook.*;",
      "import bitlab.dsl.*;",
      "import bitlab.dsl.display.*;",
      "import bitlab.search.Budget;",
      "import bitlab.quant.Placement;",
      "import bitlab.quant.Rounding;",
      "import bitlab.search.hawq.TraceOptions.Curvature;",
      "import java.util.*;",
      "import java.util.stream.*;",
      "import tech.tablesaw.api.*;",
      "import org.knowm.xchart.*;");

  /** A finished cell: its rendered value (null if none) or its error (null if it succeeded). */
  public record Result(MimeBundle value, ErrorReport error) {
    public boolean ok() {
      return error == null;
    }
  }

  private final Evaluator evaluator;
  private final Renderers renderers;
  private final Magics magics;
  private final CellStream out;
  private final CellStream err;
  private final PrintStream originalOut = System.out;
  private final PrintStream originalErr = System.err;
  private final ScheduledExecutorService ticker;
  private volatile ProgressLine progress;

  public Session() {
    this(Renderers.standard(), Magics.standard(), Long.getLong("bitlab.output.limit", 1_000_000L));
  }

  public Session(Renderers renderers, Magics magics, long outputLimit) {
    this.renderers = renderers;
    this.magics = magics;
    this.out = new CellStream("stdout", outputLimit);
    this.err = new CellStream("stderr", outputLimit);
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    this.evaluator = new Evaluator(STARTUP);
    this.evaluator.onWorkerStart(t -> {
      ProgressLine p = progress;
      if (p != null) Work.setProgressSink(p);
    });
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bitlab-output");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleWithFixedDelay(this::tick, 100, 100, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      out.drain();
      err.drain();
      ProgressLine p = progress;
      if (p != null) p.flush();
    } catch (RuntimeException e) {
      originalErr.println("bitlab: could not send output: " + e);
    }
  }

  public Evaluator evaluator() {
    return evaluator;
  }

  public Renderers renderers() {
    return renderers;
  }

  public Magics magics() {
    return magics;
  }

  /** Runs one cell, sending its outputs to {@code pub}; never throws for anything the cell does. */
  public Result execute(String code, Publisher pub) {
    out.attach(pub);
    err.attach(pub);
    Notebook.attach(pub, renderers, this::drainOutput);
    ProgressLine line = new ProgressLine(pub, 100);
    progress = line;
    Context ctx = new Context(pub);
    try {
      Object value = Evaluator.NO_VALUE;
      for (Magics.Part part : Magics.parse(code)) {
        value = part instanceof Magics.Java j
            ? ctx.eval(j.code())
            : magics.run((Magics.Call) part, ctx);
      }
      flushAll(line);
      return new Result(value == Evaluator.NO_VALUE ? null : renderers.render(value), null);
    } catch (EvalFailure f) {
      flushAll(line);
      // Line numbers are those of the code that was evaluated: the cell, or what a magic ran
      // (%load's file).
      return new Result(null, ErrorReport.of(f, ctx.evaluating));
    } catch (Exception | LinkageError e) {
      flushAll(line);
      return new Result(null, ErrorReport.of(e));
    }
  }

  private void flushAll(ProgressLine line) {
    line.flush();
    out.endCell();
    err.endCell();
  }

  /** Sends buffered stdout and stderr now (before a clear_output, say). */
  void drainOutput() {
    out.drain();
    err.drain();
  }

  /** Asks the running cell to stop (safe from any thread); false if no cell is running. */
  public boolean interrupt() {
    return evaluator.interrupt();
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    evaluator.close();
    System.setOut(originalOut);
    System.setErr(originalErr);
  }

  private final class Context implements MagicContext {
    private final Publisher pub;
    private String evaluating = "";

    Context(Publisher pub) {
      this.pub = pub;
    }

    @Override
    public Evaluator evaluator() {
      return evaluator;
    }

    @Override
    public Object eval(String code) throws EvalFailure {
      evaluating = code;
      return evaluator.eval(code);
    }

    @Override
    public Publisher publisher() {
      return pub;
    }

    @Override
    public Renderers renderers() {
      return renderers;
    }
  }
}
