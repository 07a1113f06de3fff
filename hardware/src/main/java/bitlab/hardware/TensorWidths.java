package bitlab.hardware;

/**
 * The widths at which one layer's tensors cross memory, where a quantization placement makes them differ
 * from the layer's activation width: the input as it is stored (a 4-bit layer reading an 8-bit residual
 * stream loads 8 bits and narrows them on chip), the output as it is stored (a tensor kept at 8 bits, or
 * int32 logits), and a second input added into the result (a residual Add's other branch, when the
 * layer's accumulator goes straight into the Add), counted per image.
 *
 * @param input          bits per input element loaded
 * @param output         bits per output element stored
 * @param addendElements elements per image of a tensor read and added into the output (0: none)
 * @param addend         bits per addend element
 */
public record TensorWidths(int input, int output, long addendElements, int addend) {

  public TensorWidths {
    if (input < 1 || output < 1 || addendElements < 0 || (addendElements > 0 && addend < 1)) {
      throw new IllegalArgumentException(
          "Tensor widths need positive bits and a non-negative addend, got input " + input
              + ", output " + output + ", addend " + addendElements + " x " + addend + " bits.");
    }
  }

  /** Input and output at the layer's activation width, no addend: how a layer is priced alone. */
  public static TensorWidths of(Bits bits) {
    return new TensorWidths(bits.activations(), bits.activations(), 0, 0);
  }
}
