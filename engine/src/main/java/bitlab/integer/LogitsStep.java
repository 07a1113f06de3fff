package bitlab.integer;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The last layer: its int32 accumulators are the only values that leave the integer domain,
 * dequantized per output channel with {@code S_x·S_w[c]} (float32); the bias in them is whole accumulator steps
 * ({@code bitlab.quant.BiasGrid}). {@link #run} returns no tensor; {@link #logits} gives the float result.
 */
public record LogitsStep(
    String node,
    String op,
    String input,
    int inputZeroPoint,
    LayerAccumulator layer,
    float[] scales)
    implements Step {

  @Override
  public List<String> inputs() {
    return List.of(input);
  }

  @Override
  public IntTensor run(List<IntTensor> in) {
    throw new IllegalStateException("The logits step gives floats: call logits(x).");
  }

  /** The int32 accumulators (bias included), {@code [N, classes]}. */
  public int[] accumulators(IntTensor x) {
    return layer.accumulate(x);
  }

  /** Dequantized logits {@code [N, classes]}. */
  public INDArray logits(int[] acc, int batch) {
    int classes = layer.geometry().outChannels();
    float[] v = new float[acc.length];
    for (int i = 0; i < v.length; i++) v[i] = (float) ((double) acc[i] * scales[i % classes]);
    // one ND4J array made with its shape: createFromArray and a reshape were two (about 20 µs on
    // this
    // machine against 10, a tenth of mobilenet-v1-mini's call at batch 1)
    return Nd4j.create(v, new long[] {batch, classes}, 'c');
  }

  /** The simulation's accumulators, as float64 {@code [N, classes]} (exact integers). */
  @Override
  public INDArray simulate(List<INDArray> in) {
    int batch = (int) in.get(0).size(0);
    int[] acc = layer.simulate(in.get(0), inputZeroPoint);
    double[] d = new double[acc.length];
    for (int i = 0; i < d.length; i++) d[i] = acc[i];
    return Nd4j.createFromArray(d).reshape(batch, layer.geometry().outChannels());
  }
}
