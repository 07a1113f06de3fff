package bitlab.quant;

import bitlab.model.Model;
import bitlab.model.Op;

/**
 * How post-training quantization chooses its parameters. Defaults follow DESIGN's integer contract:
 * weights symmetric per output channel from their extremes, activations symmetric per tensor
 * (unsigned after ReLU), rounding half to even, 2,048 histogram bins, no bias correction.
 *
 * @param weights              how weight clipping ranges are chosen (per channel when {@code perChannel})
 * @param activations          how activation clipping ranges are chosen from calibration data (the model's
 *                             input keeps its observed extremes: it is data, not an activation)
 * @param perChannel           one weight scale per output channel (else one per layer)
 * @param asymmetricActivations activations with a zero point (unsigned over [min, max]) instead of symmetric
 * @param rounding             rounding of every quantizer
 * @param biasCorrection       take off each layer's bias the mean shift its quantized output shows against FP32
 *                             (measured on the quantized model, layer by layer; see {@link BiasCorrection})
 * @param bins                 histogram bins for activation calibration
 * @param placement            where activations are quantized (default: the inputs of weighted layers)
 * @param equalization         cross-layer equalization and bias absorption before quantizing
 *                             ({@link CrossLayerEqualization}; data-free)
 * @param adaRound             learned rounding of the weights on the calibration images ({@link AdaRound}), or null
 *                             for rounding to nearest
 * @param streamBits           under {@link Placement#INPUTS}, the width of the tensors integer operators add up (the
 *                             residual stream, a concatenation's inputs, a pooling's input), {@value #MIN_STREAM_BITS}..
 *                             {@value #MAX_STREAM_BITS}, or {@value #AUTO_STREAM_BITS} (the default) for the width
 *                             {@link #streamBits(Model, Policy)} chooses per policy; the weighted layers reading them
 *                             read narrower views
 * @param allocation           per-channel bit allocation under each layer's bit budget (Banner et al. 2019,
 *                             {@link BitAllocation}): of the weights (integer-executable), of the activations
 *                             (simulated only), both, or none
 */
