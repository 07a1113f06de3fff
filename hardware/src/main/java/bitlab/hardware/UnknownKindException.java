package bitlab.hardware;

/** A target whose kind is none of the known cost-model kinds. */
public final class UnknownKindException extends HardwareException {

  public UnknownKindException(String message) {
    super(message, null);
  }

  public UnknownKindException(String message, Throwable cause) {
    super(message, cause);
  }
}
