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

  /** Integer execution. */
  IntTensor run(List<IntTensor> in);

  /** The same arithmetic on code arrays {@code [batch, ...shape]} (float64); returns the output codes. */
  INDArray simulate(List<INDArray> in);
}
