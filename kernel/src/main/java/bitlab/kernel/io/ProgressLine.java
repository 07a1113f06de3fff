package bitlab.kernel.io;

import bitlab.dsl.display.MimeBundle;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The live progress line of one cell: the first line becomes a display with its own id, later lines
 * update it in place (update_display_data), at most once per {@code minIntervalMillis}; the
 * latest line is never lost, {@link #flush()} sends it.
 */
public final class ProgressLine implements Consumer<String> {
  private final Publisher out;
  private final long minIntervalNanos;
  private final String id = "bitlab-progress-" + UUID.randomUUID();
  private boolean shown;
  private String pending;
  private long lastSent;

  public ProgressLine(Publisher out, long minIntervalMillis) {
    this.out = out;
    this.minIntervalNanos = minIntervalMillis * 1_000_000L;
  }

  @Override
  public void accept(String line) {
    String text = line == null ? "" : line.strip();
    boolean first;
    synchronized (this) {
      first = !shown;
      if (!first && System.nanoTime() - lastSent < minIntervalNanos) {
        pending = text;
        return;
      }
      shown = true;
      pending = null;
      lastSent = System.nanoTime();
    }
    send(text, first);
  }

  /** Sends the latest line if it has not been shown yet. */
  public void flush() {
    String text;
    synchronized (this) {
      if (pending == null) return;
      text = pending;
      pending = null;
      lastSent = System.nanoTime();
    }
    send(text, false);
  }

  private void send(String text, boolean first) {
    MimeBundle b = MimeBundle.html(
        text, "<pre style=\"margin:0\">" + bitlab.dsl.display.TableHtml.escape(text) + "</pre>");
    if (first) out.display(b, id);
    else out.updateDisplay(b, id);
  }

  public String displayId() {
    return id;
  }
}
