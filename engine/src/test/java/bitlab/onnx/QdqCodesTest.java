package bitlab.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Samples;
import bitlab.integer.IntTensor;
import bitlab.integer.IntegerModel;
import bitlab.model.Model;
import bitlab.model.Op;
import bitlab.quant.ActivationQuant;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantizedModel;
import bitlab.quant.Quantizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The integer program and ONNX Runtime on the QDQ export, code for code: every quantized tensor of a W8A8 model built
 * from the operators added for the torchvision families (a dilated convolution, HardSwish and SiLU by look-up tables,
 * a channel shuffle and slice, a squeeze-and-excitation gate, LRN, a BatchNorm after a concatenation, logits from a
 * global pool) is read from ONNX Runtime without graph optimisations (each QuantizeLinear as written) and compared
 * with the executor's codes. They may part only where a float result sits at a rounding tie (ONNX Runtime sums in
 * float32 and rounds the int32 bias's fraction away, the executor sums in int32 and keeps it): by one code where the
 * inputs agree (the first quantized tensor), and downstream by what such a difference becomes through the layers
 * after it; at least 99% of every tensor's codes must be equal.
 */
class QdqCodesTest {
  @Test
  void everyQuantizedTensorMatchesOnnxRuntimeCodeForCode() throws Exception {
    Model m = Model.builder("newops", bitlab.model.Shape.image(3, 12, 12))
        .node("atrous", new Op.Conv2d(3, 8, 3, 3, 1, 2, 2, 1, true, 2, 2), List.of("input"))
        .node("hs", new Op.HardSwish(), List.of("atrous"))
        .node("s", new Op.ChannelShuffle(2), List.of("hs"))
        .node("k", new Op.ChannelSlice(0, 6), List.of("s"))
        .conv("c", 6, 3, 1, 1, 1, true)
        .relu("r")
        .node("norm", new Op.Lrn(3, 0.5, 0.75, 1), List.of("r"))
        .from("norm")
        .globalAvgPool("g")
        .flatten("gf")
        .linear("fc1", 6)
        .node("gate", new Op.Sigmoid(), List.of("fc1"))
        .node("se", new Op.Mul(), List.of("norm", "gate"))
        .conv("d", 6, 1, 1, 0, 1, true)
        .node("silu", new Op.Silu(), List.of("d"))
        .concat("cat", "silu", "se")
        .batchNorm("bn")
        .relu("r2")
        .conv("classes", 5, 1, 1, 0, 1, true)
        .relu("r3")
        .globalAvgPool("pool")
        .flatten("logits")
        .build(21);
    Samples calib = new Samples("random", Checks.normal(4, 32, 3, 12, 12), new int[32], 5);
    QuantizedModel q = Quantizer.ptq(m, Policy.uniform(m, 8, 8), calib, PtqConfig.DEFAULT);
    System.out.println(assertCodesMatch(q, Checks.normal(31, 8, 3, 12, 12), 10));
  }

  /**
   * Runs {@code q}'s integer program and ONNX Runtime (no graph optimisations) on its QDQ export over {@code x} and
   * asserts, for each of at least {@code minTensors} quantized tensors, that 99% of the codes are equal and the first
   * tensor's within one code; returns the table of tensors, elements, equal codes and largest difference.
   */
  static String assertCodesMatch(QuantizedModel q, INDArray x, int minTensors) throws Exception {
    Model m = q.folded();
    IntegerModel iq = IntegerModel.of(q);
    Map<String, IntTensor> ours = iq.tensors(x);
    List<String> points = new ArrayList<>();
    for (String p : q.activations().keySet())
      if (ours.containsKey(p) && !(m.node(p).op() instanceof Op.Input)) points.add(p);
    assertTrue(points.size() >= minTensors, "compared tensors: " + points);
    onnx.Onnx.ModelProto proto = QdqExport.toProto(q);
    List<String> names = points.stream().map(p -> p + "_quantized").toList();
    onnx.Onnx.GraphProto.Builder g = proto.getGraph().toBuilder();
    for (String n : names) g.addOutput(onnx.Onnx.ValueInfoProto.newBuilder().setName(n));
    Map<String, double[]> ort =
        Checks.ortValues(proto.toBuilder().setGraph(g).build().toByteArray(), x, names);
    StringBuilder table =
        new StringBuilder("| tensor | elements | equal | max |difference| |\n|---|---|---|---|\n");
    int first = -1;
    for (String p : points) {
      ActivationQuant a = q.activations().get(p);
      int offset =
          a.spec().signed() ? 128 : 0; // signed codes sit in uint8 containers, moved up by 128
      double[] theirs = ort.get(p + "_quantized");
      IntTensor t = ours.get(p);
      int same = 0, max = 0;
      for (int i = 0; i < theirs.length; i++) {
        int d = Math.abs(t.code(i) - ((int) theirs[i] - offset));
        if (d == 0) same++;
        max = Math.max(max, d);
      }
      table.append(String.format("| %s | %d | %d | %d |%n", p, theirs.length, same, max));
      if (first < 0) first = max;
      assertTrue(
          same >= 0.99 * theirs.length, p + ": fewer than 99% of the codes are equal:\n" + table);
    }
    assertTrue(first <= 1, "the first quantized tensor differs by more than one code:\n" + table);
    return table.toString();
  }
}
