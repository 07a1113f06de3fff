package bitlab.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.model.Model;
import bitlab.model.Op;
import bitlab.model.Zoo;
import bitlab.quant.BatchNormFolding;
import bitlab.quant.Calibration;
import bitlab.quant.LayerBits;
import bitlab.quant.Placement;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The QDQ export of every shipped mini, run in ONNX Runtime: its predictions agree with bitlab's
 * simulated quantized model, and at W8A8 ONNX Runtime's optimizer turns every convolution, linear
 * layer and residual add into its integer operator. (All 2,000 test images: {@code ./bitlab bench qdq}.)
 */
@Tag("slow")
class QdqExportTest {
  static final int CALIBRATION = 256;
  static final int IMAGES = 256;
  static final double AGREEMENT = 0.995;

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "resnet-mini", "mobilenet-v1-mini", "mobilenet-v2-mini"})
  void w8a8AgreesWithTheSimulationAndRunsOnIntegerOperators(String name) throws Exception {
    Dataset d = Datasets.mnist();
    Model m = Zoo.load(name);
    Model folded = BatchNormFolding.fold(m);
    // Quantizers at every node output: ONNX Runtime has an integer operator for every node. (Under
    // the default
    // placement a layer feeding a residual Add has no quantized output, and ONNX Runtime runs it in
    // float.)
    QuantizedModel q = Quantizer.ptq(
        m,
        Policy.uniform(folded, 8, 8),
        d.train().take(CALIBRATION),
        PtqConfig.DEFAULT.withPlacement(Placement.OUTPUTS));
    byte[] onnx = QdqExport.toBytes(q);
    int same = agreement(q, onnx, IMAGES);
    assertTrue(
        same >= AGREEMENT * IMAGES,
        name + ": ONNX Runtime agrees with the simulation on " + same + " of " + IMAGES
            + " images");
    // Under the default placement ONNX Runtime runs the layers that feed residual Adds in float (it
    // has no operator for
    // an accumulator added into an Add) and the others on its integer operators: two arithmetics
    // further apart. On
    // mobilenet-v2-mini 2 of 256 images part (ONNX Runtime 1.30 in Python too); in the first of
    // them bitlab's two best
    // classes are 0.02 logits apart.
    QuantizedModel inputs = Quantizer.ptq(
        m, Policy.uniform(folded, 8, 8), d.train().take(CALIBRATION), PtqConfig.DEFAULT);
    int sameInputs = agreement(inputs, QdqExport.toBytes(inputs), IMAGES);
    assertTrue(
        sameInputs >= 0.99 * IMAGES,
        name + " with quantizers at layer inputs: ONNX Runtime agrees on " + sameInputs + " of "
            + IMAGES);

    Map<String, Integer> ops = Checks.optimizedOps(onnx, dir);
    System.out.println(name + " W8A8, ONNX Runtime's optimized graph: " + ops);
    assertEquals(
        count(folded, Op.Conv2d.class),
        ops.getOrDefault("QLinearConv", 0),
        name + ": every convolution is a QLinearConv, " + ops);
    assertEquals(
        count(folded, Op.Linear.class),
        ops.getOrDefault("QGemm", 0),
        name + ": every linear layer is a QGemm, " + ops);
    assertEquals(
        count(folded, Op.Add.class),
        ops.getOrDefault("QLinearAdd", 0),
        name + ": every residual add is a QLinearAdd, " + ops);
    for (String fp : List.of("Conv", "FusedConv", "Gemm", "Add", "DequantizeLinear"))
      assertEquals(0, ops.getOrDefault(fp, 0), name + ": " + fp + " left, " + ops);
  }

  @ParameterizedTest
  @ValueSource(strings = {"resnet-mini", "mobilenet-v2-mini"})
  void aFourBitViewOfTheEightBitResidualStreamIsOneMoreQdqPair(String name) throws Exception {
    Dataset d = Datasets.mnist();
    Model m = Zoo.load(name);
    QuantizedModel q = Quantizer.ptq(
        m,
        Policy.uniform(BatchNormFolding.fold(m), 8, 4),
        d.train().take(CALIBRATION),
        PtqConfig.DEFAULT.withStreamBits(8));
    assertTrue(q.viewCount() > 0, name);
    byte[] file = QdqExport.toBytes(q);
    // Each view is a QuantizeLinear/DequantizeLinear pair on the dequantized 8-bit stream, with the
    // view's 4-bit parameters.
    onnx.Onnx.ModelProto proto = onnx.Onnx.ModelProto.parseFrom(file);
    long quantizers = proto.getGraph().getNodeList().stream()
        .filter(n -> n.getOpType().equals("QuantizeLinear"))
        .count();
    QuantizedModel outputsFree = Quantizer.ptq(
        m,
        Policy.uniform(BatchNormFolding.fold(m), 8, 8),
        d.train().take(CALIBRATION),
        PtqConfig.DEFAULT);
    long plain =
        onnx.Onnx.ModelProto.parseFrom(QdqExport.toBytes(outputsFree))
            .getGraph()
            .getNodeList()
            .stream()
            .filter(n -> n.getOpType().equals("QuantizeLinear"))
            .count();
    assertEquals(0, outputsFree.viewCount());
    assertTrue(
        quantizers >= plain + q.viewCount(),
        quantizers + " quantizers, " + plain + " without views, " + q.viewCount() + " views");
    // At W8A4 these networks sit on near-ties (33-78% accurate) and ONNX Runtime's float
    // requantization parts from the
    // integer program on 9-16% of the images under either placement (OUTPUTS, no views: 232 and 214
    // of 256); the
    // views must not make it worse.
    QuantizedModel o = Quantizer.ptq(
        m,
        Policy.uniform(BatchNormFolding.fold(m), 8, 4),
        d.train().take(CALIBRATION),
        PtqConfig.DEFAULT.withPlacement(Placement.OUTPUTS));
    int reference = agreement(o, QdqExport.toBytes(o), IMAGES);
    int same = agreement(q, file, IMAGES);
    assertTrue(
        same >= reference - 0.01 * IMAGES,
        name + " W8A4 with a 4-bit view of the 8-bit stream: ONNX Runtime agrees on " + same
            + " of " + IMAGES + ", without views under OUTPUTS on " + reference);
    // The default below W8A8: the stream at 16 bits, the same 4-bit views of it.
    QuantizedModel wide = Quantizer.ptq(
        m,
        Policy.uniform(BatchNormFolding.fold(m), 8, 4),
        d.train().take(CALIBRATION),
        PtqConfig.DEFAULT);
    assertEquals(16, wide.streamBits(), name);
    assertEquals(q.viewCount(), wide.viewCount(), name);
    int wideSame = agreement(wide, QdqExport.toBytes(wide), IMAGES);
    assertTrue(
        wideSame >= reference - 0.01 * IMAGES,
        name + " W8A4 with 4-bit views of the 16-bit stream (the default): ONNX Runtime agrees on "
            + wideSame + " of " + IMAGES + ", without views under OUTPUTS on " + reference);
  }

  /**
   * A 16-bit residual stream has no 8-bit container at opset 13: each wide tensor is written as the float operations
   * QuantizeLinear/DequantizeLinear stand for (Div, Clip, Round, Mul), and ONNX Runtime agrees with the simulation.
   */
  @ParameterizedTest
  @ValueSource(strings = {"resnet-mini", "mobilenet-v2-mini"})
  void aSixteenBitResidualStreamIsWrittenAsFloatRoundingAndAgrees(String name) throws Exception {
    Dataset d = Datasets.mnist();
    Model m = Zoo.load(name);
    QuantizedModel q = Quantizer.ptq(
        m,
        Policy.uniform(BatchNormFolding.fold(m), 8, 8),
        d.train().take(CALIBRATION),
        PtqConfig.DEFAULT.withStreamBits(16));
    long wide =
        q.activations().values().stream().filter(a -> a.spec().bits() == 16).count();
    assertTrue(wide > 0, name + ": no 16-bit tensor");
    byte[] file = QdqExport.toBytes(q);
    onnx.Onnx.ModelProto proto = onnx.Onnx.ModelProto.parseFrom(file);
    long rounds = proto.getGraph().getNodeList().stream()
        .filter(n -> n.getOpType().equals("Round"))
        .count();
    assertEquals(wide, rounds, name + ": one Round per 16-bit tensor");
    int same = agreement(q, file, IMAGES);
    assertTrue(
        same >= 0.99 * IMAGES,
        name + " W8A8 with a 16-bit stream: ONNX Runtime agrees on " + same + " of " + IMAGES);
  }

  @Test
  void aMixedTwoToEightBitPolicyAgreesToo() throws Exception {
    Dataset d = Datasets.mnist();
    Model m = Zoo.load("lenet5");
    Policy p = mixed(BatchNormFolding.fold(m));
    QuantizedModel q =
        Quantizer.ptq(m, p, d.train().take(CALIBRATION), PtqConfig.of(Calibration.parse("mse")));
    int n = 400;
    int same = agreement(q, QdqExport.toBytes(q), n);
    assertTrue(
        same >= AGREEMENT * n,
        p.summary() + ": ONNX Runtime agrees with the simulation on " + same + " of " + n
            + " images");
  }

  /**
   * First and last layer at W8A8; the others cycle through weight bits 2, 5, 8, 4, 7, 3, 6 and activation
   * bits 8, 7, 6 (lenet5: conv2 W2A8, fc1 W5A7, fc2 W8A6). Min-max PTQ of 2-bit weights wrecks the
   * network; MSE clipping keeps it usable, which is what makes agreement a meaningful test.
   */
  static Policy mixed(Model folded) {
    List<String> names = folded.layerNames();
    List<LayerBits> bits = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      boolean edge = i == 0 || i == names.size() - 1;
      bits.add(
          new LayerBits(names.get(i), edge ? 8 : 2 + (i - 1) * 3 % 7, edge ? 8 : 8 - (i - 1) % 3));
    }
    return new Policy(folded.name(), bits);
  }

  private static int agreement(QuantizedModel q, byte[] onnx, int n) throws Exception {
    INDArray x =
        Datasets.mnist().test().images().get(NDArrayIndex.interval(0, n)).dup();
    INDArray sim = q.predict(x);
    INDArray ort = Checks.ort(onnx, x);
    int same = Checks.sameTop1(sim, ort);
    System.out.printf(
        "%s %s: ONNX Runtime agrees with the simulation on %d of %d images, max |logit difference| %.3g%n",
        q.source().name(), q.policy().summary(), same, n, Checks.maxAbsDiff(sim, ort));
    return same;
  }

  private static int count(Model m, Class<? extends Op> op) {
    return (int) m.nodes().stream().filter(n -> op.isInstance(n.op())).count();
  }
}
