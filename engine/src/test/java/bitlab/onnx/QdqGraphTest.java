package bitlab.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import bitlab.data.Datasets;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.ActivationQuant;
import bitlab.quant.BatchNormFolding;
import bitlab.quant.LayerQuant;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantParams;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** What a QDQ file holds: integer initializers, the Q/DQ pairs and their ranges, provenance, and the refusals. */
@Tag("slow")
class QdqGraphTest {
  private static QuantizedModel w8a8;

  @TempDir
  Path dir;

  static synchronized QuantizedModel w8a8() {
    if (w8a8 == null) w8a8 = quantize(8, 8);
    return w8a8;
  }

  static QuantizedModel quantize(int w, int a) {
    Model m = Zoo.load("lenet5");
    return Quantizer.ptq(
        m,
        Policy.uniform(BatchNormFolding.fold(m), w, a),
        Datasets.mnist().train().take(64),
        PtqConfig.DEFAULT);
  }

  @Test
  void weightsAreTheirCodesWithAPerChannelDequantizeLinear() {
    LayerQuant conv1 = w8a8().layer("conv1");
    int[] codes = conv1.codes().castTo(DataType.INT32).dup('c').data().asInt();
    for (QdqOptions o : List.of(QdqOptions.U8U8, QdqOptions.NATIVE)) {
      GraphProto g = QdqExport.toProto(w8a8(), o).getGraph();
      int offset = o.weights() == QdqOptions.Container.UINT8 ? 128 : 0;
      TensorProto q = initializer(g, "conv1.weight_quantized");
      assertEquals(
          offset == 128 ? TensorProto.DataType.UINT8_VALUE : TensorProto.DataType.INT8_VALUE,
          q.getDataType());
      assertEquals(List.of(6L, 1L, 5L, 5L), q.getDimsList());
      byte[] raw = q.getRawData().toByteArray();
      for (int i = 0; i < codes.length; i++)
        assertEquals(
            codes[i] + offset, offset == 128 ? Byte.toUnsignedInt(raw[i]) : raw[i], "code " + i);
      assertArrayEquals(conv1.weights().scale(), floats(initializer(g, "conv1.weight_scale")));
      NodeProto dq = producer(g, "conv1.weight");
      assertEquals("DequantizeLinear", dq.getOpType());
      assertEquals(
          List.of("conv1.weight_quantized", "conv1.weight_scale", "conv1.weight_zero_point"),
          dq.getInputList());
      assertEquals(0, dq.getAttribute(0).getI(), "axis");
      assertTrue(
          g.getInitializerList().stream().noneMatch(t -> t.getName().equals("conv1.weight")),
          "no float copy of the weight");
    }
  }

  @Test
  void biasesAreInt32AtTheWeightScaleTimesTheInputScale() {
    LayerQuant conv1 = w8a8().layer("conv1");
    QuantParams in = w8a8().activations().get(conv1.input()).params();
    GraphProto g = QdqExport.toProto(w8a8()).getGraph();
    TensorProto q = initializer(g, "conv1.bias_quantized");
    assertEquals(TensorProto.DataType.INT32_VALUE, q.getDataType());
    java.nio.IntBuffer codes = q.getRawData()
        .asReadOnlyByteBuffer()
        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .asIntBuffer();
    float[] scale = floats(initializer(g, "conv1.bias_scale"));
    float[] bias = conv1.bias().castTo(DataType.FLOAT).data().asFloat();
    for (int c = 0; c < bias.length; c++) {
      assertEquals(conv1.weights().scale(c) * in.scale(0), scale[c], 0f, "scale of channel " + c);
      assertEquals(Math.rint(bias[c] / scale[c]), codes.get(c), 0.0, "code of channel " + c);
    }
    assertEquals("DequantizeLinear", producer(g, "conv1.bias").getOpType());
  }

