package bitlab.dsl.quant;

import bitlab.data.Dataset;
import bitlab.model.Model;
import bitlab.quant.Calibration;
import bitlab.quant.Policy;
import bitlab.quant.PtqConfig;
import bitlab.quant.Qat;
import bitlab.quant.QatConfig;
import bitlab.quant.QuantException;
import bitlab.quant.Quantizer;
import bitlab.quant.Rounding;

/**
 * {@code quantize(net, policy)} and its options, ending in {@link #build()}:
 * <pre>
 * quantize(net, 4, 4).calibrate(data, aciq()).weights(mse()).build()      // static PTQ (or by name: "aciq", "mse")
 * quantize(net, 8, 8).dynamic().build()                                   // dynamic PTQ
 * quantize(net, 4, 4).calibrate(data).qat(3).build()                      // QAT from the FP32 weights
 * </pre>
 * Each call returns a new builder (the old one is unchanged), so a cell can branch off variants.
 */
public final class QuantizeBuilder {
  /** Calibration images taken from the training split unless told otherwise. */
  public static final int DEFAULT_CALIBRATION_IMAGES = 512;

  private final Model net;
  private final Policy policy;
  private final PtqConfig config;
  private final Dataset data;
  private final int images;
  private final boolean dynamic;
  private final QatConfig qat;

  private QuantizeBuilder(
      Model net,
      Policy policy,
      PtqConfig config,
      Dataset data,
      int images,
      boolean dynamic,
      QatConfig qat) {
    this.net = net;
    this.policy = policy;
    this.config = config;
    this.data = data;
    this.images = images;
    this.dynamic = dynamic;
    this.qat = qat;
  }

  public static QuantizeBuilder of(Model net, Policy policy) {
    if (net == null) throw new QuantException("quantize(...) needs a model, got null.");
    if (policy == null)
      throw new QuantException("quantize(...) needs a policy, e.g. Policy.uniform(net, 8, 8).");
    return new QuantizeBuilder(
        net,
        policy.validate(bitlab.quant.BatchNormFolding.fold(net)),
        PtqConfig.DEFAULT,
        null,
        DEFAULT_CALIBRATION_IMAGES,
        false,
        null);
  }

  /** Calibrate activation ranges by min-max on 512 training images of {@code data}. */
  public QuantizeBuilder calibrate(Dataset data) {
    return new QuantizeBuilder(net, policy, config, data, images, dynamic, qat);
  }

  /**
   * Calibrate with a method: {@code minmax()}, {@code percentile(99.9)}, {@code mse()}, {@code kl()}, {@code aciq()}
   * (Laplace), {@code aciq(GAUSSIAN)}; or by name, {@code "kl"} (see {@link Calibration#parse}).
   */
  public QuantizeBuilder calibrate(Dataset data, Calibration method) {
    return new QuantizeBuilder(
        net, policy, config.withActivations(checked(method)), data, images, dynamic, qat);
  }

  /** ... on the first {@code images} training images. */
  public QuantizeBuilder calibrate(Dataset data, Calibration method, int images) {
    if (images < 1) throw new QuantException("Calibrate on at least 1 image, got " + images + ".");
    return new QuantizeBuilder(
        net, policy, config.withActivations(checked(method)), data, images, dynamic, qat);
  }

  /** Calibrate with a method named: minmax, percentile[:P], mse, kl, aciq (Laplace), aciq-gauss. */
  public QuantizeBuilder calibrate(Dataset data, String method) {
    return calibrate(data, Calibration.parse(method));
  }

  /** ... on the first {@code images} training images. */
  public QuantizeBuilder calibrate(Dataset data, String method, int images) {
    return calibrate(data, Calibration.parse(method), images);
  }

  /** How weight clipping ranges are chosen (default {@code minmax()}: each channel's largest magnitude). */
  public QuantizeBuilder weights(Calibration method) {
    return with(config.withWeights(checked(method)));
  }

