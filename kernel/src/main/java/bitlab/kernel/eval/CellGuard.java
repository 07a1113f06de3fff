package bitlab.kernel.eval;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the code of a cell calls in place of the JVM's exits, and the stop check on its loops: the
 * class files JShell compiles are rewritten by {@link CellWeaver} to call these. Public because
 * snippet classes live in another class loader; not for notebooks to call.
 */
public final class CellGuard {
  private static final Set<Thread> DOOMED = ConcurrentHashMap.newKeySet();
  private static volatile boolean anyDoomed;

  private CellGuard() {}

  /** In place of {@code System.exit(status)}. */
  public static void exit(int status) {
    throw new ExitRefusedException("System.exit(" + status + ")");
  }

  /** In place of {@code Runtime.exit(status)}. */
  public static void exit(Runtime runtime, int status) {
    throw new ExitRefusedException("Runtime.exit(" + status + ")");
  }

  /** In place of {@code Runtime.halt(status)}. */
  public static void halt(Runtime runtime, int status) {
    throw new ExitRefusedException("Runtime.halt(" + status + ")");
  }

  /**
   * Woven in at the start of every method of a cell and before every backward jump where the JDK
   * has no {@code Thread.stop}: a thread the kernel is stopping dies here.
   */
  public static void checkpoint() {
    if (anyDoomed && DOOMED.contains(Thread.currentThread())) throw new CellStoppedError();
  }

  /**
   * Woven in at the start of every handler that catches Throwable, Error or ThreadDeath, with the
   * caught throwable: a thread the kernel is stopping does not get to swallow the stop.
   */
  public static void rethrowIfStopped(Throwable caught) {
    if (anyDoomed && DOOMED.contains(Thread.currentThread())) {
      if (caught instanceof CellStoppedError e) throw e;
      throw new CellStoppedError();
    }
  }

  /** From now on, {@code t} throws {@link CellStoppedError} at the next checkpoint of cell code it passes. */
  static void doom(Thread t) {
    DOOMED.add(t);
    anyDoomed = true;
  }

  /** {@code t} has ended: forget it. */
  static void forget(Thread t) {
    DOOMED.remove(t);
    anyDoomed = !DOOMED.isEmpty();
  }
}
