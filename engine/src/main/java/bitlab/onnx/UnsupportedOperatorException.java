package bitlab.onnx;

import java.util.List;

/** The graph uses an operator bitlab cannot import; the message names the node and lists the supported operators. */
public class UnsupportedOperatorException extends OnnxException {
  private final String node;
  private final String opType;

  public UnsupportedOperatorException(String node, String opType, String detail) {
    super("Node '" + node + "' uses the ONNX operator " + opType + detail
        + ", which bitlab does not import; "
        + (NEAREST.containsKey(opType) && detail.isEmpty()
            ? "the nearest form it imports is " + NEAREST.get(opType) + "; "
            : "")
        + "it imports " + String.join(", ", OnnxImport.SUPPORTED_OPERATORS) + ".");
    this.node = node;
    this.opType = opType;
  }

  /** For operators people often meet, the supported form closest to what they compute. */
  private static final java.util.Map<String, String> NEAREST = nearest();

  private static java.util.Map<String, String> nearest() {
    java.util.Map<String, String> m = new java.util.HashMap<>();
    for (String relu : List.of("LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "ThresholdedRelu"))
      m.put(relu, "Relu (export the model with ReLU activations)");
    for (String smooth : List.of("Gelu", "Erf", "Tanh", "Softplus", "Softsign", "Mish"))
      m.put(
          smooth,
          "Sigmoid, HardSigmoid, HardSwish or x * Sigmoid(x) (SiLU) (export the activation as one of them)");
    for (String norm : List.of("InstanceNormalization", "LayerNormalization", "GroupNormalization"))
      m.put(norm, "BatchNormalization with running statistics (inference)");
    m.put("GlobalMaxPool", "MaxPool with a kernel the size of the feature map");
    m.put("ReduceMax", "MaxPool with a kernel the size of the feature map");
    m.put("ConvTranspose", "Conv (bitlab has no transposed convolution)");
    m.put("Pad", "the pads attribute of the Conv, MaxPool or AveragePool that follows");
    m.put("LogSoftmax", "Softmax (the prediction, its argmax, is the same)");
    m.put("Max", "Clip with a constant bound");
    m.put("Min", "Clip with a constant bound");
    return java.util.Map.copyOf(m);
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
