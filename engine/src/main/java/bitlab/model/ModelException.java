package bitlab.model;

import bitlab.BitlabException;

/** A model is malformed or used with something that does not fit it; the message says which and how to fix it. */
public class ModelException extends BitlabException {
  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
