package bitlab.nn;

/**
 * One value of a program: a node's output as its consumers see it, with what the backward and tangent
 * passes keep beside it. {@code gradient} is the loss's gradient in this value, {@code tangent} its
 * derivative along a direction in the weights (forward mode), {@code gradientTangent} that direction's
 * derivative of the gradient (forward over reverse: what makes Hessian-vector products).
 */
final class Slot {
  final String name;
  final long[] dims;
  Tensor value;
  Tensor gradient;
  Tensor tangent;
  Tensor gradientTangent;
  /** Whether the loss depends on this value through trainable parameters' paths (its gradient is needed). */
  boolean needsGradient;
  /** Whether this value depends on a parameter with a tangent. */
  boolean hasTangent;
  /** Whether some step already wrote its contribution to the gradient (or gradient tangent) in the current pass. */
  boolean gradientFilled;

  boolean gradientTangentFilled;

  /** The gradient, or its tangent. */
  Tensor sum(boolean tangent) {
    return tangent ? gradientTangent : gradient;
  }

  boolean filled(boolean tangent) {
    return tangent ? gradientTangentFilled : gradientFilled;
  }

  void fill(boolean tangent) {
    if (tangent) gradientTangentFilled = true;
    else gradientFilled = true;
  }

  Slot(String name, long[] dims) {
    this.name = name;
    this.dims = dims;
  }

  @Override
  public String toString() {
    return name + java.util.Arrays.toString(dims);
  }
}
