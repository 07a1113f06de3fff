package bitlab.nn;

/**
 * An element-wise function of one float tensor and its backward pass: fake quantization with a
 * straight-through estimator, learned step sizes, binarisation. Tensors arrive in the engine's storage
 * order (see {@link Tensor#channels()} and {@link Tensor#channelStride()} for per-channel work).
 * A transform that learns parameters keeps them itself and adds their gradients up in
 * {@link #backward}; whoever made it reads and updates them between steps.
 */
public interface Transform {
  /** {@code y = f(x)}; x and y have the same shape and are different tensors. */
  void forward(Tensor x, Tensor y);

  /**
   * {@code dx = dy · ∂f/∂x} (the straight-through estimator where f rounds), given the forward input x;
   * adds this batch's contribution to the gradients of learned parameters, if any. dx may be dy itself.
   */
  void backward(Tensor x, Tensor dy, Tensor dx);
}
