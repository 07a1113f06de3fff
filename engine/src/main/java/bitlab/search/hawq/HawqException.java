package bitlab.search.hawq;

import bitlab.BitlabException;

/** A HAWQ-V3 request cannot be carried out as given; the message names what is wrong and how to fix it. */
public class HawqException extends BitlabException {
  public HawqException(String message) {
    super(message);
  }

  public HawqException(String message, Throwable cause) {
    super(message, cause);
  }
}