  @Test
  void layersWritingANarrowRangeKeepTheirFloatBiasWhereverTheClipSits() {
    // W4A4: every layer's output has fewer codes than its container, so only the logits layer gets
    // an int32 bias, with the range Clip on the floats before QuantizeLinear or on the codes after
    // it
    // (the default)
    QuantizedModel w4 = quantize(4, 4);
    GraphProto floats =
        QdqExport.toProto(w4, QdqOptions.EXACT.withClip(QdqOptions.Clip.FLOATS)).getGraph();
    GraphProto codes = QdqExport.toProto(w4).getGraph();
    for (GraphProto g : List.of(floats, codes)) {
      for (String layer : List.of("conv1", "conv2", "fc1", "fc2"))
        assertEquals(
            TensorProto.DataType.FLOAT_VALUE, initializer(g, layer + ".bias").getDataType(), layer);
      assertEquals(
          TensorProto.DataType.INT32_VALUE, initializer(g, "fc3.bias_quantized").getDataType());
    }
    // where each Clip sits: on the float output of relu1, or on its codes
    assertEquals("Clip", producer(floats, "relu1_clipped").getOpType());
    NodeProto onCodes = producer(codes, codesOf(codes, "relu1"));
    assertEquals("Clip", onCodes.getOpType());
    assertEquals("relu1_quantized", onCodes.getInput(0));
    assertEquals(
        List.of(0, 15),
        List.of(
            Byte.toUnsignedInt(
                initializer(codes, onCodes.getInput(1)).getRawData().byteAt(0)),
            Byte.toUnsignedInt(
                initializer(codes, onCodes.getInput(2)).getRawData().byteAt(0))));
  }

  @Test
  void everyActivationPointIsQuantizedAndMaxPoolsKeepTheirInputsGrid() {
    GraphProto g = QdqExport.toProto(w8a8()).getGraph();
    for (String point : w8a8().activations().keySet()) {
      assertEquals("QuantizeLinear", producer(g, point + "_quantized").getOpType(), point);
      assertEquals(point + "_scale", producer(g, point + "_quantized").getInput(1));
    }
    // lenet5: relu1 -> pool1 -> conv2. The pool's output is quantized again with relu1's
    // parameters.
    NodeProto q = producer(g, "pool1_quantized");
    assertEquals(List.of("pool1", "relu1_scale", "relu1_zero_point"), q.getInputList());
    assertEquals("pool1_dequantized", producer(g, "conv2").getInput(0));
  }

  @Test
  void subEightBitCodesStayInTheirRangeEvenForValuesBeyondCalibration() throws Exception {
    QuantizedModel q = quantize(4, 4);
    // Three times the calibrated range: without the Clip on each quantizer these codes would leave
    // 0..15 and -7..7.
    INDArray x =
        Datasets.mnist().test().images().get(NDArrayIndex.interval(0, 16)).mul(3);
    for (QdqOptions.Clip where : QdqOptions.Clip.values()) {
      List<String> overflowing = new ArrayList<>();
      Map<String, double[]> v =
          codes(QdqExport.toProto(q, QdqOptions.EXACT.withClip(where)), q, x, true);
      for (ActivationQuant a : q.activations().values()) {
        int lo = a.params().spec().qmin();
        int hi = a.params().spec().qmax();
        int offset = a.spec().signed() ? 128 : 0;
        double beyond = 0;
        for (double f : v.get(a.node()))
          beyond = Math.max(beyond, Math.abs(f) / a.params().scale(0) - hi);
        if (beyond > 1) overflowing.add(a.node());
        for (double code : v.get(a.node() + " codes")) {
          assertTrue(
              code - offset >= lo && code - offset <= hi,
              where + ", " + a.node() + ": code " + (code - offset) + " outside " + lo + ".." + hi);
        }
      }
      assertTrue(
          overflowing.containsAll(List.of("input", "relu1", "relu2")),
          "tensors beyond their range in this test: " + overflowing);
    }
  }

