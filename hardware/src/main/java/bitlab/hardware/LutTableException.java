package bitlab.hardware;

/** A lookup table that cannot be read, or lacks a layer or a bit pair. */
public final class LutTableException extends HardwareException {

  public LutTableException(String message) {
    super(message, null);
  }

  public LutTableException(String message, Throwable cause) {
    super(message, cause);
  }
}
