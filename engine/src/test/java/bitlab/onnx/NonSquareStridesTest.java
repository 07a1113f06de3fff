package bitlab.onnx;

import static bitlab.onnx.Graphs.integer;
import static bitlab.onnx.Graphs.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Samples;
import bitlab.integer.IntegerModel;
import bitlab.integer.LayerTrace;
import bitlab.integer.Trace;
import bitlab.model.Model;
import bitlab.model.Op;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Convolutions whose stride differs by axis and pooling windows that are not square, from ONNX files: each single-op
 * file imports to the right operator and runs as ONNX Runtime runs it (1e-5), and its re-export too; a network of them
 * quantized at W8A8 runs integer-only, bit-exact against its float64 simulation, with every layer's codes equal to the
 * fake-quantized model's and, code for code, to ONNX Runtime's run of the QDQ export.
 */
class NonSquareStridesTest {
  private static Model check(byte[] onnx, long... inputShape) throws Exception {
    Model m = OnnxImport.read(onnx, "strides");
    INDArray x = Checks.normal(17, inputShape);
    INDArray expected = Checks.ort(onnx, x);
    double diff = Checks.maxAbsDiff(expected, Checks.bitlab(m, x).reshape(expected.shape()));
    assertTrue(diff <= 1e-5, "bitlab and ONNX Runtime differ by " + diff + " on\n" + m);
    INDArray again = Checks.ort(OnnxExport.toBytes(m), x);
    double re = Checks.maxAbsDiff(expected, again.reshape(expected.shape()));
    assertTrue(re <= 1e-5, "the re-export differs from the original in ONNX Runtime by " + re);
    return m;
  }

  private static byte[] single(
      String op, List<String> in, Graphs g, onnx.Onnx.AttributeProto... a) {
    return g.node(op, "op", in, "y", a).output("y").bytes();
  }

  @Test
  void singleOperatorFilesMatchOnnxRuntime() throws Exception {
    Model conv = check(
        single(
            "Conv",
            List.of("x", "w", "b"),
            new Graphs(13).input("x", -1, 3, 9, 8).weight("w", 4, 3, 3, 3).weight("b", 4),
            ints("strides", 2, 1),
            ints("pads", 1, 1, 1, 1)),
        2,
        3,
        9,
        8);
    assertEquals(
        new Op.Conv2d(3, 4, 3, 3, 2, 1, 1, 1, 1, true, 1, 1),
        conv.node("op").op(),
        conv.toString());
    assertEquals(bitlab.model.Shape.image(4, 5, 8), conv.node("op").shape());

    Model depthwise = check(
        single(
            "Conv",
            List.of("x", "w"),
            new Graphs(13).input("x", -1, 4, 8, 9).weight("w", 4, 1, 3, 2),
            ints("strides", 1, 3),
            integer("group", 4)),
        2,
        4,
        8,
        9);
    assertEquals(bitlab.model.Shape.image(4, 6, 3), depthwise.node("op").shape());

    Model max = check(
        single(
            "MaxPool",
            List.of("x"),
            new Graphs(13).input("x", -1, 3, 9, 8),
            ints("kernel_shape", 3, 2),
            ints("strides", 1, 2),
            ints("pads", 1, 0, 1, 1)),
        2,
        3,
        9,
        8);
    assertEquals(
        new Op.MaxPool(new Op.Window(3, 2, 1, 2, 1, 0, 1, 1)), max.node("op").op());

    Model avg = check(
        single(
            "AveragePool",
            List.of("x"),
            new Graphs(13).input("x", -1, 3, 9, 8),
            ints("kernel_shape", 3, 2),
            ints("strides", 2, 1),
            integer("ceil_mode", 1)),
        2,
        3,
        9,
        8);
    assertEquals(
        new Op.AvgPool(new Op.Window(3, 2, 2, 1, 0, 0, 0, 0)), avg.node("op").op());
  }

  @Test
  void aW8A8NetworkOfThemRunsIntegerOnly() throws Exception {
    byte[] b = new Graphs(13)
        .input("x", -1, 3, 12, 11)
        .weight("w1", 8, 3, 3, 3)
        .weight("b1", 8)
        .weight("w2", 8, 1, 3, 3)
        .weight("b2", 8)
        .weight("w3", 6, 8, 1, 2)
        .weight("b3", 6)
        .weight("fc", 5, 6 * 1 * 2)
        .weight("fcb", 5)
        .longs("flat", 0, -1)
        .node(
            "Conv",
            "c1",
            List.of("x", "w1", "b1"),
            "c1",
            ints("strides", 2, 1),
            ints("pads", 1, 1, 1, 1))
        .node("Relu", "r1", List.of("c1"), "r1")
        .node(
            "MaxPool",
            "p1",
            List.of("r1"),
            "p1",
            ints("kernel_shape", 3, 2),
            ints("strides", 1, 2),
            ints("pads", 1, 0, 1, 0))
        .node(
            "Conv",
            "dw",
            List.of("p1", "w2", "b2"),
            "dw",
            ints("strides", 1, 2),
            ints("pads", 1, 1, 1, 1),
            integer("group", 8))
        .node("Relu", "r2", List.of("dw"), "r2")
        .node("Conv", "c3", List.of("r2", "w3", "b3"), "c3", ints("strides", 3, 1))
        .node("Relu", "r3", List.of("c3"), "r3")
        .node(
            "AveragePool",
            "p3",
            List.of("r3"),
            "p3",
            ints("kernel_shape", 1, 2),
            ints("strides", 1, 1))
        .node("Reshape", "flatten", List.of("p3", "flat"), "f")
        .node("Gemm", "logits", List.of("f", "fc", "fcb"), "y", integer("transB", 1))
        .output("y")
        .bytes();
    Model m = check(b, 2, 3, 12, 11);
    assertEquals(bitlab.model.Shape.image(6, 2, 1), m.node("p3").shape(), m.toString());
    Samples calib = new Samples("random", Checks.normal(4, 32, 3, 12, 11), new int[32], 5);
    QuantizedModel q = Quantizer.ptq(m, Policy.uniform(m, 8, 8), calib, PtqConfig.DEFAULT);
    IntegerModel iq = IntegerModel.of(q);
    Trace t = iq.trace(Checks.normal(23, 8, 3, 12, 11));
    assertTrue(t.exact(), t.toString());
    for (LayerTrace r : t.rows()) {
      if (r.fakeMismatches() >= 0)
        assertEquals(0, r.fakeMismatches(), r.node() + " against the fake-quantized model:\n" + t);
    }
    assertEquals(8, t.predictionsAgreeFake(), t.toString());
    System.out.println(t);
    System.out.println(QdqCodesTest.assertCodesMatch(q, Checks.normal(29, 8, 3, 12, 11), 4));
  }
}