public record PtqConfig(
    Calibration weights,
    Calibration activations,
    boolean perChannel,
    boolean asymmetricActivations,
    Rounding rounding,
    boolean biasCorrection,
    int bins,
    Placement placement,
    boolean equalization,
    AdaRoundConfig adaRound,
    int streamBits,
    BitAllocation.Target allocation) {

  /** The stream's width chosen per policy ({@link #streamBits(Model, Policy)}): the default. */
  public static final int AUTO_STREAM_BITS = 0;

  public static final PtqConfig DEFAULT = new PtqConfig(
      Calibration.MINMAX,
      Calibration.MINMAX,
      true,
      false,
      Rounding.HALF_EVEN,
      false,
      Observer.DEFAULT_BINS,
      Placement.INPUTS,
      false,
      null,
      AUTO_STREAM_BITS,
      BitAllocation.Target.NONE);

  /** The narrowest residual stream: tensors integer operators read keep at least 8 bits. */
  public static final int MIN_STREAM_BITS = 8;

  /** The widest residual stream the integer executor carries (codes in 16-bit words). */
  public static final int MAX_STREAM_BITS = 16;

  public PtqConfig {
    if (weights == null || activations == null)
      throw new QuantException("Choose calibration methods for weights and activations.");
    if (placement == null)
      throw new QuantException(
          "Choose an activation placement: Placement.INPUTS or Placement.OUTPUTS.");
    if (rounding == null)
      throw new QuantException("Choose a rounding mode: HALF_EVEN, HALF_AWAY or HALF_UP.");
    if (weights instanceof Calibration.Kl) {
      throw new QuantException(
          "KL calibration chooses activation ranges (as TensorRT does); for weights use minmax, percentile, mse, aciq-laplace or aciq-gauss.");
    }
    if (streamBits != AUTO_STREAM_BITS
        && (streamBits < MIN_STREAM_BITS || streamBits > MAX_STREAM_BITS)) {
      throw new QuantException("A residual stream of " + streamBits + " bits is not supported; use "
          + MIN_STREAM_BITS + ".." + MAX_STREAM_BITS
          + " bits (8 stores it as the layers' codes are stored, 16 keeps it at HAWQ-V3's wider precision), "
          + "or leave it to the policy (the default).");
    }
    if (allocation == null)
      throw new QuantException("Choose a bit allocation: NONE, WEIGHTS, ACTIVATIONS or BOTH.");
    if (allocation.weights() && !perChannel) {
      throw new QuantException(
          "Per-channel weight bit allocation gives each output channel its own width and scale; "
              + "use per-channel weights (drop --no-per-channel), or allocate the activations only.");
    }
    if (allocation.weights() && !(weights instanceof Calibration.MinMax)) {
      throw new QuantException(
          "Per-channel weight bit allocation takes each channel's range from its extremes "
              + "(Banner et al. clip activations, not weights); use minmax weight calibration with it, not "
              + weights.name() + ".");
    }
    if (bins < 8 || bins > 1 << 16)
      throw new QuantException("Histogram bins must be in 8..65536, got " + bins + ".");
  }

  /** The same method for weights and activations (KL for activations only: weights keep min-max). */
  public static PtqConfig of(Calibration method) {
    return DEFAULT
        .withWeights(method instanceof Calibration.Kl ? Calibration.MINMAX : method)
        .withActivations(method);
  }

  public PtqConfig withWeights(Calibration c) {
    return with(x -> x.weights = c);
  }

  public PtqConfig withActivations(Calibration c) {
    return with(x -> x.activations = c);
  }

  public PtqConfig withPerChannel(boolean p) {
    return with(x -> x.perChannel = p);
  }

  public PtqConfig withAsymmetricActivations(boolean a) {
    return with(x -> x.asymmetricActivations = a);
  }

  public PtqConfig withRounding(Rounding r) {
    return with(x -> x.rounding = r);
  }

  public PtqConfig withBiasCorrection(boolean b) {
    return with(x -> x.biasCorrection = b);
  }

  public PtqConfig withBins(int b) {
    return with(x -> x.bins = b);
  }

  public PtqConfig withPlacement(Placement p) {
    return with(x -> x.placement = p);
  }

  public PtqConfig withEqualization(boolean e) {
    return with(x -> x.equalization = e);
  }

  /** Learned rounding of the weights with these settings (null: round to nearest). */
  public PtqConfig withAdaRound(AdaRoundConfig a) {
    return with(x -> x.adaRound = a);
  }

  /**
   * The residual stream (and every tensor integer operators add up) at {@code bits}, 8..16, or
   * {@link #AUTO_STREAM_BITS} for the width each policy gets by default (see {@link #streamBits(Model, Policy)}).
   */
  public PtqConfig withStreamBits(int bits) {
    return with(x -> x.streamBits = bits);
  }

  /**
   * The stream's width for a policy of a (BatchNorm-folded) model: the width set, or by default
   * {@value #MAX_STREAM_BITS} bits when any layer has fewer than 8 weight or activation bits, else
   * {@value #MIN_STREAM_BITS}. Below W8A8 a min-max network is where one stream code rounded differently spreads layer by
   * layer (engine README, "the stream's width"), and the reference it is measured against keeps the stream and the
   * global pool's input in float; at W8A8 the 8-bit stream already scores the reference's accuracy, and its program is
   * the one that runs on the byte kernels end to end. A model with a product of activations (a squeeze-and-excitation
   * gate) or an LRN keeps 8 bits: those steps read bytes. A model in which no integer operator adds codes up (no
   * residual Add, Concat or average pooling) has no stream, and its width is given as 8.
   */
  public int streamBits(Model folded, Policy policy) {
    if (streamBits != AUTO_STREAM_BITS) return streamBits;
    boolean lowBit = policy.layers().stream()
        .anyMatch(b -> (b.weightsQuantized() && b.weights() < 8)
            || (b.activationsQuantized() && b.activations() < 8));
    boolean stream = folded.nodes().stream()
        .anyMatch(n -> n.op() instanceof Op.Add
            || n.op() instanceof Op.Concat
            || n.op() instanceof Op.AvgPool
            || n.op() instanceof Op.GlobalAvgPool);
    boolean readsBytes =
        folded.nodes().stream().anyMatch(n -> n.op() instanceof Op.Mul || n.op() instanceof Op.Lrn);
    return lowBit && stream && !readsBytes ? MAX_STREAM_BITS : MIN_STREAM_BITS;
  }

  /** Per-channel bit allocation of the weights, the activations, both or none ({@link BitAllocation}). */
  public PtqConfig withAllocation(BitAllocation.Target a) {
    return with(x -> x.allocation = a);
  }

  /** A copy with one change: every wither goes through here, so a new component is added in two places, not twelve. */
  private PtqConfig with(java.util.function.Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    return new PtqConfig(
        d.weights,
        d.activations,
        d.perChannel,
        d.asymmetricActivations,
        d.rounding,
        d.biasCorrection,
        d.bins,
        d.placement,
        d.equalization,
        d.adaRound,
        d.streamBits,
        d.allocation);
  }

  /** The components while a copy is made (validated by the record's constructor when it is done). */
  private static final class Draft {
    Calibration weights;
    Calibration activations;
    boolean perChannel;
    boolean asymmetricActivations;
    Rounding rounding;
    boolean biasCorrection;
    int bins;
    Placement placement;
    boolean equalization;
    AdaRoundConfig adaRound;
    int streamBits;
    BitAllocation.Target allocation;

    Draft(PtqConfig c) {
      weights = c.weights;
      activations = c.activations;
      perChannel = c.perChannel;
      asymmetricActivations = c.asymmetricActivations;
      rounding = c.rounding;
      biasCorrection = c.biasCorrection;
      bins = c.bins;
      placement = c.placement;
      equalization = c.equalization;
      adaRound = c.adaRound;
      streamBits = c.streamBits;
      allocation = c.allocation;
    }
  }

  /** The weight quantizer of a layer at {@code bits}. */
  public QuantSpec weightSpec(int bits) {
    return QuantSpec.weights(bits)
        .withRounding(rounding)
        .withGranularity(perChannel ? Granularity.PER_CHANNEL : Granularity.PER_TENSOR);
  }

  /** The activation quantizer of a tensor at {@code bits}. */
  public QuantSpec activationSpec(int bits, boolean signed) {
    QuantSpec s = QuantSpec.activations(bits, signed).withRounding(rounding);
    return asymmetricActivations ? s.withSymmetric(false) : s;
  }

  /** E.g. {@code weights minmax per-channel, activations kl}. */
  public String describe() {
    return (equalization ? "cross-layer equalization, " : "") + "weights " + weights.name()
        + (perChannel ? " per-channel" : " per-tensor") + ", activations " + activations.name()
        + (asymmetricActivations ? " asymmetric" : "") + " at "
        + (placement == Placement.INPUTS ? "layer inputs" : "node outputs")
        + (placement == Placement.INPUTS && streamBits != AUTO_STREAM_BITS
            ? ", " + streamBits + "-bit residual stream"
            : "")
        + (allocation.weights() ? ", per-channel weight widths (Banner bit allocation)" : "")
        + (allocation.activations()
            ? ", per-channel activation widths (Banner bit allocation, simulated only)"
            : "")
        + (adaRound != null ? ", AdaRound (" + adaRound.iterations() + " steps per layer)" : "")
        + (biasCorrection ? ", bias correction" : "");
  }
}
