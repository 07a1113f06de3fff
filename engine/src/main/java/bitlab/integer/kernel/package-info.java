/**
 * Integer convolution kernels: int32 accumulators {@code acc = Σ (x − zx)·w} over NCHW codes, for
 * regular, grouped and depthwise convolutions and linear layers ({@link bitlab.integer.kernel.ConvGeometry},
 * {@link bitlab.integer.kernel.ConvKernel}).
 *
 * <p>{@link bitlab.integer.kernel.ConvKernels#reference} is the plain loop that defines the
 * numbers; every other kernel gives the same accumulators bit for bit, which
 * {@code FastKernelsTest} checks on hundreds of seeded random layers. {@link bitlab.integer.kernel.ConvKernels#best}
 * picks per layer among:
 * <ul>
 *   <li>oneDNN's int8 convolution, made exact by splitting weights and chunking channels
 *       ({@code DnnlConvKernel}), for convolutions in one group;</li>
 *   <li>the JDK Vector API kernels: a register-blocked int32 panel product over im2col panels
 *       ({@code VectorGemmKernel}), depthwise with phase-split planes ({@code VectorDepthwiseKernel}),
 *       and dot products for linear layers ({@code VectorLinearKernel});</li>
 *   <li>a plain-Java panel product ({@code PlainGemmKernel}) when the JVM lacks
 *       {@code --add-modules jdk.incubator.vector}.</li>
 * </ul>
 * Where oneDNN may win, {@code FasterOfKernel} times it against Java per layer and batch size, twice
 * (the second time once the JIT has compiled Java), and keeps the faster. The Java kernels run on
 * {@code ConvKernels.defaultThreads()} cores (or the count asked for) through {@code Parallel}, which
 * keeps calls of fewer than {@code Parallel.minParallelMacs()} products on the calling thread; oneDNN
 * runs on its OpenMP threads. {@code Parallel.ranges} also splits the executor's element-wise passes
 * (requantization, residual adds, max pooling).
 */
package bitlab.integer.kernel;
