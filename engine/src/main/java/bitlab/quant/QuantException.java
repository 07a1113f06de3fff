package bitlab.quant;

import bitlab.BitlabException;

/** A quantization request that cannot be honoured; the message names the layer, tensor or setting and what is allowed. */
public class QuantException extends BitlabException {
  public QuantException(String message) {
    super(message);
  }

  public QuantException(String message, Throwable cause) {
    super(message, cause);
  }
}
