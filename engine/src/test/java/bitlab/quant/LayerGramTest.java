package bitlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.model.Inference;
import bitlab.model.Model;
import bitlab.model.Op;
import bitlab.model.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * AdaRound's quadratic form reads a convolution's input patches as the float engine convolves them: for layers with
 * a dilation and a stride that differ per axis, padding and groups, the form's error of any weights is the mean
 * squared difference, per output channel, between the engine's outputs with those weights and the target outputs. A
 * patch read at the wrong stride or dilation (or with the two axes swapped) gives other errors.
 */
class LayerGramTest {
  @Test
  void dilatedAndStridedPerAxisConvolutionsMatchTheEngine() {
    // in, out, kernel h x w, strides h x w, padding h x w, groups, bias, dilations h x w
    check(new Op.Conv2d(4, 6, 3, 2, 2, 1, 2, 1, 2, true, 2, 3));
    check(new Op.Conv2d(3, 4, 2, 3, 1, 3, 1, 2, 1, true, 3, 1));
    check(new Op.Conv2d(4, 4, 3, 3, 2, 2, 2, 2, 4, false, 2, 2)); // depthwise, dilated and strided
  }

  private static void check(Op.Conv2d op) {
    Model target = Model.builder("gram", Shape.image(op.in(), 13, 11))
        .node("conv", op, List.of("input"))
        .build(7);
    INDArray x = Nd4j.randn(DataType.FLOAT, 3, op.in(), 13, 11);
    INDArray y = out(target, x);
    float[] bias = op.bias() ? target.param("conv.bias").toFloatVector() : null;
    LayerGram form = LayerGram.of(op);
    form.add(op, x, y, bias);
    form.finish();
    INDArray w = target.param("conv.weight");
    // Other weights: the target's plus a perturbation, so that every channel's error is well above
    // zero.
    INDArray other = w.add(Nd4j.randn(DataType.FLOAT, w.shape()).mul(0.3));
    INDArray diff =
        out(target.withParams(Map.of("conv.weight", other)), x).sub(y).castTo(DataType.DOUBLE);
    double[] measured = new double[op.out()];
    long rows = diff.size(0) * diff.size(2) * diff.size(3);
    for (int o = 0; o < op.out(); o++) {
      INDArray d = diff.get(
          org.nd4j.linalg.indexing.NDArrayIndex.all(),
          org.nd4j.linalg.indexing.NDArrayIndex.point(o));
      measured[o] = d.mul(d).sumNumber().doubleValue() / rows;
    }
    double[] form0 = form.errors(weights(w));
    double[] form1 = form.errors(weights(other));
    for (int o = 0; o < op.out(); o++) {
      assertTrue(measured[o] > 1e-2, op + ": channel " + o + " barely moved: " + measured[o]);
      assertEquals(
          measured[o], form1[o], 1e-4 * measured[o], op + ": channel " + o + ", perturbed weights");
      assertEquals(
          0, form0[o], 1e-5 * measured[o], op + ": channel " + o + ", the target's weights");
    }
  }

  private static INDArray out(Model m, INDArray x) {
    return Inference.outputs(m, x, List.of("conv")).get("conv");
  }

  private static double[] weights(INDArray w) {
    return w.castTo(DataType.DOUBLE).dup('c').data().asDouble();
  }
}
