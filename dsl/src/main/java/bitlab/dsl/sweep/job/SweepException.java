package bitlab.dsl.sweep.job;

import bitlab.BitlabException;

/** A sweep declared or run wrongly: the message is one sentence naming the thing and the fix. */
public class SweepException extends BitlabException {
  public SweepException(String message) {
    super(message);
  }

  public SweepException(String message, Throwable cause) {
    super(message, cause);
  }
}
