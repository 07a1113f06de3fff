package bitlab.onnx;

/**
 * The bytes are not an ONNX model, or the model is outside what bitlab reads: several inputs or
 * outputs, a data type other than FP32, an opset out of range, a graph that does not fit bitlab's IR.
 */
public class OnnxFormatException extends OnnxException {
  public OnnxFormatException(String message) {
    super(message);
  }

  public OnnxFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
