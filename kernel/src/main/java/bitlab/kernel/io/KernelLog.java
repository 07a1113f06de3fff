package bitlab.kernel.io;

import java.io.PrintStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kernel's own log: the standard error stream the JVM started with (Jupyter shows it in the
 * server's log), captured before a {@link Session} points {@code System.err} at cells. Repeated
 * warnings of one kind are thinned out so that a flood of bad input cannot flood the log.
 */
public final class KernelLog {
  private static final PrintStream ERR = System.err;
  private static final ConcurrentHashMap<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();

  private KernelLog() {}

  /** Makes sure the stream is captured (call before anything replaces {@code System.err}). */
  public static void init() {}

  /** Logs {@code message}: the first ten of each {@code kind}, then every thousandth with its count. */
  public static void warn(String kind, String message) {
    long n = COUNTS.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    if (n <= 10) {
      ERR.println("bitlab kernel: " + message);
    } else if (n % 1000 == 0) {
      ERR.println("bitlab kernel: " + message + " (" + n + " such so far)");
    }
  }

  /** How many warnings of {@code kind} were logged or thinned out (for tests). */
  public static long count(String kind) {
    AtomicLong n = COUNTS.get(kind);
    return n == null ? 0 : n.get();
  }
}
