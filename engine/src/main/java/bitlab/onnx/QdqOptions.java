package bitlab.onnx;

/**
 * How a QDQ export stores its integer codes: choices that change the file and which ONNX Runtime
 * kernels run it, never the grid of values bitlab simulated. A signed code {@code q} in a uint8
 * container is stored as {@code q + 128} with zero point 128: the same real value {@code (q+128-128)·S}.
 *
 * <p>Why the default stores every code in uint8: on an x86 CPU without VNNI (AVX2 only), ONNX
 * Runtime's integer convolutions and GEMMs multiply uint8 activations by int8 weights with an
 * instruction ({@code vpmaddubsw}) that adds pairs of products into 16 bits and saturates: 8-bit weights
 * times full-range 8-bit activations overflow, and the fused model's predictions drift (lenet5 W8A8 on
 * such a machine: 395 of 400 test images agree with bitlab's simulation with int8 weights, 400 with
 * uint8 ones). uint8 weights take a path without that overflow. ONNX Runtime's integer convolutions
 * also want input and output activations of one type, so signed activations in int8 leave some layers
 * in float (on mobilenet-v2-mini 4 of 19 convolutions); in uint8 they all fuse.
 *
 * <p>Why the default clips signed 8-bit codes ({@link #EXACT}): bitlab's signed 8-bit activations use the narrow
 * range -127..127, and the container reaches -128, which a value more than 127.5 steps below zero (beyond the
 * calibrated range) would take; without the Clip such a code differs from bitlab's integer program. The Clip sits on the
 * integer codes between QuantizeLinear and DequantizeLinear, where ONNX Runtime still fuses the layer that writes the
 * tensor into its integer operator ({@link Clip#CODES}).
 *
 * @param weights           the container of weight codes: {@code UINT8} (code + 128) or {@code INT8}
 * @param signedActivations the container of signed activation codes: {@code UINT8} (code + 128) or {@code INT8}
 * @param clipSigned8       also clip 8-bit signed activations to bitlab's narrow range -127..127
 * @param clip              where the Clip of a quantizer with fewer codes than its container sits
 */
public record QdqOptions(
    Container weights, Container signedActivations, boolean clipSigned8, Clip clip) {
  /** An 8-bit container. */
  public enum Container {
    INT8,
    UINT8
  }

  /**
   * Where the Clip sits that keeps a quantizer with fewer codes than its container (below 8 bits, or 8-bit signed
   * with {@code clipSigned8}) inside its range.
   */
  public enum Clip {
    /** On the integer codes, between QuantizeLinear and DequantizeLinear: exact, and every layer still fuses. */
    CODES,
    /** On the float input of QuantizeLinear: ONNX Runtime then runs the layer writing the tensor in float. */
    FLOATS
  }

  public QdqOptions(Container weights, Container signedActivations, boolean clipSigned8) {
    this(weights, signedActivations, clipSigned8, Clip.CODES);
  }

  /**
   * Every code in uint8 (signed ones offset by 128), 8-bit signed codes unclipped, so they can reach the container's
   * -128: every layer fuses, but a value beyond the calibrated range can differ from bitlab by one code.
   */
  public static final QdqOptions U8U8 = new QdqOptions(Container.UINT8, Container.UINT8, false);
  /** uint8 activations, int8 weights: ONNX Runtime's fastest format on CPUs with VNNI; saturates on AVX2-only CPUs. */
  public static final QdqOptions U8S8 = new QdqOptions(Container.INT8, Container.UINT8, false);
  /** Each tensor in its own signedness: int8 weights, uint8 unsigned and int8 signed activations. */
  public static final QdqOptions NATIVE = new QdqOptions(Container.INT8, Container.INT8, false);

  /**
   * {@link #U8U8} with 8-bit signed activations clipped to bitlab's narrow range -127..127 on their codes: the graph
   * computes exactly what bitlab's quantized model and integer program compute, and every layer still fuses.
   */
  public static final QdqOptions EXACT = new QdqOptions(Container.UINT8, Container.UINT8, true);

  /** What {@code QdqExport.write}, {@code exportOnnx} and {@code ./bitlab quantize --onnx} write: {@link #EXACT}. */
  public static final QdqOptions DEFAULT = EXACT;

  public QdqOptions {
    if (weights == null || signedActivations == null || clip == null)
      throw new OnnxException("Choose the 8-bit containers of the QDQ export: INT8 or UINT8.");
  }

  public QdqOptions withWeights(Container c) {
    return new QdqOptions(c, signedActivations, clipSigned8, clip);
  }

  public QdqOptions withClip(Clip where) {
    return new QdqOptions(weights, signedActivations, clipSigned8, where);
  }

  /** E.g. {@code weights uint8 (code + 128), signed activations uint8 (code + 128)}. */
  public String describe() {
    return "weights " + name(weights) + ", unsigned activations uint8, signed activations "
        + name(signedActivations)
        + (clipSigned8
            ? ", 8-bit signed activations clipped to -127..127"
            : ", 8-bit signed activations unclipped")
        + (clip == Clip.CODES ? ", range clips on the codes" : ", range clips on the floats");
  }

  private static String name(Container c) {
    return c == Container.INT8 ? "int8" : "uint8 (code + 128)";
  }
}
