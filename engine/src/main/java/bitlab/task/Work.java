package bitlab.task;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Long engine loops (training, calibration, searches) report progress and honour cancellation
 * through here, so that a notebook can show a live line and stop the work cleanly.
 *
 * <p>Cancellation is cooperative: a host interrupts the worker thread, and the next
 * {@link #checkpoint()} turns the interrupt into a {@link CancelledException}.
 */
public final class Work {
  /** Without a host's sink, progress goes to a terminal's stderr as one rewritten line, and nowhere in logs. */
  private static final Consumer<String> STDERR = line -> {
    if (System.console() != null) System.err.print("\r" + line + "\u001b[K");
  };

  private static final InheritableThreadLocal<Consumer<String>> SINK =
      new InheritableThreadLocal<>();

  private Work() {}

  /** Throws {@link CancelledException} if the current thread was asked to stop. */
  public static void checkpoint() {
    if (Thread.currentThread().isInterrupted()) {
      throw new CancelledException();
    }
  }

  /** Reports one progress line (it replaces the previous one) and checks for cancellation. */
  public static void progress(String line) {
    Consumer<String> sink = SINK.get();
    (sink == null ? STDERR : sink).accept(line);
    checkpoint();
  }

  /** Reports one progress line without checking for cancellation (for callers that must finish a step first). */
  public static void report(String line) {
    Consumer<String> sink = SINK.get();
    (sink == null ? STDERR : sink).accept(line);
  }

  /** Routes progress lines of this thread (and threads it starts) to {@code sink}; null restores stderr. */
  public static void setProgressSink(Consumer<String> sink) {
    if (sink == null) SINK.remove();
    else SINK.set(Objects.requireNonNull(sink));
  }
}
