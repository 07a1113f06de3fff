package bitlab.kernel.eval;

/**
 * Library code (not rewritten like a cell's) that swallows every stop inside its loop, for the test
 * of a cell that cannot be stopped. {@link #release} ends it so the test JVM does not keep a core busy.
 */
public final class StubbornLibrary {
  public static volatile boolean release;
  public static volatile long spins;

  private StubbornLibrary() {}

  public static void spin() {
    while (!release) {
      try {
        for (int i = 0; i < 1_000_000 && !release; i++) spins++;
      } catch (Throwable t) {
        // swallowed on purpose: interrupts, ThreadDeath, anything
      }
    }
  }
}
