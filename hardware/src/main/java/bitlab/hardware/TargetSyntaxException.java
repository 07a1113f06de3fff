package bitlab.hardware;

/** A target file that is not valid YAML, or whose structure is not a mapping of the expected keys. */
public final class TargetSyntaxException extends HardwareException {

  public TargetSyntaxException(String message) {
    super(message, null);
  }

  public TargetSyntaxException(String message, Throwable cause) {
    super(message, cause);
  }
}
