package bitlab.onnx;

import bitlab.integer.IntTensor;
import bitlab.integer.IntegerModel;
import bitlab.integer.LogitsStep;
import bitlab.integer.QuantizeInputStep;
import bitlab.integer.Step;
import bitlab.quant.QuantizedModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Does each step of the integer program compute what its part of the QDQ graph computes? Every step is given ONNX
 * Runtime's own codes for its inputs (no graph optimisations: each DequantizeLinear, float operator and QuantizeLinear
 * as written) and its output is compared with ONNX Runtime's codes for the same tensor. Differences that come from
 * upstream cannot show here, so a step that disagrees on more than the rare float32 near-tie computes something else
 * than the graph says (a wrong rescaling, rounding or clamp). The end-to-end comparison (the integer program's own
 * codes against ONNX Runtime's, where one flipped code travels downstream) is given beside it.
 */
final class QdqSteps {
  private QdqSteps() {}

  /**
   * One step: {@code local} codes equal when fed ONNX Runtime's inputs (largest difference {@code localMax}),
   * {@code chained} equal in the integer program's own run ({@code chainedMax}); the logits step compares logits
   * (its {@code localMax} is then the largest difference over the largest logit, in millionths; {@code chained} -1);
   * {@code tie}: for a layer step, how far from a rounding tie (in output steps, 0 to 0.5) the farthest differing
   * code's exact value sat, NaN for other steps.
   */
  record Row(
      String step,
      String op,
      int elements,
      int local,
      int localMax,
      int beyond,
      double tie,
      int chained,
      int chainedMax) {
    double localShare() {
      return (double) local / elements;
    }

    String row() {
      return String.format(
          "| %s | %s | %d | %.4f%% | %d | %d | %s | %s | %s |",
          step,
          op,
          elements,
          100.0 * local / elements,
          localMax,
          beyond,
          Double.isNaN(tie) ? "" : String.format("%.5f", tie),
          chained < 0 ? "" : String.format("%.2f%%", 100.0 * chained / elements),
          chained < 0 ? "" : String.valueOf(chainedMax));
    }

    static String header() {
      return "| step | op | codes | equal, fed ORT's inputs | max diff | of them beyond bitlab's range"
          + " | farthest from a tie, the others (steps) | equal, chained | max diff |\n"
          + "|---|---|---|---|---|---|---|---|---|";
    }
  }

  /** Compares every step of {@code q}'s integer program on the float batch {@code x}. */
  static List<Row> compare(QuantizedModel q, INDArray x) throws Exception {
    return compare(q, x, QdqOptions.DEFAULT);
  }

  /** The same on the QDQ export written with {@code options}. */
  static List<Row> compare(QuantizedModel q, INDArray x, QdqOptions options) throws Exception {
    IntegerModel iq = IntegerModel.of(q);
    Map<String, IntTensor> ours = iq.tensors(x);
    ModelProto proto = QdqExport.toProto(q, options);
    GraphProto graph = proto.getGraph();
    // Each tensor's QuantizeLinear output, by the value it quantizes (looking through a range Clip
    // before it).
    Map<String, NodeProto> producer = new HashMap<>();
    for (NodeProto n : graph.getNodeList()) for (String o : n.getOutputList()) producer.put(o, n);
    Map<String, String> quantized = new HashMap<>();
    for (NodeProto n : graph.getNodeList()) {
      if (!n.getOpType().equals("QuantizeLinear")) continue;
      String v = n.getInput(0);
      NodeProto p = producer.get(v);
      // a sub-8-bit quantizer's range Clip (QdqNodes), not a ReLU6
      if (p != null
          && p.getOpType().equals("Clip")
          && p.getOutput(0).startsWith(p.getInput(0) + "_clipped")) v = p.getInput(0);
      quantized.putIfAbsent(v, codesOf(graph, n.getOutput(0)));
    }
    List<String> names = new ArrayList<>(new java.util.LinkedHashSet<>(quantized.values()));
    String logits = graph.getOutput(0).getName();
    names.add(logits);
    GraphProto.Builder g = graph.toBuilder();
    for (String n : names)
      if (!n.equals(logits)) g.addOutput(onnx.Onnx.ValueInfoProto.newBuilder().setName(n));
    Map<String, double[]> ort =
        Checks.ortValues(proto.toBuilder().setGraph(g).build().toByteArray(), x, names);
    List<Row> rows = new ArrayList<>();
    int batch = (int) x.size(0);
    for (Step s : iq.steps()) {
      if (s instanceof LogitsStep l) {
        rows.add(logitsRow(l, ours, ort, quantized, logits, batch));
        continue;
      }
      IntTensor mine = ours.get(s.node());
      String theirs = quantized.get(s.node());
      if (mine == null || theirs == null) continue;
      INDArray local;
      if (s instanceof QuantizeInputStep) {
        local = s.simulate(List.of(x));
      } else {
        List<INDArray> in = in(s, ort, quantized, ours);
        if (in == null) continue; // reads a tensor the graph does not quantize by itself (a view)
        local = s.simulate(in);
      }
      double[] want = codes(ort.get(theirs), mine).dup('c').data().asDouble();
      double[] got = local.dup('c').data().asDouble();
      double[] chain = mine.codesArray().dup('c').data().asDouble();
      double[] exact =
          s instanceof QuantizeInputStep ? null : exact(s, in(s, ort, quantized, ours));
      int same = 0, max = 0, sameChain = 0, maxChain = 0, beyond = 0;
      int qmin = mine.params().spec().qmin(), qmax = mine.params().spec().qmax();
      double tie = exact == null ? Double.NaN : 0;
      for (int i = 0; i < want.length; i++) {
        int d = (int) Math.abs(got[i] - want[i]), e = (int) Math.abs(chain[i] - want[i]);
        if (d == 0) same++;
        else if (want[i] < qmin || want[i] > qmax) beyond++; // the container's -128 (QdqOptions)
        else if (exact != null)
          tie = Math.max(tie, Math.abs(exact[i] - Math.floor(exact[i]) - 0.5));
        if (e == 0) sameChain++;
        max = Math.max(max, d);
        maxChain = Math.max(maxChain, e);
      }
      rows.add(new Row(s.node(), s.op(), want.length, same, max, beyond, tie, sameChain, maxChain));
    }
    return rows;
  }

  /** A QuantizeLinear's output, or the Clip on its codes that keeps them in a narrow range ({@link QdqOptions.Clip#CODES}). */
  private static String codesOf(GraphProto graph, String q) {
    for (NodeProto n : graph.getNodeList())
      if (n.getOpType().equals("Clip") && n.getInput(0).equals(q)) return n.getOutput(0);
    return q;
  }

  /**
   * One line over all steps but the logits: how many were compared, the lowest share of equal codes, the largest
   * difference, the codes ONNX Runtime put beyond bitlab's range and the farthest from a tie of the others.
   */
  static String summary(List<Row> rows) {
    int n = 0, max = 0, beyond = 0;
    double low = 1, tie = 0;
    for (Row r : rows) {
      if (r.chained() < 0) continue;
      n++;
      low = Math.min(low, r.localShare());
      max = Math.max(max, r.localMax());
      beyond += r.beyond();
      if (!Double.isNaN(r.tie())) tie = Math.max(tie, r.tie());
    }
    return String.format(
        "%d steps fed ONNX Runtime's codes: at least %.3f%% of each step's codes equal, at most %d apart;"
            + " %d codes beyond bitlab's range; every other difference within %.5f of a rounding tie",
        n, 100 * low, max, beyond, tie);
  }

  /** ONNX Runtime's codes for the step's inputs, or null when one has no quantizer of its own in the graph. */
  private static List<INDArray> in(
      Step s,
      Map<String, double[]> ort,
      Map<String, String> quantized,
      Map<String, IntTensor> ours) {
    List<INDArray> in = new ArrayList<>();
    for (String i : s.inputs()) {
      String t = quantized.get(i);
      if (t == null || !ours.containsKey(i)) return null;
      in.add(inputCodes(ort.get(t), ours.get(i)));
    }
    return in;
  }

  /**
   * The exact real value each output code of a layer step rounds, in output steps with the zero point added (the
   * dyadic multiplier taken as the real number it is), so that how far a differing code sat from a rounding tie can
   * be read; null for the steps without a layer.
   */
  private static double[] exact(Step s, List<INDArray> in) {
    if (s instanceof bitlab.integer.ConvStep c) {
      int[] acc = c.layer().simulate(in.get(0), c.inputZeroPoint());
      int channels = c.multipliers().length,
          plane = acc.length / channels / (int) in.get(0).size(0);
      double[] v = new double[acc.length];
      for (int i = 0; i < v.length; i++)
        v[i] =
            acc[i] * c.multipliers()[(i / plane) % channels].value() + c.out().zeroPoint(0);
      return v;
    }
    if (s instanceof bitlab.integer.AccumulatorAddStep a) {
      int[] acc = a.layer().simulate(in.get(0), a.inputZeroPoint());
      double[] b = in.get(1).dup('c').data().asDouble();
      int channels = a.factors().length,
          plane = acc.length / channels / (int) in.get(0).size(0);
      double[] v = new double[acc.length];
      for (int i = 0; i < v.length; i++)
        v[i] = Math.scalb(
                (double) acc[i] * a.factors()[(i / plane) % channels]
                    + (b[i] - a.zeroB()) * a.factorB(),
                -a.shift())
            + a.out().zeroPoint(0);
      return v;
    }
    if (s instanceof bitlab.integer.AvgPoolStep p) return pooled(p, in.get(0));
    return null;
  }

  /** An average pool's exact values: each window's sum of {@code q − z} times its count's multiplier. */
  private static double[] pooled(bitlab.integer.AvgPoolStep p, INDArray x) {
    bitlab.model.Shape is = p.inShape();
    int batch = (int) x.size(0), c = is.channels(), h = is.height(), w = is.width();
    var win = p.window();
    int oh = p.global() ? 1 : p.shape().height(),
        ow = p.global() ? 1 : p.shape().width();
    double[] v = x.dup('c').data().asDouble(), out = new double[batch * c * oh * ow];
    for (int plane = 0; plane < batch * c; plane++)
      for (int y = 0; y < oh; y++)
        for (int xx = 0; xx < ow; xx++) {
          long sum = 0;
          int count = 0;
          for (int i = 0; i < win.kernelH(); i++) {
            int iy = y * win.strideH() - win.padTop() + i;
            if (iy < 0 || iy >= h) continue;
            for (int j = 0; j < win.kernelW(); j++) {
              int ix = xx * win.strideW() - win.padLeft() + j;
              if (ix < 0 || ix >= w) continue;
              sum += (long) v[plane * h * w + iy * w + ix] - p.inputZeroPoint();
              count++;
            }
          }
          out[(plane * oh + y) * ow + xx] =
              sum * p.byCount()[count].value() + p.out().zeroPoint(0);
        }
    return out;
  }

  /** The logits from ONNX Runtime's input codes against ONNX Runtime's logits (relative to the largest, in millionths). */
  private static Row logitsRow(
      LogitsStep l,
      Map<String, IntTensor> ours,
      Map<String, double[]> ort,
      Map<String, String> quantized,
      String logits,
      int batch) {
    double[] want = ort.get(logits);
    IntTensor in = ours.get(l.input());
    INDArray acc = l.simulate(List.of(inputCodes(ort.get(quantized.get(l.input())), in)));
    int classes = (int) acc.size(1);
    double[] a = acc.dup('c').data().asDouble();
    double top = 0, diff = 0;
    for (int i = 0; i < want.length; i++) {
      top = Math.max(top, Math.abs(want[i]));
      diff = Math.max(diff, Math.abs(a[i] * l.scales()[i % classes] - want[i]));
    }
    int sameTop = 0;
    for (int n = 0; n < batch; n++) {
      int p = 0, r = 0;
      for (int k = 1; k < classes; k++) {
        if (a[n * classes + k] * l.scales()[k] > a[n * classes + p] * l.scales()[p]) p = k;
        if (want[n * classes + k] > want[n * classes + r]) r = k;
      }
      if (p == r) sameTop++;
    }
    return new Row(
        l.node(),
        "logits (top-1 per image)",
        batch,
        sameTop,
        (int) Math.round(1e6 * diff / top),
        0,
        Double.NaN,
        -1,
        -1);
  }

  /** ONNX Runtime's container values as codes shaped like {@code like} (signed codes sit 128 up in uint8). */
  private static INDArray codes(double[] container, IntTensor like) {
    int offset = like.params().spec().signed() ? 128 : 0;
    double[] v = new double[container.length];
    for (int i = 0; i < v.length; i++) v[i] = container[i] - offset;
    return Nd4j.createFromArray(v).reshape(like.shape().withBatch(like.batch()));
  }

  /**
   * {@link #codes} clamped to bitlab's range: what a step reads when ONNX Runtime's container put a code at -128
   * (a step's table or kernel holds bitlab's codes only; bitlab would have written -127 there).
   */
  private static INDArray inputCodes(double[] container, IntTensor like) {
    int offset = like.params().spec().signed() ? 128 : 0;
    int lo = like.params().spec().qmin(), hi = like.params().spec().qmax();
    double[] v = new double[container.length];
    for (int i = 0; i < v.length; i++) v[i] = Math.max(lo, Math.min(hi, container[i] - offset));
    return Nd4j.createFromArray(v).reshape(like.shape().withBatch(like.batch()));
  }
}
