package bitlab.onnx;

import java.util.List;

/** The graph uses an operator bitlab cannot import; the message names the node and lists the supported operators. */
public class UnsupportedOperatorException extends OnnxException {
  private final String node;
  private final String opType;

  public UnsupportedOperatorException(String node, String opType, String detail) {
    super("Node '" + node + "' uses the ONNX operator " + opType + detail
        + ", which bitlab does not import; " + "it imports "
        + String.join(", ", OnnxImport.SUPPORTED_OPERATORS) + ".");
    this.node = node;
    this.opType = opType;
  }

  /** The node's name in the ONNX file. */
  public String node() {
    return node;
  }

  /** The operator type, e.g. {@code LSTM}. */
  public String opType() {
    return opType;
  }

  /** The operators bitlab imports. */
  public static List<String> supported() {
    return OnnxImport.SUPPORTED_OPERATORS;
  }
}
