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
 * {@link #graceMillis} is doomed ({@link CellGuard}: the cell's own code cannot swallow the stop,
 * see {@link CellWeaver}) and, where the JDK still allows it (up to 19), stopped with
 * {@code Thread.stop} every 100 ms. A worker that survives another grace period is abandoned: the
 * cell ends, and a reaper thread goes on stopping the worker once a second until it ends.
 */
final class CellControl extends DirectExecutionControl {

  /** What a snippet's run left behind: its value, or the throwable it ended with. */
  record Outcome(
      Object value, Throwable failure, boolean interrupted, boolean abandoned, int hardStops) {}

  private static final long STOP_EVERY_MILLIS = 100;
  /** Whether {@code Thread.stop} is tried: it works up to JDK 19 (tests turn it off to act as a newer JDK). */
  static volatile boolean threadStop = Runtime.version().feature() < 20;

  private static final AtomicLong THREADS = new AtomicLong();

  private final CellLoader loader;
  private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
  private final AtomicLong keys = new AtomicLong();
  private volatile Outcome lastFailure;
  private volatile Thread worker;
  private volatile long interruptedAt;
  private volatile boolean cellActive;
  private volatile boolean
      pending; // an interrupt that came while the cell compiled, before a worker ran
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
    Thread t = new Thread(
        () -> {
          try {
            hook.accept(Thread.currentThread());
            value[0] = doit.invoke(null);
          } catch (InvocationTargetException e) {
            failure[0] = e.getCause();
          } catch (Throwable e) {
            failure[0] = e;
          }
        },
        "bitlab-cell-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    t.setContextClassLoader(loader.classLoader());
    interruptedAt = 0;
    worker = t;
    if (pending) {
      // Interrupted while JShell compiled this snippet: it does not run at all.
      worker = null;
      lastFailure =
          new Outcome(null, new InterruptedException("interrupted before it ran"), true, false, 0);
      throw new InvocationTargetException(lastFailure.failure());
    }
    boolean abandoned = false;
    int stops = 0;
    try {
      t.start();
      long doomedAt = 0;
      long lastStop = 0;
      while (t.isAlive()) {
        t.join(20);
        if (pending && interruptedAt == 0) interrupt(); // it came just as the worker started
        long now = System.currentTimeMillis();
        if (!t.isAlive() || interruptedAt == 0 || now - interruptedAt <= graceMillis) continue;
        if (doomedAt == 0) {
          CellGuard.doom(t); // the cell's own loops end at their next back-edge
          doomedAt = lastStop = now;
        } else if (now - lastStop >= STOP_EVERY_MILLIS) {
          lastStop = now;
          if (hardStop(t)) stops++; // for library code, where the JDK allows it
        }
        if (now - doomedAt > Math.max(500, graceMillis) && t.isAlive()) {
          abandoned = true;
          reap(t);
        }
        if (abandoned) break;
      }
    } finally {
      worker = null;
      if (!abandoned) CellGuard.forget(t);
    }
    boolean interrupted = interruptedAt != 0;
    Outcome outcome = new Outcome(value[0], failure[0], interrupted, abandoned, stops);
    if (failure[0] != null || abandoned) {
      // JShell records an exception for this snippet; the real throwable is kept for the evaluator.
      lastFailure = outcome;
      throw new InvocationTargetException(
          failure[0] != null ? failure[0] : new InterruptedException("abandoned"));
    }
    String key = "bitlab#" + keys.incrementAndGet();
    outcomes.put(key, outcome);
    return key;
  }

  /** Goes on stopping an abandoned worker once a second (where the JDK allows) until it ends. */
  private static void reap(Thread t) {
    Thread reaper = new Thread(
        () -> {
          try {
            while (t.isAlive()) {
              t.join(1000);
              if (t.isAlive() && !hardStop(t)) t.join();
            }
          } catch (InterruptedException e) {
            return;
          }
          CellGuard.forget(t);
        },
        t.getName() + "-reaper");
    reaper.setDaemon(true);
    reaper.start();
  }

  @SuppressWarnings({"deprecation", "removal"})
  private static boolean hardStop(Thread t) {
    if (!threadStop) return false;
    try {
      t.stop();
      return true;
    } catch (UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  /** A cell begins (interrupts from now on are for it) or ends. */
  void cell(boolean active) {
    pending = false;
    cellActive = active;
  }

  /**
   * Asks the running snippet to stop; returns false if no cell is running. An interrupt that comes
   * while the cell is being compiled stops it before it runs.
   */
  boolean interrupt() {
    Thread t = worker;
    if (t == null) {
      if (!cellActive) return false;
      pending = true;
      return true;
    }
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
