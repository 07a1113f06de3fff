package bitlab.integer;

import bitlab.model.Shape;
import bitlab.quant.QuantParams;
import bitlab.quant.Rounding;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The product of two quantized tensors, of one shape or a feature map by a per-channel gate (squeeze-and-excitation):
 * {@code clamp(round((a − z_a)(b − z_b) · m) + z_out)} with one dyadic multiplier {@code m ≈ S_a·S_b / S_out}. The
 * product of two 8-bit code differences fits 17 bits, so the rounding is exact in 64 bits. Codes are NCHW, so element
 * {@code i} of a map reads the gate at {@code i / (H·W)} (image and channel).
 */
public record ProductStep(
    String node,
    String a,
    String b,
    Shape shape,
    int plane,
    int zeroA,
    int zeroB,
    Dyadic multiplier,
    Rounding rounding,
    QuantParams out)
    implements Step {

  @Override
  public String op() {
    return "Mul";
  }

  @Override
  public int outputBits() {
    return out.spec().bits();
  }

  @Override
  public String rescaling() {
    return multiplier.toString();
  }

  @Override
  public List<String> inputs() {
    return List.of(a, b);
  }

  private long code(long product) {
    long q = multiplier.apply(product, rounding) + out.zeroPoint(0);
    return Math.max(out.spec().qmin(), Math.min(out.spec().qmax(), q));
  }

  @Override
  public IntTensor run(List<IntTensor> in) {
    IntTensor x = in.get(0), g = in.get(1);
    CodeBuffer o = new CodeBuffer(x.length(), out);
    for (int i = 0; i < x.length(); i++)
      o.put(i, code((long) (x.code(i) - zeroA) * (g.code(i / plane) - zeroB)));
    return o.tensor(shape, x.batch(), out);
  }

  @Override
  public INDArray simulate(List<INDArray> in) {
    // ND4J carries the codes and their products (small integers: exact in float64); the rounding is
    // the shared formula.
    INDArray x = in.get(0).dup('c');
    INDArray g = in.get(1).dup('c');
    INDArray gate = plane == 1 ? g : g.reshape(g.size(0), g.size(1), 1, 1).broadcast(x.shape());
    double[] p = x.sub(zeroA).mul(gate.sub(zeroB)).data().asDouble();
    for (int i = 0; i < p.length; i++) p[i] = code((long) p[i]);
    return org.nd4j.linalg.factory.Nd4j.createFromArray(p).reshape(x.shape());
  }
}
