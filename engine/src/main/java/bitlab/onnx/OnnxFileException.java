package bitlab.onnx;

/** The file itself is the problem: it does not exist, is a directory, or cannot be read or written. */
public class OnnxFileException extends OnnxException {
  public OnnxFileException(String message) {
    super(message);
  }

  public OnnxFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
