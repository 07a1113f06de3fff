package bitlab.quant;

/**
 * Where activations are quantized.
 *
 * <ul>
 *   <li>{@link #INPUTS} (the default): at the inputs of weighted layers, the convention of PyTorch, ONNX
 *       Runtime and NNCF. A Conv or Linear layer whose only reader is a residual Add is not quantized at its
 *       output: its int32 accumulator is rescaled straight into the Add's output scale, as HAWQ-V3's
 *       integer-only residual blocks do; the Add's other branch, and any tensor that only integer
 *       operators read (a pooling's input, a branch no weighted layer reads), keep at least 8 bits, and the
 *       tensors integer operators add up (the residual stream) {@link PtqConfig#streamBits}, 8 to 16.</li>
 *   <li>{@link #OUTPUTS}: at every node output (the end of each Conv/Linear/Add group with its ReLU), every
 *       tensor at the width of the layers that read it.</li>
 * </ul>
 */
public enum Placement {
  INPUTS,
  OUTPUTS;

  /** Least width of the tensors that integer operators read under {@link #INPUTS} (the residual stream may be wider: {@link PtqConfig#streamBits}). */
  public static final int WIDE_BITS = 8;

  /** {@code inputs} or {@code outputs} (case-insensitive). */
  public static Placement parse(String text) {
    for (Placement p : values())
      if (p.name().equalsIgnoreCase(text == null ? "" : text.trim())) return p;
    throw new QuantException("Activation placement '" + text
        + "' is not known; use 'inputs' (inputs of weighted layers, the default) "
        + "or 'outputs' (every node output).");
  }
}
