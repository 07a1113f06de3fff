package bitlab.onnx;

import bitlab.quant.ActivationQuant;
import bitlab.quant.BiasGrid;
import bitlab.quant.LayerQuant;
import bitlab.quant.QuantParams;
import bitlab.quant.QuantSpec;
import bitlab.quant.Rounding;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.TensorProto.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The quantization half of a QDQ graph: integer initializers with their {@code DequantizeLinear}
 * (weights per output channel on axis 0, biases in int32 at {@code S_w·S_in}) and the
 * {@code QuantizeLinear -> DequantizeLinear} pair of an activation tensor. Codes of sub-8-bit
 * quantizers live in 8-bit containers; a {@code Clip} to the quantizer's own range keeps them inside it,
 * on the codes between the pair or on the floats in front of the {@code QuantizeLinear} ({@link QdqOptions.Clip}).
 */
final class QdqNodes {
  private final GraphProto.Builder g;
  private final Set<String> taken;
  private final OnnxExport.Scalars scalars;
  private final QdqOptions options;
  /** The scale and zero-point initializers of each activation quantizer, written once. */
  private final Map<ActivationQuant, String[]> written = new IdentityHashMap<>();
  /** The code scalars of the Clips on codes, by container type and value. */
  private final Map<String, String> codeScalars = new java.util.HashMap<>();

  QdqNodes(
      GraphProto.Builder g, Set<String> taken, OnnxExport.Scalars scalars, QdqOptions options) {
    this.g = g;
    this.taken = taken;
    this.scalars = scalars;
    this.options = options;
  }

  /** The weight codes in their 8-bit container and a per-channel {@code DequantizeLinear} whose output is the float weight {@code <layer>.weight}. */
  void weight(LayerQuant l, String weightName) {
    INDArray codes = l.codes();
    int[] v =
        codes.castTo(org.nd4j.linalg.api.buffer.DataType.INT32).dup('c').data().asInt();
    QuantParams p = l.weights();
    String q = OnnxExport.fresh(weightName + "_quantized", taken);
    String s = OnnxExport.fresh(weightName + "_scale", taken);
    String z = OnnxExport.fresh(weightName + "_zero_point", taken);
    int channels = p.channels();
    QdqOptions.Container c = options.weights();
    for (int i = 0; i < v.length; i++) v[i] = stored(c, v[i]);
    int[] zp = p.zeroPoint();
    for (int i = 0; i < zp.length; i++) zp[i] = stored(c, zp[i]);
    g.addInitializer(Tensors.codes(q, type(c), codes.shape(), v));
    long[] dims = channels == 1 ? new long[0] : new long[] {channels};
    g.addInitializer(Tensors.floats(s, dims, p.scale()));
    g.addInitializer(Tensors.codes(z, type(c), dims, zp));
    dequantize(List.of(q, s, z), weightName, channels == 1 ? null : 0);
  }

  /**
   * The bias as int32 codes at scale {@code S_w[c]·S_in} (what ONNX Runtime's integer convolutions add to their
   * accumulators): the quantized model's bias is already on that grid ({@link BiasGrid}), so these codes are exactly
   * what the simulation and the integer program add. False when a code would not fit in 32 bits; the bias then stays
   * float.
   */
  boolean bias(LayerQuant l, String biasName, QuantParams input, Rounding rounding) {
    double[] k = BiasGrid.codes(l, input, rounding);
    float[] scale = new float[k.length];
    int[] codes = new int[k.length];
    for (int c = 0; c < k.length; c++) {
      if (!(Math.abs(k[c]) <= Integer.MAX_VALUE)) return false;
      scale[c] = l.weights().scale(c) * input.scale(0);
      codes[c] = (int) k[c];
    }
    int n = k.length;
    String q = OnnxExport.fresh(biasName + "_quantized", taken);
    String s = OnnxExport.fresh(biasName + "_scale", taken);
    String z = OnnxExport.fresh(biasName + "_zero_point", taken);
    g.addInitializer(Tensors.codes(q, DataType.INT32, new long[] {n}, codes));
    g.addInitializer(Tensors.floats(s, new long[] {n}, scale));
    g.addInitializer(Tensors.codes(z, DataType.INT32, new long[] {n}, new int[n]));
    dequantize(List.of(q, s, z), biasName, 0);
    return true;
  }

