package bitlab.hardware;

import bitlab.BitlabException;

/**
 * Base of every failure this module reports. Each subclass is one kind of failure, and its
 * message is one sentence naming the thing, where it was looked for and what is expected, so a
 * notebook can show the sentence instead of a stack trace.
 */
public abstract sealed class HardwareException extends BitlabException
    permits TargetSyntaxException,
        UnknownKindException,
        TargetParameterException,
        LutTableException,
        UnknownTargetException,
        PolicyException {

  protected HardwareException(String message, Throwable cause) {
    super(message, cause);
  }
}
