/**
 * The float engine: bitlab's one definition of the floating-point forward pass, with its backward pass and
 * exact Hessian-vector products, for the IR's operators ({@link bitlab.model.Op}).
 *
 * <h2>Front door</h2>
 * {@link bitlab.nn.Net#compile} turns a {@link bitlab.model.Model} into a {@link bitlab.nn.Net} for a
 * {@link bitlab.nn.Net.Mode} (BatchNorm with batch or running statistics), a {@link bitlab.nn.Net.Precision}
 * and the parameters that get gradients. A Net owns the parameters as live arrays and answers
 * {@code logits}, {@code outputs} (any node, before or after its hook), {@code lossAndGradients},
 * {@code hessianVectorProduct} and {@code logitsTangent}. It compiles one {@link bitlab.nn.Program} per batch
 * size and purpose, allocating every tensor once; {@code close()} frees all native memory at once.
 *
 * <h2>Hooks: where quantization attaches</h2>
 * {@link bitlab.nn.Hooks} gives, per node, a {@link bitlab.nn.Transform} of a Conv or Linear node's weight
 * (PyTorch layout) and one of the node's output; a transform has a forward and a backward method on
 * {@link bitlab.nn.Tensor}s (a straight-through estimator, learned step sizes...). Nothing else in the
 * engine knows about quantization: fake quantization ({@code bitlab.quant.FakeQuant}), QAT
 * ({@code bitlab.quant.QatHooks}) and binarized networks ({@code bitlab.quant.binary}) are hooks.
 *
 * <h2>Inside</h2>
 * <ul>
 *   <li>{@link bitlab.nn.Program}: the steps of one compiled network in execution order, its tensors, and the
 *       bookkeeping of gradients (a value read by several steps adds their contributions up). Forward-only
 *       programs reuse memory as soon as a value is dead and, on the fast backend at inference, let a
 *       convolution absorb the BatchNorm (folded), residual Add (sum post-op) and ReLU/ReLU6 after it
 *       ({@link bitlab.nn.Fusion}).</li>
 *   <li>Steps, one per idea: {@link bitlab.nn.LayerStep} (Conv2d incl. grouped and depthwise, Linear),
 *       {@link bitlab.nn.NormStep}, {@link bitlab.nn.ActivationStep}, {@link bitlab.nn.AddStep},
 *       {@link bitlab.nn.ConcatStep}, {@link bitlab.nn.PoolStep}, {@link bitlab.nn.FlattenStep},
 *       {@link bitlab.nn.SoftmaxStep}, {@link bitlab.nn.HookStep}, and in plain loops on either backend
 *       {@link bitlab.nn.PointwiseStep} (Sigmoid, HardSigmoid, HardSwish, SiLU, Clip from each operator's value and
 *       first two derivatives), {@link bitlab.nn.MulStep} (incl. the per-channel gate), {@link bitlab.nn.LrnStep} (no
 *       Hessian-vector products) and {@link bitlab.nn.ChannelMapStep} (channel shuffle and slice); the loss is {@link bitlab.nn.Loss}. Each
 *       has a forward and backward pass and, for Hessian-vector products, the tangent of both (forward
 *       over reverse: a bilinear operator's tangent is the same kernel applied twice).</li>
 *   <li>{@link bitlab.nn.Backend}: the kernels under the steps. {@link bitlab.nn.DnnlBackend} runs oneDNN's
 *       f32 primitives on channels-last activations (forward, backward-data and backward-weights
 *       convolution with cached primitive descriptors and bound arguments, inner product, batch norm,
 *       pooling, eltwise, binary, concat); {@link bitlab.nn.ReferenceBackend} is plain Java in double, the
 *       definition every fast kernel is tested against and the arithmetic of finite-difference checks.</li>
 * </ul>
 * Tensors are ND4J arrays ({@link bitlab.nn.Tensor}); oneDNN reads and writes their memory directly.
 */
package bitlab.nn;
