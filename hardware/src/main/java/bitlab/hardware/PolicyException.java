package bitlab.hardware;

/** A policy that does not fit the layers it is priced on. */
public final class PolicyException extends HardwareException {

  public PolicyException(String message) {
    super(message, null);
  }

  public PolicyException(String message, Throwable cause) {
    super(message, cause);
  }
}
