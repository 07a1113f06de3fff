package bitlab.quant;

import bitlab.hardware.Bits;

/**
 * The widths of one layer: its weights and its input activations, each 1..16, or 32 for "leave in
 * float". Activation bits are those of the tensor the layer reads (HAQ and HAWQ price a layer by
 * {@code weight bits x input bits}).
 */
public record LayerBits(String layer, int weights, int activations) {
  public static final int FLOAT = 32;

  public LayerBits {
    if (layer == null || layer.isBlank())
      throw new QuantException("A policy entry needs a layer name.");
    check(layer, "weight", weights);
    check(layer, "activation", activations);
  }

  static void check(String layer, String what, int bits) {
    if (!((bits >= 1 && bits <= 16) || bits == FLOAT)) {
      throw new QuantException("Layer '" + layer + "' asks for " + bits + " " + what
          + " bits; use 1..16, or 32 to keep it in float.");
    }
  }

  public boolean weightsQuantized() {
    return weights != FLOAT;
  }

  public boolean activationsQuantized() {
    return activations != FLOAT;
  }

  /** The pair as the hardware module prices it (1..8, 16 or 32). */
  public Bits bits() {
    if (!Bits.valid(weights) || !Bits.valid(activations)) {
      throw new QuantException("Layer '" + layer + "' is at W" + weights + "A" + activations
          + "; hardware targets price 1..8, 16 or 32 bits only.");
    }
    return Bits.of(weights, activations);
  }

  @Override
  public String toString() {
    return layer + ": W" + (weights == FLOAT ? "fp32" : weights) + "A"
        + (activations == FLOAT ? "fp32" : activations);
  }
}
