package bitlab.hardware;

/** A target parameter that is missing, not a number, or out of range. */
public final class TargetParameterException extends HardwareException {

  public TargetParameterException(String message) {
    super(message, null);
  }

  public TargetParameterException(String message, Throwable cause) {
    super(message, cause);
  }
}
