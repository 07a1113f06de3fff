package bitlab;

/**
 * A user's mistake or a situation the user can change, told in one sentence that names the thing, what is allowed and
 * the fix. Every such failure in bitlab is one of these: the kernel shows a notebook its sentence and no library stack
 * frames, and the command-line tool prints it and exits with status 2. Each area has its kind (a subclass): targets and
 * policies ({@code HardwareException}), models and ONNX files ({@code ModelException}), data, quantization, the integer
 * executor, HAQ, HAWQ-V3, sweeps, magics. Anything else that escapes is a bug in bitlab, and shows its stack.
 */
public class BitlabException extends RuntimeException {
  public BitlabException(String message) {
    super(message);
  }

  public BitlabException(String message, Throwable cause) {
    super(message, cause);
  }
}
