package bitlab.integer;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One operation of an integer-only program. Each step has two implementations of the same
 * arithmetic: {@link #run} on integer tensors (the executor, with the fast kernels), and
 * {@link #simulate} on ND4J float64 arrays of codes (sums of small integers are exact in float64),
 * which shares only the final dyadic rounding with {@link #run}. The two must agree to the last
 * integer; {@link IntegerModel#trace} checks that they do.
 */
public sealed interface Step
    permits QuantizeInputStep,
        ConvStep,
        AccumulatorAddStep,
        AffineStep,
        LogitsStep,
        ResidualStep,
        RescaleStep,
        MaxPoolStep,
        AvgPoolStep,
        FlattenStep,
        ChannelMapStep,
        LookupStep,
        LrnStep,
        ProductStep {

  /** The node of the folded model whose (quantized) value this step produces; also the tensor's name. */
  String node();

  /** Operator name for tables, e.g. {@code Conv+ReLU}. */
  String op();

  /** The tensors it reads, by name. */
  List<String> inputs();

  /** The weighted layer it runs (a Conv or Linear, alone, into a residual Add, or the logits), or null. */
  default LayerAccumulator layer() {
    return null;
  }

  /** The kernel that runs it, e.g. {@code dnnl-int8}; {@code java} for the executor's own loops. */
  default String kernelName() {
    LayerAccumulator a = layer();
    return a == null ? "java" : a.kernel().name();
  }

  /** The width of the codes it writes, or 0 when it writes none of its own (a view, a max, the logits). */
  default int outputBits() {
    return 0;
  }

  /** Its dyadic multipliers as tables show them, e.g. {@code 1493015427/2^38 .. 1779251241/2^37}; empty if none. */
  default String rescaling() {
    return "";
  }

  /** Integer execution. */
  IntTensor run(List<IntTensor> in);

  /**
   * Whether {@link #run} takes channels-last tensors ({@link IntTensor#nhwc}) as they come; the executor hands every
   * other step NCHW codes.
   */
  default boolean takesNhwc() {
    return false;
  }

  /** The same arithmetic on code arrays {@code [batch, ...shape]} (float64); returns the output codes. */
  INDArray simulate(List<INDArray> in);
}
