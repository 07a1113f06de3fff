package bitlab.kernel.magic;

/** A magic was used wrongly; the message says how to use it. */
public final class MagicException extends RuntimeException {
  public MagicException(String message) {
    super(message);
  }
}
