package bitlab.onnx;

import bitlab.model.ModelException;

/**
 * Reading or writing an ONNX file failed; the message is one sentence that names the file, node or
 * attribute and says what to do. The subclasses tell the kinds of failure apart.
 */
public class OnnxException extends ModelException {
  public OnnxException(String message) {
    super(message);
  }

  public OnnxException(String message, Throwable cause) {
    super(message, cause);
  }
}
