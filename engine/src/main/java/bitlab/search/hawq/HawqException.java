package bitlab.search.hawq;

/** A HAWQ-V3 request cannot be carried out as given; the message names what is wrong and how to fix it. */
public class HawqException extends RuntimeException {
  public HawqException(String message) { super(message); }

  public HawqException(String message, Throwable cause) { super(message, cause); }
}
