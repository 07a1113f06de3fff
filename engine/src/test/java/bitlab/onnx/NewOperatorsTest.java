package bitlab.onnx;

import static bitlab.onnx.Graphs.integer;
import static bitlab.onnx.Graphs.ints;
import static bitlab.onnx.Graphs.real;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Samples;
import bitlab.integer.IntegerModel;
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
 * The operators of MobileNet v3, EfficientNet, RegNet, ShuffleNet and the Caffe2 classics in hand-made graphs:
 * each imported, run by bitlab, compared with ONNX Runtime on the same bytes (1e-5), exported again and run by ONNX
 * Runtime (1e-5), fake-quantized with a sensible placement and refused by the integer compiler with a sentence.
 */
class NewOperatorsTest {
  private static Model check(byte[] onnx, long... inputShape) throws Exception {
    Model m = OnnxImport.read(onnx, "handmade");
    INDArray x = Checks.normal(9, inputShape);
    INDArray expected = Checks.ort(onnx, x);
    double diff = Checks.maxAbsDiff(expected, Checks.bitlab(m, x).reshape(expected.shape()));
    assertTrue(diff <= 1e-5, "bitlab and ONNX Runtime differ by " + diff + " on\n" + m);
    INDArray again = Checks.ort(OnnxExport.toBytes(m), x);
    double re = Checks.maxAbsDiff(expected, again.reshape(expected.shape()));
    assertTrue(
        re <= 1e-5, "the re-exported model differs from the original in ONNX Runtime by " + re);
    return m;
  }

  private static List<String> types(Model m) {
    return m.nodes().stream().map(n -> n.name() + ":" + n.op().type()).toList();
  }

  /** MobileNet v3's and EfficientNet's blocks: HardSwish, SiLU, a squeeze-and-excitation gate, Clip with other bounds. */
  @Test
  void activationsAndSqueezeAndExcitation() throws Exception {
    byte[] b = new Graphs(14)
        .input("x", -1, 3, 6, 6)
        .weight("w", 8, 3, 3, 3)
        .weight("b", 8)
        .weight("w1", 4, 8, 1, 1)
        .weight("b1", 4)
        .weight("w2", 8, 4, 1, 1)
        .weight("b2", 8)
        .weight("w3", 8, 8, 1, 1)
        .floats("lo", new long[0], -0.5f)
        .floats("hi", new long[0], 0.75f)
        .node("Conv", "stem", List.of("x", "w", "b"), "c", ints("pads", 1, 1, 1, 1))
        .node("HardSwish", "hs", List.of("c"), "h")
        .node("GlobalAveragePool", "squeeze", List.of("h"), "g")
        .node("Conv", "fc1", List.of("g", "w1", "b1"), "f1")
        .node("Relu", "fc1_relu", List.of("f1"), "r1")
        .node("Conv", "fc2", List.of("r1", "w2", "b2"), "f2")
        .node("HardSigmoid", "gate", List.of("f2"), "s", real("alpha", 1f / 6), real("beta", 0.5f))
        .node("Mul", "excite", List.of("h", "s"), "e")
        .node("Conv", "project", List.of("e", "w3"), "p")
        .node("Sigmoid", "sig", List.of("p"), "sg")
        .node("Mul", "silu", List.of("p", "sg"), "si")
        .node("Clip", "clip", List.of("si", "lo", "hi"), "y")
        .output("y")
        .bytes();
    Model m = check(b, 2, 3, 6, 6);
    assertEquals(
        List.of(
            "input:Input",
            "stem:Conv",
            "hs:HardSwish",
            "squeeze:GlobalAvgPool",
            "fc1:Linear",
            "fc1_relu:ReLU",
            "fc2:Linear",
            "gate:HardSigmoid",
            "excite:Mul",
            "project:Conv",
            "sig:SiLU",
            "clip:Clip"),
        types(m));
    assertEquals(new Op.Clip(-0.5, 0.75), m.node("clip").op());
  }

  /** Before opset 14 PyTorch writes hardswish as {@code x * HardSigmoid(x)}: one HardSwish node. */
  @Test
  void hardSwishWrittenAsAProductIsOneNode() throws Exception {
    byte[] b = new Graphs(13)
        .input("x", -1, 2, 4, 4)
        .weight("w", 3, 2, 1, 1)
        .node("Conv", "conv", List.of("x", "w"), "c")
        .node("HardSigmoid", "hsig", List.of("c"), "s", real("alpha", 1f / 6), real("beta", 0.5f))
        .node("Mul", "hswish", List.of("c", "s"), "y")
        .output("y")
        .bytes();
    Model m = check(b, 2, 2, 4, 4);
    assertEquals(List.of("input:Input", "conv:Conv", "hsig:HardSwish"), types(m));
  }

