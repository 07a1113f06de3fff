package bitlab.onnx;

/**
 * How a QDQ export stores its integer codes: choices that change the file and which ONNX Runtime
 * kernels run it, never the grid of values bitlab simulated. A signed code {@code q} in a uint8
 * container is stored as {@code q + 128} with zero point 128: the same real value {@code (q+128-128)·S}.
 *
 * <p>Why the default is uint8 everywhere ({@link #U8U8}): on an x86 CPU without VNNI (AVX2 only), ONNX
 * Runtime's integer convolutions and GEMMs multiply uint8 activations by int8 weights with an
 * instruction ({@code vpmaddubsw}) that adds pairs of products into 16 bits and saturates: 8-bit weights
 * times full-range 8-bit activations overflow, and the fused model's predictions drift (lenet5 W8A8 on
 * such a machine: 395 of 400 test images agree with bitlab's simulation with int8 weights, 400 with
 * uint8 ones). uint8 weights take a path without that overflow. ONNX Runtime's integer convolutions
 * also want input and output activations of one type, so signed activations in int8 leave some layers
 * in float (on mobilenet-v2-mini 4 of 19 convolutions); in uint8 they all fuse.
 *
 * @param weights           the container of weight codes: {@code UINT8} (code + 128) or {@code INT8}
 * @param signedActivations the container of signed activation codes: {@code UINT8} (code + 128) or {@code INT8}
 * @param clipSigned8       also clip 8-bit signed activations to bitlab's narrow range -127..127 (the
 *                          container reaches -128, which only values beyond the calibrated range need);
 *                          the Clip keeps ONNX Runtime from fusing the layer that writes the tensor
 */
public record QdqOptions(Container weights, Container signedActivations, boolean clipSigned8) {
  /** An 8-bit container. */
  public enum Container {
    INT8,
    UINT8
  }

  /** Every code in uint8 (signed ones offset by 128): right on every CPU, every layer fuses. */
  public static final QdqOptions U8U8 = new QdqOptions(Container.UINT8, Container.UINT8, false);
  /** uint8 activations, int8 weights: ONNX Runtime's fastest format on CPUs with VNNI; saturates on AVX2-only CPUs. */
  public static final QdqOptions U8S8 = new QdqOptions(Container.INT8, Container.UINT8, false);
  /** Each tensor in its own signedness: int8 weights, uint8 unsigned and int8 signed activations. */
  public static final QdqOptions NATIVE = new QdqOptions(Container.INT8, Container.INT8, false);

  /**
   * {@link #U8U8} with 8-bit signed activations clipped to bitlab's narrow range -127..127: the graph then computes
   * exactly what bitlab's quantized model and integer program compute (the uint8 container alone would let a value
   * beyond the calibrated range reach -128), at the price of ONNX Runtime's fusion of the layers that write such a
   * tensor. The reference for checking bitlab's arithmetic against ONNX Runtime.
   */
  public static final QdqOptions EXACT = new QdqOptions(Container.UINT8, Container.UINT8, true);

  public static final QdqOptions DEFAULT = U8U8;

  public QdqOptions {
    if (weights == null || signedActivations == null)
      throw new OnnxException("Choose the 8-bit containers of the QDQ export: INT8 or UINT8.");
  }

  public QdqOptions withWeights(Container c) {
    return new QdqOptions(c, signedActivations, clipSigned8);
  }

  /** E.g. {@code weights uint8 (code + 128), signed activations uint8 (code + 128)}. */
  public String describe() {
    return "weights " + name(weights) + ", unsigned activations uint8, signed activations "
        + name(signedActivations)
        + (clipSigned8 ? ", 8-bit signed activations clipped to -127..127" : "");
  }

  private static String name(Container c) {
    return c == Container.INT8 ? "int8" : "uint8 (code + 128)";
  }
}
