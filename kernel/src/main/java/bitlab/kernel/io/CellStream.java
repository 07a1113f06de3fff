package bitlab.kernel.io;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Collects what a cell writes to one stream and hands it to the {@link Publisher} in batches
 * (on {@link #drain()}, called by the kernel's ticker a few times a second and at the end of the
 * cell), so that a loop printing a million lines sends a handful of messages. Past
 * {@code limit} characters per cell the rest is counted and dropped, and {@link #endCell()}
 * says how much was dropped.
 */
public final class CellStream extends OutputStream {
  private final String name;
  private final long limit;
  private volatile Publisher target;
  private byte[] buf = new byte[8192];
  private int count;
  private long sent;
  private long dropped;

  public CellStream(String name, long limit) {
    this.name = name;
    this.limit = limit;
  }

  /** Sends output to {@code p} from now on; output is never lost between cells, it goes to the last cell. */
  public void attach(Publisher p) {
    drain();
    target = p;
  }

  @Override
  public synchronized void write(int b) {
    if (sent + count >= limit) {
      dropped++;
      return;
    }
    ensure(1);
    buf[count++] = (byte) b;
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    long room = limit - sent - count;
    int take = (int) Math.max(0, Math.min(len, room));
    dropped += len - take;
    if (take == 0) return;
    ensure(take);
    System.arraycopy(b, off, buf, count, take);
    count += take;
  }

  private void ensure(int extra) {
    if (count + extra > buf.length)
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + extra));
  }

  /**
   * Does nothing: {@code println} flushes, and a message per line is exactly the flood this class
   * prevents. Output leaves through {@link #drain()}.
   */
  @Override
  public void flush() {}

  /** Sends what was collected, up to the last complete UTF-8 character. */
  public void drain() {
    String text;
    Publisher p;
    synchronized (this) {
      p = target;
      if (count == 0 || p == null) return;
      int end = completeUtf8(buf, count);
      text = new String(buf, 0, end, StandardCharsets.UTF_8);
      System.arraycopy(buf, end, buf, 0, count - end);
      count -= end;
      sent += end;
      if (buf.length > 1 << 20 && count < 8192) buf = new byte[8192];
    }
    if (!text.isEmpty()) p.stream(name, text);
  }

  /** Flushes, reports dropped output, and resets the per-cell budget. */
  public void endCell() {
    drain();
    long d;
    Publisher p;
    synchronized (this) {
      d = dropped;
      p = target;
      dropped = 0;
      sent = 0;
    }
    if (d > 0 && p != null) {
      p.stream(
          name,
          String.format(
              "%n[bitlab: output limited to %,d bytes per cell on %s; %,d more bytes were dropped]%n",
              limit, name, d));
    }
  }

  static int completeUtf8(byte[] b, int len) {
    int i = len - 1;
    int back = 0;
    while (i >= 0 && back < 3 && (b[i] & 0xC0) == 0x80) {
      i--;
      back++;
    }
    if (i < 0) return len;
    int lead = b[i] & 0xFF;
    int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    return (len - i) >= need ? len : i;
  }
}
