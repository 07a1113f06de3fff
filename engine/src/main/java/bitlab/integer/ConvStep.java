package bitlab.integer;

import bitlab.model.Shape;
import bitlab.quant.QuantParams;
import bitlab.quant.Rounding;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Conv or Linear layer with its ReLU/ReLU6 fused: accumulate in int32, requantize each output
 * channel with its dyadic multiplier {@code M_c = S_x·S_w[c] / S_out}, add the output zero point and
 * clamp to {@code [lo, hi]} (the code range, narrowed to the codes of 0 and 6 by a fused ReLU/ReLU6).
 * The int32 bias is whole accumulator steps ({@code bitlab.quant.BiasGrid}, as deployed runtimes hold it), so the
 * output is {@code round((acc + bias)·M_c)}. The executor hands bias, requantization and clamp to the layer's kernel
 * as its epilogue ({@link RequantEpilogue}); the simulation requantizes its float64 sums with the same
 * {@link Requant#code}.
 *
 * @param node            the activation point it writes (the layer, or its fused ReLU)
 * @param input           the tensor it reads
 * @param inputZeroPoint  that tensor's zero point
 */
public record ConvStep(
    String node,
    String op,
    String input,
    int inputZeroPoint,
    Shape shape,
    LayerAccumulator layer,
    Dyadic[] multipliers,
    QuantParams out,
    int lo,
    int hi,
    Rounding rounding)
    implements Step {

  @Override
  public int outputBits() {
    return out.spec().bits();
  }

  @Override
  public String rescaling() {
    return Dyadic.range(multipliers);
  }

  @Override
  public List<String> inputs() {
    return List.of(input);
  }

  @Override
  public IntTensor run(List<IntTensor> in) {
    IntTensor x = in.get(0);
    if (IntTensor.wide(out)) {
      // A wide output (the residual stream kept above 8 bits): the kernel hands its sums to an
      // epilogue writing 16-bit words while they are in cache
      WideEpilogue e = new WideEpilogue(
          x.batch() * (int) shape.elements(),
          layer.bias(),
          multipliers,
          rounding,
          out.zeroPoint(0),
          lo,
          hi);
      boolean nhwc = layer.requantizeWide(x, e);
      return new IntTensor(shape, x.batch(), null, e.out, out, nhwc);
    }
    return layer.requantize(x, epilogue(), shape, out);
  }

  @Override
  public boolean takesNhwc() {
    return true;
  }

  /** Bias, requantization and clamp, for the kernel to apply as it writes the output. */
  RequantEpilogue epilogue() {
    return new RequantEpilogue(layer.bias(), multipliers, rounding, out.zeroPoint(0), lo, hi);
  }

  @Override
  public INDArray simulate(List<INDArray> in) {
    int batch = (int) in.get(0).size(0);
    int[] acc = layer.simulate(in.get(0), inputZeroPoint);
    IntTensor codes = Requant.channels(
            acc, batch, layer.geometry(), multipliers, rounding, out, lo, hi)
        .tensor(shape, batch, out);
    return codes.codesArray();
  }
}
