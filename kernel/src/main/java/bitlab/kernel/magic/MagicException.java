package bitlab.kernel.magic;

import bitlab.BitlabException;

/** A magic was used wrongly; the message says how to use it. */
public final class MagicException extends BitlabException {
  public MagicException(String message) {
    super(message);
  }
}