  /** ShuffleNet's channel shuffle and split, the Caffe2 classics' LRN, ceil-mode and non-square pooling. */
  @Test
  void channelShuffleSplitSliceLrnAndPoolingWindows() throws Exception {
    byte[] b = new Graphs(13)
        .input("x", -1, 3, 10, 10)
        .weight("w", 8, 3, 3, 3)
        .weight("w2", 4, 4, 1, 1)
        .longs("five", 0, 2, 4, 10, 10)
        .longs("four", 0, -1, 10, 10)
        .longs("halves", 4, 4)
        .longs("s0", 2)
        .longs("e0", 6)
        .longs("ax", 1)
        .node("Conv", "conv", List.of("x", "w"), "c", ints("pads", 1, 1, 1, 1))
        .node(
            "LRN",
            "norm",
            List.of("c"),
            "n",
            integer("size", 5),
            real("alpha", 0.3f),
            real("beta", 0.75f),
            real("bias", 2f))
        .node("Reshape", "group", List.of("n", "five"), "g5")
        .node("Transpose", "swap", List.of("g5"), "t5", ints("perm", 0, 2, 1, 3, 4))
        .node("Reshape", "shuffle", List.of("t5", "four"), "sh")
        .node(
            "Split", "split", List.of("sh", "halves"), List.of("left", "right"), integer("axis", 1))
        .node("Conv", "branch", List.of("right", "w2"), "br")
        .node("Slice", "middle", List.of("sh", "s0", "e0", "ax"), "mid")
        .node("Concat", "cat", List.of("left", "br", "mid"), "cat", integer("axis", 1))
        .node(
            "MaxPool",
            "ceil",
            List.of("cat"),
            "mp",
            ints("kernel_shape", 3, 3),
            ints("strides", 2, 2),
            integer("ceil_mode", 1))
        .node(
            "AveragePool",
            "rect",
            List.of("mp"),
            "y",
            ints("kernel_shape", 3, 2),
            ints("strides", 2, 1),
            ints("pads", 1, 0, 1, 1))
        .output("y")
        .bytes();
    Model m = check(b, 2, 3, 10, 10);
    assertEquals(
        List.of(
            "input:Input",
            "conv:Conv",
            "norm:LRN",
            "shuffle:ChannelShuffle",
            "split:Slice",
            "split_2:Slice",
            "branch:Conv",
            "middle:Slice",
            "cat:Concat",
            "ceil:MaxPool",
            "rect:AvgPool"),
        types(m));
    assertEquals(new Op.ChannelShuffle(2), m.node("shuffle").op());
    assertEquals(
        new Op.MaxPool(new Op.Window(3, 3, 2, 2, 0, 0, 1, 1)), m.node("ceil").op());
    assertEquals(
        new Op.AvgPool(new Op.Window(3, 2, 2, 1, 1, 0, 1, 1)), m.node("rect").op());
  }

  /** Dilated convolutions (DeepLab-style backbones), with kernels and dilations that differ by axis; a Softmax over the channels of each pixel. */
  @Test
  void dilatedConvolutionsAndAPerPixelSoftmax() throws Exception {
    byte[] b = new Graphs(13)
        .input("x", -1, 3, 11, 11)
        .weight("w", 4, 3, 3, 3)
        .weight("w2", 4, 1, 3, 2)
        .weight("bias", 4)
        .node(
            "Conv",
            "atrous",
            List.of("x", "w"),
            "c",
            ints("dilations", 2, 2),
            ints("pads", 2, 2, 2, 2))
        .node(
            "Conv",
            "dw",
            List.of("c", "w2", "bias"),
            "d",
            ints("dilations", 3, 2),
            ints("strides", 2, 2),
            integer("group", 4))
        .node("Softmax", "per_pixel", List.of("d"), "y", integer("axis", 1))
        .output("y")
        .bytes();
    Model m = check(b, 2, 3, 11, 11);
    assertEquals(
        new Op.Conv2d(3, 4, 3, 3, 1, 2, 2, 1, false, 2, 2), m.node("atrous").op());
    assertEquals(new Op.Conv2d(4, 4, 3, 2, 2, 0, 0, 4, true, 3, 2), m.node("dw").op());
    assertEquals(new Op.Softmax(), m.output().op());
  }

