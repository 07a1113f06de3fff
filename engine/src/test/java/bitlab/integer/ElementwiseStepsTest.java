package bitlab.integer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import bitlab.model.Shape;
import bitlab.quant.QuantParams;
import bitlab.quant.QuantSpec;
import bitlab.quant.Rounding;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The parallel, hoisted loops of max pooling, the residual add and the input's quantization give the codes of their simulations. */
class ElementwiseStepsTest {

  private static IntTensor random(Random r, Shape shape, int batch, QuantSpec spec) {
    byte[] codes = new byte[batch * (int) shape.elements()];
    for (int i = 0; i < codes.length; i++)
      codes[i] = (byte) (spec.qmin() + r.nextInt(spec.qmax() - spec.qmin() + 1));
    return new IntTensor(shape, batch, codes, new QuantParams(spec, new float[] {0.05f}, new int[] {
      spec.signed() ? 0 : 3
    }));
  }

  private static double[] simulated(IntTensor t) {
    return t.codesArray().dup('c').data().asDouble();
  }

  @Test
  void maxPoolingMatchesNd4jOnPaddedOddShapesSignedAndUnsigned() {
    Random r = new Random(11);
    int[][] cases = {{3, 2, 1, 112}, {3, 2, 1, 13}, {2, 2, 0, 28}, {3, 1, 1, 9}, {5, 3, 2, 17}};
    for (QuantSpec spec : List.of(QuantSpec.UINT8_ACT_PER_TENSOR, QuantSpec.INT8_ACT_PER_TENSOR)) {
      for (int[] c : cases) {
        int k = c[0], s = c[1], p = c[2], h = c[3], o = (h + 2 * p - k) / s + 1;
        Shape in = Shape.image(6, h, h), out = Shape.image(6, o, o);
        MaxPoolStep step = new MaxPoolStep("pool", "x", in, out, k, s, p);
        IntTensor x = random(r, in, 3, spec);
        IntTensor y = step.run(List.of(x));
        double[] want = step.simulate(List.of(x.codesArray())).dup('c').data().asDouble();
        assertArrayEquals(
            want,
            simulated(y),
            "kernel " + k + " stride " + s + " pad " + p + " over " + h + "x" + h + " " + spec);
      }
    }
  }

  @Test
  void theResidualAddMatchesItsFormulaInEveryRoundingMode() {
    Random r = new Random(12);
    Shape shape = Shape.image(8, 40, 40); // big enough to be split between cores
    for (Rounding rounding : Rounding.values()) {
      for (double[] m : new double[][] {{0.73, 1.31}, {1.0, 1.0}, {0.011, 0.9}}) {
        long[] f = ResidualStep.align(Dyadic.of(m[0]), Dyadic.of(m[1]));
        QuantParams out =
            new QuantParams(QuantSpec.UINT8_ACT_PER_TENSOR, new float[] {0.1f}, new int[] {5});
        ResidualStep step = new ResidualStep(
            "add", "Add", "a", "b", shape, 3, -2, f[0], f[1], (int) f[2], out, 5, 255, rounding);
        IntTensor a = random(r, shape, 2, QuantSpec.UINT8_ACT_PER_TENSOR),
            b = random(r, shape, 2, QuantSpec.INT8_ACT_PER_TENSOR);
        double[] want = step.simulate(List.of(a.codesArray(), b.codesArray()))
            .dup('c')
            .data()
            .asDouble();
        assertArrayEquals(
            want,
            simulated(step.run(List.of(a, b))),
            rounding + " with multipliers " + m[0] + ", " + m[1]);
      }
    }
  }

  @Test
  void theInputIsReadInRowMajorOrderWhateverItsLayoutOrType() {
    Nd4j.getRandom().setSeed(5);
    INDArray whole = Nd4j.randn(DataType.FLOAT, 6, 3, 5, 7);
    float[] want = whole.dup('c').data().asFloat();
    assertArrayEquals(want, QuantizeInputStep.floats(whole), "its own buffer");
    INDArray images = whole.get(NDArrayIndex.interval(2, 5));
    assertArrayEquals(
        images.dup('c').data().asFloat(),
        QuantizeInputStep.floats(images),
        "a view of images 2..4");
    INDArray fortran = whole.dup('f');
    assertArrayEquals(want, QuantizeInputStep.floats(fortran), "column-major");
    INDArray permuted = Nd4j.randn(DataType.FLOAT, 3, 6, 5, 7).permute(1, 0, 2, 3);
    assertArrayEquals(
        permuted.dup('c').data().asFloat(), QuantizeInputStep.floats(permuted), "permuted");
    assertArrayEquals(want, QuantizeInputStep.floats(whole.castTo(DataType.DOUBLE)), "float64");
    QuantizeInputStep step = new QuantizeInputStep(
        "input",
        Shape.image(3, 5, 7),
        new QuantParams(QuantSpec.INT8_ACT_PER_TENSOR, new float[] {0.03f}, new int[] {0}));
    assertArrayEquals(
        step.quantize(images.dup('c')).codes(),
        step.quantize(images).codes(),
        "the same codes from a view");
  }
}