  @Test
  void signedEightBitCodesStopAtMinus127AsBitlabsDoUnlessAskedOtherwise() throws Exception {
    // mobilenet-v2-mini's projections write signed 8-bit tensors; inputs at three times their range
    // push some of them below the calibrated range, where the uint8 container alone reaches -128
    Model m = Zoo.load("mobilenet-v2-mini");
    QuantizedModel q = Quantizer.ptq(
        m,
        Policy.uniform(BatchNormFolding.fold(m), 8, 8),
        Datasets.mnist().train().take(64),
        PtqConfig.DEFAULT);
    INDArray x =
        Datasets.mnist().test().images().get(NDArrayIndex.interval(0, 16)).mul(3);
    List<ActivationQuant> signed = q.activations().values().stream()
        .filter(a -> a.spec().signed() && a.spec().bits() == 8)
        .toList();
    assertTrue(signed.size() > 3, "signed 8-bit tensors: " + signed.size());
    int[] lowest = new int[2];
    List<QdqOptions> options = List.of(QdqOptions.DEFAULT, QdqOptions.U8U8);
    for (int k = 0; k < 2; k++) {
      Map<String, double[]> v = codes(QdqExport.toProto(q, options.get(k)), q, x, false);
      lowest[k] = Integer.MAX_VALUE;
      for (ActivationQuant a : signed)
        for (double code : v.get(a.node() + " codes"))
          lowest[k] = Math.min(lowest[k], (int) code - 128);
    }
    assertEquals(-127, lowest[0], "the default export: bitlab's narrow range");
    assertEquals(-128, lowest[1], "U8U8: the container's full range");
  }

  /**
   * ONNX Runtime's values of {@code q}'s activation points (when {@code floats}) and of the codes each point's
   * DequantizeLinear reads (as "POINT codes"), on {@code x}.
   */
  private static Map<String, double[]> codes(
      ModelProto p, QuantizedModel q, INDArray x, boolean floats) throws Exception {
    List<String> names = new ArrayList<>();
    Map<String, String> codes = new java.util.HashMap<>();
    for (String point : q.activations().keySet()) {
      if (floats) names.add(point);
      codes.put(point, codesOf(p.getGraph(), point));
      names.add(codes.get(point));
    }
    GraphProto.Builder g = p.getGraph().toBuilder();
    for (String n : names) g.addOutput(onnx.Onnx.ValueInfoProto.newBuilder().setName(n));
    Map<String, double[]> v =
        Checks.ortValues(p.toBuilder().setGraph(g).build().toByteArray(), x, names);
    codes.forEach((point, name) -> v.put(point + " codes", v.get(name)));
    return v;
  }

  /** The codes the DequantizeLinear of an activation point reads (after a Clip on them, if any). */
  static String codesOf(GraphProto g, String point) {
    return producer(g, point + "_dequantized").getInput(0);
  }

  @Test
  void provenanceAndContainersAreInTheMetadata() throws Exception {
    Path file = dir.resolve("lenet5-w8a8.onnx");
    QdqExport.write(w8a8(), file);
    try (OrtSession s = OrtEnvironment.getEnvironment()
        .createSession(file.toString(), new OrtSession.SessionOptions())) {
      Map<String, String> meta = s.getMetadata().getCustomMetadata();
      assertEquals("lenet5", meta.get("bitlab.model"));
      assertEquals("QDQ W8A8", meta.get("bitlab.precision"));
      assertEquals(w8a8().policy(), Policy.fromJson(meta.get("bitlab.policy")));
      assertEquals(w8a8().method(), meta.get("bitlab.quantization"));
      assertEquals(System.getProperty("java.version"), meta.get("bitlab.java"));
      assertTrue(
          meta.get("bitlab.containers")
              .endsWith(
                  "quantizers with fewer codes than their 8-bit containers (below 8 bits; signed 8-bit ones"
                      + " use -127..127) are kept in their own range by a Clip on the codes after each"
                      + " QuantizeLinear."),
          meta.get("bitlab.containers"));
      assertEquals(QdqOptions.DEFAULT.describe(), meta.get("bitlab.qdq"));
      for (Map.Entry<String, String> e : Zoo.load("lenet5").metadata().entrySet())
        assertEquals(e.getValue(), meta.get(e.getKey()), e.getKey());
      assertTrue(
          s.getMetadata().getDescription().contains("QDQ"), s.getMetadata().getDescription());
    }
    QuantizedModel w4 = quantize(4, 8);
    assertTrue(
        QdqExport.toProto(w4).getDocString().contains("Widths below 8 bits in this model: 4."),
        QdqExport.toProto(w4).getDocString());
  }

