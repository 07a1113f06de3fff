package bitlab.kernel.eval;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A variable's value in one short line, bounded in size and time whatever the value is: arrays,
 * collections and maps show their length and first elements without being walked (a 50-million
 * element array costs what a 10-element one does), strings are cut, and anything else is its
 * {@code toString()} run on a helper thread with a time limit. JShell's own {@code varValue}
 * prints whole arrays, which took 25 s for {@code %vars} with a 50-million element array.
 */
final class ValueSummary {
  static final int MAX_CHARS = 120;
  static final int MAX_ELEMENTS = 10;

  private ValueSummary() {}

  /** The summary of {@code value}, or a sentence saying it took longer than {@code millis}. */
  static String within(Object value, long millis) {
    if (quick(value)) return of(value);
    FutureTask<String> task = new FutureTask<>(() -> of(value));
    Thread t = new Thread(task, "bitlab-summary");
    t.setDaemon(true);
    t.start();
    try {
      return task.get(millis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      t.interrupt();
      stop(t);
      return "(" + value.getClass().getName() + ": its summary took over " + millis
          + " ms; print it in a cell to see it)";
    } catch (ExecutionException e) {
      return "(" + value.getClass().getName() + ": toString() failed: " + e.getCause() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(" + value.getClass().getName() + ")";
    }
  }

  /** Values whose summary cannot run user code or take long: no thread needed. */
  private static boolean quick(Object v) {
    if (v == null
        || v instanceof String
        || v instanceof Number
        || v instanceof Boolean
        || v instanceof Character) return true;
    return v.getClass().isArray() && v.getClass().getComponentType().isPrimitive();
  }

  @SuppressWarnings({"deprecation", "removal"})
  private static void stop(Thread t) {
    if (!CellControl.threadStop) return;
    try {
      t.stop();
    } catch (UnsupportedOperationException | SecurityException ignored) {
      // left to finish on its own, a daemon
    }
  }

  static String of(Object value) {
    return cut(summary(value, 0));
  }

  private static String summary(Object v, int depth) {
    if (v == null) return "null";
    if (v instanceof CharSequence s) return quote(s);
    if (v instanceof Character c) return "'" + c + "'";
    if (v instanceof Number || v instanceof Boolean) return String.valueOf(v);
    Class<?> type = v.getClass();
    if (type.isArray()) {
      int n = Array.getLength(v);
      StringBuilder b = new StringBuilder(type.getComponentType().getSimpleName())
          .append('[')
          .append(n)
          .append(']');
      if (depth > 0) return b.toString();
      b.append(" {");
      for (int i = 0; i < Math.min(n, MAX_ELEMENTS) && b.length() < MAX_CHARS; i++) {
        b.append(i == 0 ? " " : ", ").append(summary(Array.get(v, i), depth + 1));
      }
      return b.append(n > MAX_ELEMENTS ? ", ... }" : n == 0 ? "}" : " }").toString();
    }
    if (v instanceof Collection<?> c) {
      return elements(
          type.getSimpleName() + "(" + c.size() + ")", " [", c.iterator(), c.size(), depth, "]");
    }
    if (v instanceof Map<?, ?> m) {
      return elements(
          type.getSimpleName() + "(" + m.size() + ")",
          " {",
          m.entrySet().iterator(),
          m.size(),
          depth,
          "}");
    }
    if (depth > 0) return type.getSimpleName();
    return String.valueOf(v);
  }

  private static String elements(
      String head, String open, Iterator<?> it, int size, int depth, String close) {
    if (depth > 0) return head;
    StringBuilder b = new StringBuilder(head).append(open);
    int shown = 0;
    while (it.hasNext() && shown < MAX_ELEMENTS && b.length() < MAX_CHARS) {
      Object e = it.next();
      if (shown++ > 0) b.append(", ");
      if (e instanceof Map.Entry<?, ?> me) {
        b.append(summary(me.getKey(), depth + 1))
            .append('=')
            .append(summary(me.getValue(), depth + 1));
      } else {
        b.append(summary(e, depth + 1));
      }
    }
    return b.append(shown < size ? ", ..." : "").append(close).toString();
  }

  private static String quote(CharSequence s) {
    int n = s.length();
    int keep = MAX_CHARS / 2;
    CharSequence head = n > keep ? s.subSequence(0, keep) : s;
    String text = head.toString()
        .replace("\\", "\\\\")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t");
    return "\"" + text + (n > keep ? "...\" (" + n + " characters)" : "\"");
  }

  private static String cut(String s) {
    String line = s.lines().findFirst().orElse("");
    boolean more = line.length() < s.length();
    if (line.length() > MAX_CHARS) return line.substring(0, MAX_CHARS - 3) + "...";
    return more ? line + " ..." : line;
  }
}
