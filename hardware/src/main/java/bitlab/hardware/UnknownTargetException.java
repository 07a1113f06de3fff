package bitlab.hardware;

/** A target name that is in no catalogue searched. */
public final class UnknownTargetException extends HardwareException {

  public UnknownTargetException(String message) {
    super(message, null);
  }

  public UnknownTargetException(String message, Throwable cause) {
    super(message, cause);
  }
}
