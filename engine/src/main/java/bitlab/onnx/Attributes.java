package bitlab.onnx;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.NodeProto;

/** The attributes of one ONNX node, read with defaults; mistakes name the node and attribute. */
final class Attributes {
  private final String node;
  private final String op;
  private final Map<String, AttributeProto> byName = new LinkedHashMap<>();

  Attributes(String node, NodeProto proto) {
    this.node = node;
    this.op = proto.getOpType();
    for (AttributeProto a : proto.getAttributeList()) byName.put(a.getName(), a);
  }

  boolean has(String name) {
    return byName.containsKey(name);
  }

  long integer(String name, long dflt) {
    AttributeProto a = byName.get(name);
    if (a == null) return dflt;
    expect(a, AttributeProto.AttributeType.INT);
    return a.getI();
  }

  /** A float attribute as the decimal it was written as (1e-5f reads as 1e-5, not 9.99999974e-6). */
  double real(String name, double dflt) {
    AttributeProto a = byName.get(name);
    if (a == null) return dflt;
    expect(a, AttributeProto.AttributeType.FLOAT);
    return decimal(a.getF());
  }

  long[] ints(String name, long[] dflt) {
    AttributeProto a = byName.get(name);
    if (a == null) return dflt;
    expect(a, AttributeProto.AttributeType.INTS);
    return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  String string(String name, String dflt) {
    AttributeProto a = byName.get(name);
    if (a == null) return dflt;
    expect(a, AttributeProto.AttributeType.STRING);
    return a.getS().toStringUtf8();
  }

  AttributeProto raw(String name) {
    return byName.get(name);
  }

  /** Fails unless the integer attribute has one of the allowed values. */
  void require(String name, long dflt, long allowed, String meaning) {
    long v = integer(name, dflt);
    if (v != allowed) throw unsupported(name, String.valueOf(v), allowed + " (" + meaning + ")");
  }

  UnsupportedAttributeException unsupported(String attribute, String value, String allowed) {
    return new UnsupportedAttributeException(node, op, attribute, value, allowed);
  }

  UnsupportedAttributeException unsupported(String attribute, long[] value, String allowed) {
    return unsupported(attribute, Arrays.toString(value), allowed);
  }

  /** The shortest decimal that rounds to {@code f}, as a double. */
  static double decimal(float f) {
    if (Float.isNaN(f) || Float.isInfinite(f)) return f;
    return Double.parseDouble(Float.toString(f));
  }

  /** {@code 1 - f} computed on the decimals (ONNX momentum 0.9 is PyTorch momentum 0.1, exactly). */
  static double oneMinus(double d) {
    return BigDecimal.ONE.subtract(new BigDecimal(Double.toString(d))).doubleValue();
  }

  private void expect(AttributeProto a, AttributeProto.AttributeType type) {
    if (a.getType() != type && !(a.getType() == AttributeProto.AttributeType.UNDEFINED)) {
      throw new OnnxFormatException("Node '" + node + "' (" + op + ") has attribute " + a.getName()
          + " of type " + a.getType() + " where ONNX defines " + type + "; the file is malformed.");
    }
  }
}
