package bitlab.kernel;

import bitlab.dsl.display.Renderers;
import bitlab.kernel.io.Publisher;

/**
 * Helpers every cell can call without an import (the kernel preloads
 * {@code import static bitlab.kernel.Notebook.*}). They return nothing, so a cell ending with
 * {@code display(x)} has no stray {@code Out[n]}.
 */
public final class Notebook {
  private static volatile Publisher publisher;
  private static volatile Renderers renderers = Renderers.standard();
  private static volatile Runnable drain = () -> {};

  private Notebook() {}

  static void attach(Publisher p, Renderers r, Runnable drainOutput) {
    publisher = p;
    renderers = r;
    drain = drainOutput;
  }

  /** Shows {@code value} now, rendered like a cell result (HTML table, chart image, text). */
  public static void display(Object value) {
    Publisher p = publisher;
    if (p == null) throw new IllegalStateException("display() works inside a notebook cell only.");
    drain.run();
    p.display(renderers.render(value), null);
  }

  /** Shows several values, one after the other. */
  public static void display(Object first, Object... more) {
    display(first);
    for (Object m : more) display(m);
  }

  /** Clears this cell's output so far; with {@code wait}, only when the next output arrives. */
  public static void clearOutput(boolean wait) {
    Publisher p = publisher;
    if (p == null)
      throw new IllegalStateException("clearOutput() works inside a notebook cell only.");
    drain.run();
    p.clearOutput(wait);
  }

  public static void clearOutput() {
    clearOutput(false);
  }
}