  /** The same by name: {@code weights("mse")}. */
  public QuantizeBuilder weights(String method) {
    return weights(Calibration.parse(method));
  }

  private static Calibration checked(Calibration method) {
    if (method == null)
      throw new QuantException(
          "Give a calibration method: minmax(), percentile(99.9), mse(), kl() or aciq().");
    return method;
  }

  public QuantizeBuilder perTensor() {
    return with(config.withPerChannel(false));
  }

  public QuantizeBuilder perChannel() {
    return with(config.withPerChannel(true));
  }

  /** Activations with a zero point over [min, max] instead of symmetric. */
  public QuantizeBuilder asymmetric() {
    return with(config.withAsymmetricActivations(true));
  }

  /**
   * Where activations are quantized: {@code inputs} (default: the inputs of weighted layers, residual Adds fed
   * by a layer's int32 accumulator, as PyTorch/ONNX Runtime/NNCF and HAWQ-V3 do) or {@code outputs} (every node output).
   */
  public QuantizeBuilder placement(bitlab.quant.Placement where) {
    if (where == null)
      throw new QuantException(
          "Give an activation placement: Placement.INPUTS (the default) or Placement.OUTPUTS.");
    return with(config.withPlacement(where));
  }

  /** The same by name: {@code "inputs"} or {@code "outputs"} (read by {@code Placement.parse}). */
  public QuantizeBuilder placement(String where) {
    return placement(bitlab.quant.Placement.parse(where));
  }

  /**
   * The width of the residual stream under the {@code inputs} placement, 8..16 bits: the tensors that residual Adds,
   * concatenations and average pools read (and add up) are stored at this width, and the weighted layers reading them
   * read a view at their own width. 16 keeps the stream at HAWQ-V3's wider precision, so it is not rounded to 8 bits
   * before every Add. Without it the width follows the policy: 16 when any layer has fewer than 8 weight or activation
   * bits, else 8 ({@code PtqConfig.streamBits(Model, Policy)}).
   */
  public QuantizeBuilder streamBits(int bits) {
    return with(config.withStreamBits(bits));
  }

  /** {@code Rounding.HALF_EVEN} (default), {@code HALF_AWAY} or {@code HALF_UP}. */
  public QuantizeBuilder rounding(Rounding mode) {
    if (mode == null)
      throw new QuantException("Give a rounding mode: HALF_EVEN, HALF_AWAY or HALF_UP.");
    return with(mode);
  }

  /** The same by name: half_even (default), half_away or half_up. */
  public QuantizeBuilder rounding(String mode) {
    return with(Rounding.parse(mode));
  }

  public QuantizeBuilder biasCorrection() {
    return with(config.withBiasCorrection(true));
  }

  /**
   * Per-channel bit allocation under each layer's bit budget (Banner et al. 2019, {@code BitAllocation}): each channel
   * gets a width whose levels go as its range to the power 2/3, the widths averaging the layer's. {@code WEIGHTS}
   * runs integer-only (each output channel has its own scale; the kernels run the layer at its widest channel's
   * width); {@code ACTIVATIONS} (and {@code BOTH}) is simulated only, and the evaluation and method say so.
   */
  public QuantizeBuilder allocate(bitlab.quant.BitAllocation.Target what) {
    if (what == null)
      throw new QuantException("Give a bit allocation: NONE, WEIGHTS, ACTIVATIONS or BOTH.");
    return with(config.withAllocation(what));
  }

  /** The same by name: {@code none}, {@code weights}, {@code activations} or {@code both}. */
  public QuantizeBuilder allocate(String what) {
    return allocate(bitlab.quant.BitAllocation.Target.parse(what));
  }

  /**
   * Cross-layer equalization and bias absorption before quantizing (Nagel et al. 2019): weight ranges of
   * consecutive layers balanced channel by channel, data-free; ReLU6 between equalized layers becomes ReLU.
   */
  public QuantizeBuilder equalize() {
    return with(config.withEqualization(true));
  }

