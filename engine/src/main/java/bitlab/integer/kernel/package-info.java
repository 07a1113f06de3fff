/**
 * Integer convolution kernels: int32 accumulators {@code acc = Σ (x − zx)·w} over NCHW codes (and channels-last ones
 * for the kernels that work so: oneDNN's, {@link bitlab.integer.kernel.ConvKernel#channelsLast}), for
 * regular, grouped and depthwise convolutions and linear layers ({@link bitlab.integer.kernel.ConvGeometry},
 * {@link bitlab.integer.kernel.ConvKernel}).
 *
 * <p>{@link bitlab.integer.kernel.ConvKernels#reference} is the plain loop that defines the
 * numbers; every other kernel gives the same accumulators bit for bit, which
 * {@code FastKernelsTest} and {@code DnnlConvKernelTest} check on hundreds of seeded random layers, and the same
 * codes through {@link bitlab.integer.kernel.ConvKernel#requantize}, which applies the layer's
 * {@link bitlab.integer.kernel.Epilogue} (bias, dyadic requantization, clamp) as the sums leave the kernel.
 * {@link bitlab.integer.kernel.ConvKernels#best} picks per layer by what {@link bitlab.cpu.CpuFeatures}
 * finds at run time ({@code -Dbitlab.kernel.isa=avx2|none} holds it down, for tests):
 * <ul>
 *   <li>with VNNI or AMX, oneDNN's int8 convolution for every convolution ({@code DnnlConvKernel}): one exact
 *       pass, run in pieces that the executor's threads share, each on one OpenMP thread and none writing more
 *       int32 sums than a core's second-level cache holds ({@code DnnlPlan}, {@code DnnlPiece}, {@code OmpThreads});
 *       it reads codes in either layout and writes channels-last, its
 *       NHWC int32 sums going to the epilogue ({@link bitlab.integer.kernel.Epilogue#positions}) in their own order,
 *       so a chain of such layers never transposes in Java; depthwise 3x3 layers are timed per layer against Java's
 *       channels-last kernel ({@code NhwcDepthwiseKernel}: exact float lanes, the requantization applied to each
 *       output row while it is in cache), {@code -Dbitlab.kernel.depthwise=measure|java|dnnl};</li>
 *   <li>without them, oneDNN made exact by splitting 8-bit weights in two passes and chunking channels, timed
 *       against Java per layer and batch size ({@code FasterOfKernel}) where it may win;</li>
 *   <li>the JDK Vector API kernels: a register-blocked int32 panel product over im2col panels
 *       ({@code VectorGemmKernel}), depthwise with phase-split planes ({@code VectorDepthwiseKernel}),
 *       and dot products for linear layers ({@code VectorLinearKernel});</li>
 *   <li>a plain-Java panel product ({@code PlainGemmKernel}) when the JVM lacks
 *       {@code --add-modules jdk.incubator.vector} or the CPU AVX2.</li>
 * </ul>
 * {@link bitlab.integer.kernel.ConvKernels#explain} says in a sentence why a kernel runs a layer (the profile's
 * column). The Java kernels run on {@code ConvKernels.defaultThreads()} cores (or the count asked for) through
 * {@code Parallel}, which keeps calls of fewer than {@code Parallel.minParallelMacs()} products on the calling
 * thread, and every call while the machine is too busy for a helper to pay ({@code Parallel.busy()}, measured every
 * five seconds; each oneDNN layer then times its pieces on all threads against the calling thread alone and keeps
 * the faster, {@code SplitChoice}). {@code Parallel.ranges} also splits the executor's element-wise passes (residual adds, max pooling,
 * the input's quantization), and {@link bitlab.integer.kernel.VectorRequant} does their rescaling eight values at
 * a time on AVX-512.
 */
package bitlab.integer.kernel;
