package bitlab.quant;

import bitlab.data.Samples;
import bitlab.model.Model;
import bitlab.model.Node;
import bitlab.model.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bias correction (Banner et al. 2019; Nagel et al. 2019, "Data-free quantization"): quantizing the
 * weights shifts each output's expectation by {@code E[(W_q - W) x] = (W_q - W) E[x]}. The per-channel
 * input means {@code E[x]} are measured on the calibration data, and the shift is subtracted from the
 * bias (a bias is added where a layer had none). Zero padding at borders is neglected.
 */
public final class BiasCorrection {
  private BiasCorrection() {}

  static Map<String, LayerQuant> correct(Model folded, Map<String, LayerQuant> layers, Samples calibration) {
    List<String> inputs = new ArrayList<>();
    for (LayerQuant l : layers.values()) if (l.quantized()) inputs.add(folded.node(l.layer()).inputs().get(0));
    Map<String, double[]> means = channelMeans(folded, calibration, inputs);
    Map<String, LayerQuant> out = new LinkedHashMap<>();
    for (LayerQuant l : layers.values()) {
      if (!l.quantized() || l.bias() == null) {
        out.put(l.layer(), l); // a layer without bias keeps its graph (no bias parameter to correct)
        continue;
      }
      Node n = folded.node(l.layer());
      double[] mu = means.get(n.inputs().get(0));
      double[] shift = shift(n, l.dequantized().sub(l.folded()), mu);
      int o = shift.length;
      float[] b = l.bias() == null ? new float[o] : l.bias().castTo(DataType.FLOAT).dup().data().asFloat();
      for (int c = 0; c < o; c++) b[c] -= (float) shift[c];
      out.put(l.layer(), new LayerQuant(l.layer(), l.bits(), l.weights(), l.codes(), l.folded(), l.dequantized(),
          Nd4j.createFromArray(b), l.input(), l.output()));
    }
    return out;
  }

  /** {@code sum over inputs j of eps[o, j] * mean[channel(j)]} for a Conv (by groups) or Linear weight error. */
  static double[] shift(Node n, INDArray eps, double[] mu) {
    int o = (int) eps.size(0);
    double[] e = eps.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    int per = e.length / o;
    double[] s = new double[o];
    if (n.op() instanceof Op.Conv2d c) {
      int inPerGroup = c.in() / c.groups();
      int outPerGroup = c.out() / c.groups();
      int k = c.kernelH() * c.kernelW();
      for (int oc = 0; oc < o; oc++) {
        int g = oc / outPerGroup;
        for (int j = 0; j < per; j++) s[oc] += e[oc * per + j] * mu[g * inPerGroup + j / k];
      }
    } else {
      for (int oc = 0; oc < o; oc++) for (int j = 0; j < per; j++) s[oc] += e[oc * per + j] * mu[j];
    }
    return s;
  }

  /** Per-channel means of node outputs (feature maps averaged over N, H, W; vectors over N). */
  static Map<String, double[]> channelMeans(Model m, Samples data, List<String> nodes) {
    Map<String, double[]> sums = new LinkedHashMap<>();
    String input = m.nodes().get(0).name();
    List<String> fetch = nodes.stream().filter(n -> !n.equals(input)).distinct().toList();
    long images = 0;
    for (bitlab.data.Batch b : data.batches(100)) {
      Map<String, INDArray> outs = fetch.isEmpty() ? Map.of() : bitlab.model.Inference.outputs(m, b.x(), fetch);
      for (String n : nodes) {
        INDArray a = n.equals(input) ? b.x() : outs.get(n);
        INDArray mean = a.rank() == 4 ? a.sum(0, 2, 3).div(a.size(2) * a.size(3)) : a.sum(0);
        double[] v = mean.castTo(DataType.DOUBLE).toDoubleVector();
        double[] acc = sums.computeIfAbsent(n, k -> new double[v.length]);
        for (int i = 0; i < v.length; i++) acc[i] += v[i];
      }
      images += b.size();
      bitlab.task.Work.progress(String.format("bias correction for %s: %,d / %,d images", m.name(), images, data.size()));
    }
    for (double[] acc : sums.values()) for (int i = 0; i < acc.length; i++) acc[i] /= images;
    return sums;
  }
}