  /**
   * {@code x -> [Clip ->] QuantizeLinear -> DequantizeLinear} with the activation's parameters; returns
   * the name of the dequantized tensor. {@code clip} asks for the Clip when the quantizer's codes are
   * fewer than its container's (a tensor already on the grid, after a max pool, needs none).
   */
  String activation(String x, ActivationQuant a, boolean clip) {
    QuantParams p = a.params();
    QuantSpec spec = p.spec();
    if (spec.bits() > 8) return wide(x, p);
    String[] sz = written.computeIfAbsent(a, k -> {
      String s = OnnxExport.fresh(a.node() + "_scale", taken);
      String z = OnnxExport.fresh(a.node() + "_zero_point", taken);
      g.addInitializer(Tensors.floats(s, new long[0], new float[] {p.scale(0)}));
      g.addInitializer(Tensors.codes(
          z, containerType(spec), new long[0], new int[] {containerCode(spec, p.zeroPoint(0))}));
      return new String[] {s, z};
    });
    boolean narrow = clip && narrowerThanContainer(spec);
    String in = x;
    if (narrow && options.clip() == QdqOptions.Clip.FLOATS) {
      String clipped = OnnxExport.fresh(x + "_clipped", taken);
      g.addNode(OnnxExport.node(
          "Clip",
          clipped,
          List.of(
              x,
              scalars.get(p.dequantize(spec.qmin(), 0)),
              scalars.get(p.dequantize(spec.qmax(), 0))),
          clipped));
      in = clipped;
    }
    String q = OnnxExport.fresh(x + "_quantized", taken);
    g.addNode(OnnxExport.node("QuantizeLinear", q, List.of(in, sz[0], sz[1]), q));
    String codes = q;
    if (narrow && options.clip() == QdqOptions.Clip.CODES) {
      // on the integer codes, between QuantizeLinear and DequantizeLinear: exact, and ONNX Runtime
      // still fuses the layer that writes the tensor into its integer operator
      codes = OnnxExport.fresh(x + "_codes_clipped", taken);
      DataType type = containerType(spec);
      g.addNode(OnnxExport.node(
          "Clip",
          codes,
          List.of(
              q,
              code(type, containerCode(spec, spec.qmin())),
              code(type, containerCode(spec, spec.qmax()))),
          codes));
    }
    String dq = OnnxExport.fresh(x + "_dequantized", taken);
    dequantize(List.of(codes, sz[0], sz[1]), dq, null);
    return dq;
  }

  /**
   * A quantizer wider than the 8-bit containers of opset {@value OnnxExport#OPSET} (the residual stream at 16 bits) as
   * the float operations QuantizeLinear and DequantizeLinear stand for: {@code Round(Clip(x / S, qmin − z, qmax − z))·S}
   * (Round is half to even, as QuantizeLinear; codes of 16 bits are exact in float32). Returns the dequantized tensor.
   */
  private String wide(String x, QuantParams p) {
    QuantSpec spec = p.spec();
    float scale = p.scale(0);
    int z = p.zeroPoint(0);
    String divided = OnnxExport.fresh(x + "_over_scale", taken);
    g.addNode(OnnxExport.node("Div", divided, List.of(x, scalars.get(scale)), divided));
    String clipped = OnnxExport.fresh(x + "_clipped", taken);
    g.addNode(OnnxExport.node(
        "Clip",
        clipped,
        List.of(divided, scalars.get((float) (spec.qmin() - z)), scalars.get((float)
            (spec.qmax() - z))),
        clipped));
    String rounded = OnnxExport.fresh(x + "_rounded", taken);
    g.addNode(OnnxExport.node("Round", rounded, List.of(clipped), rounded));
    String dq = OnnxExport.fresh(x + "_dequantized", taken);
    g.addNode(OnnxExport.node("Mul", dq, List.of(rounded, scalars.get(scale)), dq));
    return dq;
  }

  /** A scalar initializer holding one code in an 8-bit container, written once per type and value. */
  private String code(DataType type, int value) {
    return codeScalars.computeIfAbsent(type + " " + value, k -> {
      String name =
          OnnxExport.fresh("const." + (type == DataType.UINT8 ? "u8." : "i8.") + value, taken);
      g.addInitializer(Tensors.codes(name, type, new long[0], new int[] {value}));
      return name;
    });
  }

  /** The container of an activation quantizer: uint8 when unsigned, as the options say when signed. */
  DataType containerType(QuantSpec spec) {
    return spec.signed() ? type(options.signedActivations()) : DataType.UINT8;
  }

  /** A code of the quantizer in its container (signed codes move up by 128 in a uint8 container). */
  int containerCode(QuantSpec spec, int code) {
    return spec.signed() ? stored(options.signedActivations(), code) : code;
  }

  /** A signed code as stored in a container: itself in int8, plus 128 in uint8. */
  static int stored(QdqOptions.Container c, int signedCode) {
    return c == QdqOptions.Container.UINT8 ? signedCode + 128 : signedCode;
  }

  static DataType type(QdqOptions.Container c) {
    return c == QdqOptions.Container.UINT8 ? DataType.UINT8 : DataType.INT8;
  }

  /** True when the quantizer has fewer codes than its 8-bit container (below 8 bits, or narrow-range 8-bit signed with {@link QdqOptions#clipSigned8()}). */
  boolean narrowerThanContainer(QuantSpec spec) {
    if (spec.bits() < 8) return true;
    return spec.signed() && options.clipSigned8();
  }

  private void dequantize(List<String> inputs, String output, Integer axis) {
    String name = OnnxExport.fresh(output + "_DequantizeLinear", taken);
    AttributeProto[] attrs = axis == null
        ? new AttributeProto[0]
        : new AttributeProto[] {OnnxExport.integer("axis", axis)};
    g.addNode(OnnxExport.node("DequantizeLinear", name, inputs, output, attrs));
  }
}
