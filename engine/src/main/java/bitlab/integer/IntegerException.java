package bitlab.integer;

import bitlab.BitlabException;

/** A model, policy or input the integer-only executor cannot run; the message says what and how to fix it. */
public class IntegerException extends BitlabException {
  public IntegerException(String message) {
    super(message);
  }
}