  /**
   * AdaRound (Nagel et al. 2020): each weight rounded up or down as a per-layer optimization on the calibration
   * images decides, instead of to the nearest code ({@link bitlab.quant.AdaRound}; 1,000 Adam steps per layer on 256 images).
   */
  public QuantizeBuilder adaRound() {
    return adaRound(bitlab.quant.AdaRoundConfig.DEFAULT);
  }

  /** AdaRound with {@code iterations} steps per layer. */
  public QuantizeBuilder adaRound(int iterations) {
    return adaRound(bitlab.quant.AdaRoundConfig.DEFAULT.withIterations(iterations));
  }

  public QuantizeBuilder adaRound(bitlab.quant.AdaRoundConfig settings) {
    if (settings == null)
      throw new QuantException("adaRound(...) needs settings, e.g. AdaRoundConfig.DEFAULT.");
    return with(config.withAdaRound(settings));
  }

  /** Dynamic quantization: activation ranges per batch at run time (no calibration). */
  public QuantizeBuilder dynamic() {
    return new QuantizeBuilder(net, policy, config, data, images, true, qat);
  }

  /** Quantization-aware fine-tuning for {@code epochs} on the calibration data set's training split. */
  public QuantizeBuilder qat(int epochs) {
    return qat(QatConfig.of(epochs));
  }

  public QuantizeBuilder qat(QatConfig cfg) {
    return new QuantizeBuilder(net, policy, config, data, images, dynamic, cfg);
  }

  /** QAT with learned step sizes (LSQ). */
  public QuantizeBuilder learnedStep() {
    if (qat == null) throw new QuantException("learnedStep() refines QAT; call qat(epochs) first.");
    return qat(qat.withLearnedStep(true));
  }

  private QuantizeBuilder with(PtqConfig c) {
    return new QuantizeBuilder(net, policy, c, data, images, dynamic, qat);
  }

  private QuantizeBuilder with(Rounding r) {
    return with(config.withRounding(r));
  }

  public PtqConfig config() {
    return config;
  }

  public Policy policy() {
    return policy;
  }

  /** Runs the quantization. */
  public Quantized build() {
    if (dynamic) {
      if (qat != null) throw new QuantException("Choose dynamic() or qat(...), not both.");
      if (config.adaRound() != null) {
        throw new QuantException(
            "AdaRound learns the rounding on calibration images and dynamic() has none; use calibrate(data) instead of dynamic().");
      }
      return Quantized.of(Quantizer.dynamic(net, policy, config));
    }
    if (data == null) {
      if (config.adaRound() != null)
        throw new QuantException(
            "AdaRound learns the rounding on calibration images: add .calibrate(data) before .build().");
      throw new QuantException(
          "Static quantization needs calibration data: add .calibrate(data) (or use .dynamic()).");
    }
    if (qat != null) return train().model();
    return Quantized.of(Quantizer.ptq(net, policy, net.prepare(data).calibration(images), config));
  }

  /** The QAT run with its per-epoch history (needs {@code qat(...)}). */
  public QatRun train() {
    if (qat == null) throw new QuantException("train() runs QAT; call qat(epochs) first.");
    if (data == null) throw new QuantException("QAT needs data: add .calibrate(data).");
    QatConfig cfg = new QatConfig(
        qat.epochs(), qat.learningRate(), qat.batchSize(), qat.learnedStep(), images, qat.seed());
    return QatRun.of(Qat.train(net, policy, data, config, cfg));
  }

  @Override
  public String toString() {
    return "quantize(" + net.name() + ", " + policy.summary() + ")" + (dynamic ? " dynamic" : "")
        + " " + config.describe() + (qat == null ? "" : ", QAT " + qat.epochs() + " epochs")
        + (data == null ? "" : ", data " + data.name());
  }
}