  @Test
  void whatStillCannotBeImportedIsOneSentence() {
    byte[] badGate = new Graphs(13)
        .input("x", -1, 4, 3, 3)
        .weight("k", 4, 4)
        .node("Flatten", "flat", List.of("x"), "f")
        .node("GlobalAveragePool", "gap", List.of("x"), "g")
        .node("Flatten", "vec", List.of("g"), "v")
        .node("MatMul", "fc", List.of("v", "k"), "z")
        .node("Mul", "gate", List.of("x", "z"), "y")
        .output("y")
        .bytes();
    OnnxFormatException e =
        assertThrows(OnnxFormatException.class, () -> OnnxImport.read(badGate, "gate"));
    assertEquals(
        "ONNX node 'gate' (Mul) multiplies activations of shapes [N, 4, 3, 3] and [N, 4]; bitlab multiplies tensors of one "
            + "shape, or a feature map by an N x C x 1 x 1 gate of its channels.",
        e.getMessage());

    byte[] lrn = new Graphs(13)
        .input("x", -1, 4, 3, 3)
        .node("LRN", "norm", List.of("x"), "y", integer("size", 3), real("alpha", -1f))
        .output("y")
        .bytes();
    assertEquals(
        "ONNX node 'norm' (LRN) does not fit bitlab's graph: LRN needs a positive size and bias and non-negative alpha and "
            + "beta, got size 3, alpha -1.0, beta 0.75, bias 1.0.",
        assertThrows(OnnxFormatException.class, () -> OnnxImport.read(lrn, "lrn"))
            .getMessage());

    byte[] transpose = new Graphs(13)
        .input("x", -1, 4, 3, 3)
        .node("Transpose", "nhwc", List.of("x"), "y", ints("perm", 0, 2, 3, 1))
        .output("y")
        .bytes();
    UnsupportedAttributeException t =
        assertThrows(UnsupportedAttributeException.class, () -> OnnxImport.read(transpose, "t"));
    assertEquals(
        "Node 'nhwc' (Transpose) has perm = [0, 2, 3, 1], but bitlab supports only [0, 2, 1, 3, 4] on a Reshape to "
            + "[N, groups, C/groups, H, W] (a channel shuffle); bitlab's graph keeps activations N x C x H x W.",
        t.getMessage());
  }