  @Test
  void asymmetricActivationsAndPerTensorWeightsExportToo() throws Exception {
    Model m = Zoo.load("lenet5");
    PtqConfig config = PtqConfig.DEFAULT.withAsymmetricActivations(true).withPerChannel(false);
    QuantizedModel q = Quantizer.ptq(
        m,
        Policy.uniform(BatchNormFolding.fold(m), 8, 8),
        Datasets.mnist().train().take(64),
        config);
    GraphProto g = QdqExport.toProto(q).getGraph();
    assertEquals(
        0, initializer(g, "conv1.weight_scale").getDimsCount(), "one weight scale: a scalar");
    assertTrue(producer(g, "conv1.weight").getAttributeList().isEmpty(), "per-tensor: no axis");
    int z = q.activations().get("input").params().zeroPoint(0);
    assertTrue(z > 0, "the input is signed, its asymmetric quantizer has a zero point");
    assertEquals(
        z, Byte.toUnsignedInt(initializer(g, "input_zero_point").getRawData().byteAt(0)));
    INDArray x =
        Datasets.mnist().test().images().get(NDArrayIndex.interval(0, 128)).dup();
    int same = Checks.sameTop1(q.predict(x), Checks.ort(QdqExport.toBytes(q), x));
    assertTrue(same >= 0.995 * 128, same + " of 128 agree");
  }

  @Test
  void bytesAreDeterministic() {
    assertArrayEquals(QdqExport.toBytes(w8a8()), QdqExport.toBytes(w8a8()));
  }

  @Test
  void whatAQdqGraphCannotSayIsRefusedAndNothingIsWritten() throws Exception {
    Model m = Zoo.load("lenet5");
    Model folded = BatchNormFolding.fold(m);
    Path file = dir.resolve("kept.onnx");
    Files.writeString(file, "an older file");

    QuantizedModel dynamic = Quantizer.dynamic(m, Policy.uniform(folded, 8, 8), PtqConfig.DEFAULT);
    OnnxException e = assertThrows(OnnxException.class, () -> QdqExport.write(dynamic, file));
    assertEquals(
        "Model 'lenet5' was quantized dynamically (activation ranges per batch); a QDQ graph needs fixed scales: "
            + "quantize it statically (calibrate(data)) and export that.",
        e.getMessage());

    QuantizedModel wide = Quantizer.ptq(
        m,
        Policy.uniform(folded, 8, 8).with("fc1", 12, 8),
        Datasets.mnist().train().take(16),
        PtqConfig.DEFAULT);
    e = assertThrows(OnnxException.class, () -> QdqExport.write(wide, file));
    assertTrue(
        e.getMessage().startsWith("Layer 'fc1' of 'lenet5' has 12-bit weights"), e.getMessage());

    QuantizedModel a16 = Quantizer.ptq(
        m,
        Policy.uniform(folded, 8, 8).with("conv2", 8, 16),
        Datasets.mnist().train().take(16),
        PtqConfig.DEFAULT);
    // Wider than the 8-bit containers: written as the float operations a quantizer stands for (Div,
    // Clip, Round, Mul).
    long rounds =
        onnx.Onnx.ModelProto.parseFrom(QdqExport.toBytes(a16)).getGraph().getNodeList().stream()
            .filter(n -> n.getOpType().equals("Round"))
            .count();
    assertTrue(rounds > 0, "relu1 at 16 bits (and the max pool after it)");

    assertEquals("an older file", Files.readString(file));
    OnnxFileException f = assertThrows(
        OnnxFileException.class,
        () -> QdqExport.write(w8a8(), dir.resolve("no-such-folder").resolve("q.onnx")));
    assertTrue(f.getMessage().contains("does not exist; create it first"), f.getMessage());
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(file), s.toList());
    }
  }

  static TensorProto initializer(GraphProto g, String name) {
    return g.getInitializerList().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no initializer " + name));
  }

  static NodeProto producer(GraphProto g, String output) {
    return g.getNodeList().stream()
        .filter(n -> n.getOutputList().contains(output))
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing writes " + output));
  }

  static float[] floats(TensorProto t) {
    java.nio.FloatBuffer b = t.getRawData()
        .asReadOnlyByteBuffer()
        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer();
    float[] v = new float[b.remaining()];
    b.get(v);
    return v;
  }
}
