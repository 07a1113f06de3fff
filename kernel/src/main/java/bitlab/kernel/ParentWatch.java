package bitlab.kernel;

import bitlab.kernel.io.KernelLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Ties the kernel's life to the process that started it. Jupyter's kernel managers name themselves
 * in {@code JPY_PARENT_PID} (otherwise the parent process counts); when that process is gone (a
 * notebook runner or JupyterLab killed with SIGKILL, which leaves no chance to shut the kernel
 * down), the kernel deletes its connection file, which holds the HMAC key and is of no use to
 * anyone now, and exits. Without this an orphaned kernel lived on for good, holding its memory.
 */
final class ParentWatch {
  private static final long POLL_MILLIS = 1000;

  private ParentWatch() {}

  /** Starts watching (a daemon thread); does nothing if the parent cannot be identified. */
  static void start(Path connectionFile) {
    Optional<ProcessHandle> parent = parent();
    if (parent.isEmpty()) {
      KernelLog.warn(
          "parent",
          "cannot tell which process started the kernel; it will not exit by itself if that process dies.");
      return;
    }
    ProcessHandle p = parent.get();
    Optional<java.time.Instant> started = p.info().startInstant();
    watch(
        () -> p.isAlive() && p.info().startInstant().equals(started),
        () -> {
          KernelLog.warn(
              "orphan",
              "the process that started this kernel (pid " + p.pid()
                  + ") is gone; the kernel removes its" + " connection file and exits.");
          try {
            Files.deleteIfExists(connectionFile);
          } catch (Exception e) {
            KernelLog.warn("orphan-file", "could not remove " + connectionFile + ": " + e);
          }
          Runtime.getRuntime()
              .halt(0); // no shutdown work: nobody is listening, and a stuck cell must not hold the
          // exit
        },
        POLL_MILLIS);
  }

  /** Polls {@code alive} every {@code millis} on a daemon thread and runs {@code orphaned} once it turns false. */
  static Thread watch(Supplier<Boolean> alive, Runnable orphaned, long millis) {
    Thread t = new Thread(
        () -> {
          try {
            while (alive.get()) Thread.sleep(millis);
            orphaned.run();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        },
        "bitlab-parent-watch");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The process a Jupyter kernel manager named in JPY_PARENT_PID, or else this process's parent. */
  static Optional<ProcessHandle> parent() {
    String pid = System.getenv("JPY_PARENT_PID");
    if (pid != null) {
      try {
        Optional<ProcessHandle> named = ProcessHandle.of(Long.parseLong(pid.trim()));
        if (named.isPresent()) return named;
      } catch (NumberFormatException ignored) {
        // fall back to the parent
      }
    }
    return ProcessHandle.current().parent();
  }
}
