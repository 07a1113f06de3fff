package bitlab.dsl.sweep.job;

/** A sweep declared or run wrongly: the message is one sentence naming the thing and the fix. */
public class SweepException extends RuntimeException {
  public SweepException(String message) {
    super(message);
  }

  public SweepException(String message, Throwable cause) {
    super(message, cause);
  }
}
