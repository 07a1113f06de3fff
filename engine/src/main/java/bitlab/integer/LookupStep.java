package bitlab.integer;

import bitlab.model.Op;
import bitlab.model.Shape;
import bitlab.quant.QuantParams;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An element-wise function (Sigmoid, HardSigmoid, HardSwish, SiLU, Clip) on codes, by a table over every input code:
 * entry {@code q} holds {@code quantize_out(f(dequantize_in(q)))}, computed once when the program is compiled, so running
 * it is one look-up per element and no arithmetic (the look-up form of integer-only non-linearities; with 8-bit
 * inputs the table is exact: it is what the fake-quantized model computes for each of the 256 codes).
 */
public record LookupStep(
    String node, String input, String op, Shape shape, int first, int[] table, QuantParams params)
    implements Step {

  static LookupStep of(
      String node, String input, Op.Pointwise f, Shape shape, QuantParams in, QuantParams out) {
    int lo = in.spec().qmin(), hi = in.spec().qmax();
    int[] t = new int[hi - lo + 1];
    for (int q = lo; q <= hi; q++)
      t[q - lo] = out.quantize((float) f.value(in.dequantize(q, 0)), 0);
    return new LookupStep(node, input, f.type(), shape, lo, t, out);
  }

  @Override
  public int outputBits() {
    return params.spec().bits();
  }

  @Override
  public List<String> inputs() {
    return List.of(input);
  }

  @Override
  public IntTensor run(List<IntTensor> in) {
    IntTensor x = in.get(0);
    CodeBuffer o = new CodeBuffer(x.length(), params);
    for (int i = 0; i < x.length(); i++) o.put(i, table[x.code(i) - first]);
    return o.tensor(shape, x.batch(), params);
  }

  @Override
  public INDArray simulate(List<INDArray> in) {
    INDArray y = in.get(0).dup('c');
    double[] v = y.data().asDouble();
    for (int i = 0; i < v.length; i++) v[i] = table[(int) v[i] - first];
    return org.nd4j.linalg.factory.Nd4j.createFromArray(v).reshape(y.shape());
  }
}
