package bitlab.dsl.sweep.job;

import java.util.Locale;

/** The sentence a failed job leaves: which job, what went wrong, what to do. */
public final class Failures {
  private Failures() {}

  /**
   * {@code memoryFix} is how this runner's JVMs get more memory (e.g. "give executors more with
   * spark.executor.memory"), used when the job ran out of it.
   */
  public static String sentence(SweepJob job, Throwable e, String memoryFix) {
    String who = capital(job.describe());
    if (e instanceof OutOfMemoryError) {
      return String.format(
          Locale.ROOT,
          "%s ran out of memory (%s, with a heap of %.1f GB): %s, or score fewer images "
              + "(validationImages, calibrationImages).",
          who,
          e.getMessage(),
          Runtime.getRuntime().maxMemory() / 1e9,
          memoryFix);
    }
    String message = e.getMessage() == null ? "" : e.getMessage().strip();
    boolean ours = e instanceof bitlab.BitlabException || e instanceof IllegalArgumentException;
    if (ours && !message.isEmpty()) return who + " failed: " + message;
    StackTraceElement at = null;
    for (StackTraceElement f : e.getStackTrace()) {
      if (f.getClassName().startsWith("bitlab.")) {
        at = f;
        break;
      }
    }
    return who + " failed with " + e.getClass().getName()
        + (message.isEmpty() ? "" : " (" + message + ")")
        + (at == null
            ? ""
            : " at " + at.getClassName() + "." + at.getMethodName() + ":" + at.getLineNumber())
        + "; this is a bug in bitlab, not in the sweep: please report it with the job's key "
        + job.key() + ".";
  }

  private static String capital(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
