package bitlab.search.haq;

import bitlab.BitlabException;

/** A search that cannot run as asked (budget out of reach, nothing to quantize, no episodes...); the message says why and what to do. */
public final class HaqException extends BitlabException {
  public HaqException(String message) {
    super(message);
  }
}