  /**
   * Fake quantization puts no quantizer after a channel shuffle or slice (the grid passes through, as through MaxPool)
   * and keeps the sigmoid gate unsigned. The integer program moves channels of codes, runs the element-wise functions
   * by look-up tables and the gate by a dyadic product, and agrees exactly with its float64 simulation; LRN is refused
   * with a sentence naming the node.
   */
  @Test
  void quantizedIntegerProgramsOfTheNewOperators() {
    Samples calib = new Samples("random", Checks.normal(4, 16, 2, 6, 6), new int[16], 3);
    Model se = Model.builder("se", bitlab.model.Shape.image(2, 6, 6))
        .conv("c", 6, 3, 1, 1, 1, true)
        .node("hs", new Op.HardSwish(), List.of("c"))
        .node("s", new Op.ChannelShuffle(3), List.of("hs"))
        .node("k", new Op.ChannelSlice(2, 4), List.of("s"))
        .globalAvgPool("g")
        .linear("fc1", 4)
        .node("gate", new Op.Sigmoid(), List.of("fc1"))
        .node("m", new Op.Mul(), List.of("gate", "k"))
        .conv("d", 4, 1, 1, 0, 1, true)
        .node("silu", new Op.Silu(), List.of("d"))
        .node("cat", new Op.Concat(), List.of("silu", "m"))
        .flatten("f")
        .linear("fc", 3)
        .build(5);
    QuantizedModel q = Quantizer.ptq(se, Policy.uniform(se, 8, 8), calib, PtqConfig.DEFAULT);
    assertTrue(
        !q.activations().containsKey("s") && !q.activations().containsKey("k"),
        "channel moves need no quantizer: " + q.activations().keySet());
    assertTrue(!q.activations().get("gate").spec().signed(), "a sigmoid's output is unsigned");
    IntegerModel iq = IntegerModel.of(q);
    assertEquals(
        List.of(
            "Quantize",
            "Conv",
            "HardSwish",
            "ChannelShuffle",
            "Slice",
            "GlobalAvgPool",
            "Linear",
            "Sigmoid",
            "Mul",
            "Conv",
            "SiLU",
            "Concat",
            "Flatten",
            "Linear"),
        iq.steps().stream().map(st -> st.op().replaceAll("[+].*", "")).toList(),
        iq.toString());
    bitlab.integer.Trace t = iq.trace(Checks.normal(8, 6, 2, 6, 6));
    assertTrue(t.exact(), t.toString());
    assertEquals(6, t.predictionsAgreeSim());

    // A ceil-mode MaxPool (padded only at the end) on codes: windows clipped to the input, as the
    // float engine does.
    Model ceil = Model.builder("ceil", bitlab.model.Shape.image(2, 6, 6))
        .conv("c", 4, 3, 1, 1, 1, true)
        .relu("r")
        .node("p", new Op.MaxPool(new Op.Window(3, 3, 2, 2, 0, 0, 1, 1)), List.of("r"))
        .flatten("f")
        .linear("fc", 3)
        .build(7);
    bitlab.integer.Trace ct = IntegerModel.of(
            Quantizer.ptq(ceil, Policy.uniform(ceil, 8, 8), calib, PtqConfig.DEFAULT))
        .trace(Checks.normal(3, 4, 2, 6, 6));
    assertTrue(ct.exact(), ct.toString());
    // And a ceil-mode AvgPool (Caffe's, as in inception v1): windows clipped to the input, each
    // divided by the cells it covers; codes equal to the fake-quantized model's.
    Model ceilAvg = Model.builder("ceilavg", bitlab.model.Shape.image(2, 6, 6))
        .conv("c", 4, 3, 1, 1, 1, true)
        .relu("r")
        .node("p", new Op.AvgPool(new Op.Window(3, 3, 2, 2, 1, 1, 2, 2)), List.of("r"))
        .conv("c2", 4, 1, 1, 0, 1, true)
        .relu("r2")
        .flatten("f")
        .linear("fc", 3)
        .build(7);
    bitlab.integer.Trace at2 = IntegerModel.of(
            Quantizer.ptq(ceilAvg, Policy.uniform(ceilAvg, 8, 8), calib, PtqConfig.DEFAULT))
        .trace(Checks.normal(3, 4, 2, 6, 6));
    assertTrue(at2.exact(), at2.toString());
    assertEquals(4, at2.predictionsAgreeFake(), at2.toString());
    assertTrue(
        at2.rows().stream()
            .filter(r -> r.node().equals("p"))
            .allMatch(r -> r.fakeMismatches() == 0),
        at2.toString());

    // Dilated convolutions (a dense and a depthwise one, dilations that differ by axis, a stride):
    // the executor runs the dense kernel with zero codes between the taps; its codes equal the
    // simulation's and each layer's codes are the fake-quantized model's, which convolves with the
    // dilated kernel itself.
    Model atrous = Model.builder("atrous", bitlab.model.Shape.image(2, 11, 11))
        .node("a", new Op.Conv2d(2, 4, 3, 3, 1, 2, 2, 1, true, 2, 2), List.of("input"))
        .relu("r")
        .node("d", new Op.Conv2d(4, 4, 3, 2, 2, 1, 1, 4, true, 3, 2), List.of("r"))
        .relu("r2")
        .flatten("f")
        .linear("fc", 3)
        .build(8);
    Samples calibAtrous = new Samples("random", Checks.normal(4, 16, 2, 11, 11), new int[16], 3);
    IntegerModel ia = IntegerModel.of(
        Quantizer.ptq(atrous, Policy.uniform(atrous, 8, 8), calibAtrous, PtqConfig.DEFAULT));
    bitlab.integer.Trace at = ia.trace(Checks.normal(5, 6, 2, 11, 11));
    assertTrue(at.exact(), at.toString());
    for (bitlab.integer.LayerTrace r : at.rows()) {
      if (r.node().startsWith("r"))
        assertEquals(0, r.fakeMismatches(), r.node() + " against the fake-quantized model:\n" + at);
    }
    assertEquals(6, at.predictionsAgreeFake(), at.toString());

    // SqueezeNet's classifier: the logits are a global average pool's output, summed by an all-ones
    // depthwise kernel and dequantized once: the fake-quantized model's float mean, logit for
    // logit.
    Model squeeze = Model.builder("squeeze", bitlab.model.Shape.image(2, 6, 6))
        .conv("c", 4, 3, 1, 1, 1, true)
        .relu("r")
        .conv("classes", 3, 1, 1, 0, 1, true)
        .relu("r2")
        .globalAvgPool("g")
        .flatten("f")
        .build(9);
    QuantizedModel sq =
        Quantizer.ptq(squeeze, Policy.uniform(squeeze, 8, 8), calib, PtqConfig.DEFAULT);
    IntegerModel isq = IntegerModel.of(sq);
    assertEquals("GlobalAvgPool", isq.steps().get(isq.steps().size() - 1).op(), isq.toString());
    INDArray sx = Checks.normal(11, 8, 2, 6, 6);
    bitlab.integer.Trace st = isq.trace(sx);
    assertTrue(st.exact(), st.toString());
    assertEquals(8, st.predictionsAgreeFake(), st.toString());
    INDArray fake = sq.predict(sx);
    double d = Checks.maxAbsDiff(fake, isq.predict(sx));
    assertTrue(d <= 1e-5 * fake.amaxNumber().doubleValue(), "logits differ by " + d);

    // DenseNet's pre-activation BatchNorms, after a pooling and after a concatenation, with their
    // ReLUs: per-channel affine steps on codes (seeded statistics, one negative scale); codes equal
    // the simulation's and, but for rare float rounding ties, the fake-quantized model's.
    Model dense = Model.builder("dense", bitlab.model.Shape.image(2, 6, 6))
        .conv("c0", 4, 3, 1, 1, 1, true)
        .relu("r0")
        .maxPool("p0", 2, 2)
        .batchNorm("bn1")
        .relu("r1")
        .conv("c1", 4, 3, 1, 1, 1, true)
        .concat("cat", "p0", "c1")
        .batchNorm("bn2")
        .relu("r2")
        .globalAvgPool("g")
        .flatten("f")
        .linear("fc", 3)
        .build(10);
    java.util.Map<String, INDArray> stats = new java.util.HashMap<>();
    for (String bn : List.of("bn1", "bn2")) {
      long ch = dense.node(bn).shape().channels();
      INDArray g = Checks.normal(bn.hashCode(), ch).addi(0.5);
      g.putScalar(0, -0.7f);
      stats.put(bn + ".weight", g);
      stats.put(bn + ".bias", Checks.normal(bn.hashCode() + 1, ch).muli(0.3));
      stats.put(bn + ".running_mean", Checks.normal(bn.hashCode() + 2, ch).muli(0.5));
      stats.put(
          bn + ".running_var",
          org.nd4j.linalg.ops.transforms.Transforms.abs(Checks.normal(bn.hashCode() + 3, ch))
              .addi(0.2));
    }
    dense = dense.withParams(stats);
    QuantizedModel dq = Quantizer.ptq(dense, Policy.uniform(dense, 8, 8), calib, PtqConfig.DEFAULT);
    IntegerModel idn = IntegerModel.of(dq);
    assertEquals(
        2,
        idn.steps().stream().filter(s -> s.op().equals("BatchNorm+ReLU")).count(),
        idn.toString());
    bitlab.integer.Trace dt = idn.trace(Checks.normal(13, 8, 2, 6, 6));
    assertTrue(dt.exact(), dt.toString());
    for (bitlab.integer.LayerTrace r : dt.rows()) {
      if (r.op().startsWith("BatchNorm"))
        assertTrue(r.fakeMismatches() <= r.elements() / 100, dt.toString());
    }
    assertEquals(8, dt.predictionsAgreeFake(), dt.toString());

    Model lrn = Model.builder("lrn", bitlab.model.Shape.image(2, 6, 6))
        .conv("c", 4, 3, 1, 1, 1, true)
        .relu("r")
        .node("norm", new Op.Lrn(3, 0.5, 0.75, 1), List.of("r"))
        .flatten("f")
        .linear("fc", 3)
        .build(6);
    // LRN by a table of fixed-point multipliers over the window's integer sum of squares: the
    // codes equal the simulation's and the fake-quantized model's (alpha large enough to matter).
    QuantizedModel lq = Quantizer.ptq(lrn, Policy.uniform(lrn, 8, 8), calib, PtqConfig.DEFAULT);
    IntegerModel il = IntegerModel.of(lq);
    assertTrue(il.steps().stream().anyMatch(s -> s.op().equals("LRN")), il.toString());
    bitlab.integer.Trace lt = il.trace(Checks.normal(12, 8, 2, 6, 6));
    assertTrue(lt.exact(), lt.toString());
    bitlab.integer.LayerTrace norm =
        lt.rows().stream().filter(r -> r.node().equals("norm")).findFirst().orElseThrow();
    assertTrue(norm.fakeMismatches() <= norm.elements() / 100, lt.toString());
    assertTrue(
        norm.fakeMaxDiff() <= 1.01 * lq.activations().get("norm").params().scale(0), lt.toString());
  }
}
