package bitlab.onnx;

/** An operator bitlab imports carries an attribute value (or constant input) it cannot represent. */
public class UnsupportedAttributeException extends OnnxException {
  public UnsupportedAttributeException(
      String node, String opType, String attribute, String value, String allowed) {
    super("Node '" + node + "' (" + opType + ") has " + attribute + " = " + value
        + ", but bitlab supports only " + allowed + ".");
  }
}
