package bitlab.kernel.eval;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import jdk.jshell.execution.DirectExecutionControl;

/**
 * Runs each snippet in this JVM on a fresh worker thread, so that the kernel's own threads stay
 * free to take an interrupt, and keeps the real result object (and the real exception) instead of
 * the strings JShell would otherwise see.
 *
 * <p>Interrupt: {@link #interrupt()} interrupts the worker, which bitlab's engine loops turn into a
 * {@code CancelledException} at their next checkpoint. A worker still running after
 * {@link #graceMillis} is stopped hard with {@code Thread.stop} where the JDK still allows it
 * (up to 19); otherwise it is abandoned (left running as a daemon) and the cell ends anyway.
 */
final class CellControl extends DirectExecutionControl {

  /** What a snippet's run left behind: its value, or the throwable it ended with. */
  record Outcome(Object value, Throwable failure, boolean interrupted, boolean abandoned) {}

  private static final AtomicLong THREADS = new AtomicLong();

  private final CellLoader loader;
  private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
  private final AtomicLong keys = new AtomicLong();
  private volatile Outcome lastFailure;
  private volatile Thread worker;
  private volatile long interruptedAt;
  private volatile Consumer<Thread> onWorkerStart = t -> {};
  volatile long graceMillis = Long.getLong("bitlab.interrupt.grace", 2000);

  CellControl(CellLoader loader) {
    super(loader);
    this.loader = loader;
  }

  CellLoader loader() {
    return loader;
  }

  /** Runs inside each worker thread before the snippet (progress sink, context class loader). */
  void onWorkerStart(Consumer<Thread> hook) {
    this.onWorkerStart = hook;
  }

  @Override
  protected String invoke(Method doit) throws Exception {
    Object[] value = new Object[1];
    Throwable[] failure = new Throwable[1];
    Consumer<Thread> hook = onWorkerStart;
    Thread t = new Thread(() -> {
      try {
        hook.accept(Thread.currentThread());
        value[0] = doit.invoke(null);
      } catch (InvocationTargetException e) {
        failure[0] = e.getCause();
      } catch (Throwable e) {
        failure[0] = e;
      }
    }, "bitlab-cell-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    t.setContextClassLoader(loader.classLoader());
    interruptedAt = 0;
    worker = t;
    boolean abandoned = false;
    try {
      t.start();
      while (t.isAlive()) {
        t.join(20);
        long since = interruptedAt == 0 ? -1 : System.currentTimeMillis() - interruptedAt;
        if (since > graceMillis && t.isAlive()) {
          if (!hardStop(t)) {
            t.join(graceMillis);
            abandoned = t.isAlive();
            break;
          }
          t.join(graceMillis);
          if (t.isAlive()) {
            abandoned = true;
            break;
          }
        }
      }
    } finally {
      worker = null;
    }
    boolean interrupted = interruptedAt != 0;
    Outcome outcome = new Outcome(value[0], failure[0], interrupted, abandoned);
    if (failure[0] != null || abandoned) {
      // JShell records an exception for this snippet; the real throwable is kept for the evaluator.
      lastFailure = outcome;
      throw new InvocationTargetException(failure[0] != null ? failure[0] : new InterruptedException("abandoned"));
    }
    String key = "bitlab#" + keys.incrementAndGet();
    outcomes.put(key, outcome);
    return key;
  }

  @SuppressWarnings({"deprecation", "removal"})
  private static boolean hardStop(Thread t) {
    if (Runtime.version().feature() >= 20) return false;
    try {
      t.stop();
      return true;
    } catch (UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  /** Asks the running snippet to stop; returns false if nothing was running. */
  boolean interrupt() {
    Thread t = worker;
    if (t == null) return false;
    interruptedAt = System.currentTimeMillis();
    t.interrupt();
    return true;
  }

  boolean running() {
    return worker != null;
  }

  /** Takes (and forgets) the outcome recorded under {@code key}; null if there is none. */
  Outcome take(String key) {
    return key == null ? null : outcomes.remove(key);
  }

  /** The most recent outcome that ended in a failure, consumed; null if there is none. */
  Outcome takeFailure() {
    Outcome o = lastFailure;
    lastFailure = null;
    return o;
  }

  void clearOutcomes() {
    outcomes.clear();
    lastFailure = null;
  }

  @Override
  public void stop() {
    interrupt();
  }
}
