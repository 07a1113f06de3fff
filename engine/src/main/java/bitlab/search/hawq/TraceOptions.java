package bitlab.search.hawq;

/**
 * How Hutchinson's estimator runs.
 *
 * @param images        training images the loss is averaged over (the first ones of the split)
 * @param maxIterations probes per layer at most
 * @param minIterations probes per layer at least (a running mean of one or two probes says little)
 * @param tolerance     stop when every layer's running mean changed by less than this, relatively
 * @param seed          seeds the Rademacher probes
 * @param probes        where the Rademacher probe lives: the logits (one gradient per probe for every
 *                      layer), one layer's weights (cost grows with the layers) or all weights jointly
 * @param curvature     how {@code v^T H v} is computed for a probe v
 */
public record TraceOptions(
    int images,
    int maxIterations,
    int minIterations,
    double tolerance,
    long seed,
    Probes probes,
    Curvature curvature) {

  /** Where the Rademacher vector lives. */
  public enum Probes {
    /** In one layer's weights at a time: the block's trace, no cross terms; cost grows with the layers. */
    PER_LAYER,
    /** In all layers' weights at once: two gradients per probe, each layer's estimate also carries cross terms. */
    JOINT,
    /**
     * In the logits of the images (images x classes): one gradient per probe gives every layer's sample,
     * no cross terms between layers; exact for piecewise-linear networks (see {@link Curvature#JACOBIAN}).
     */
    OUTPUT
  }

  /** How one probe's {@code v^T H v} is obtained. */
  public enum Curvature {
    /**
     * {@code v^T H_ii v = mean over images of (J_i v)^T A (J_i v)}, with {@code J_i v} the logits'
     * derivative along v (forward mode, exact) and {@code A = diag(p) - p p^T} the softmax cross-entropy's
     * Hessian in the logits. Exact for networks that are piecewise linear in each layer's weights (Conv,
     * Linear, BatchNorm at inference, ReLU, ReLU6, pooling, Add, Concat): there the logits' second
     * derivative in one layer's weights is zero, so {@code H_ii = J_i^T A J_i}. One forward pass per
     * probe and layer; per-layer probes only.
     */
    JACOBIAN,
    /**
     * {@code H v} exactly, by forward-over-reverse differentiation (the tangent of the backward pass): one
     * pass per probe (and layer, with per-layer probes), no step size.
     */
    EXACT,
    /**
     * {@code H v ~ (g(W + h v) - g(W - h v)) / 2h}, central differences of gradients in double precision:
     * two gradients per probe (and layer). Kept as a check on {@link #EXACT}; the difference quotient also
     * picks up the ReLUs' kinks crossed within {@code +-h}, which the Hessian itself does not have.
     */
    GRADIENTS;

    /** {@code jacobian}, {@code exact} or {@code gradients} (case-insensitive): the one reader of the names. */
    public static Curvature parse(String text) {
      for (Curvature c : values())
        if (c.name().equalsIgnoreCase(text == null ? "" : text.trim())) return c;
      throw new HawqException(
          "Curvature '" + text + "' is not known; use \"jacobian\", \"exact\" or \"gradients\".");
    }
  }

  /**
   * 256 images, 8 to 100 probes, relative tolerance 1e-3, seed 0, output probes. Output probes cost one
   * gradient per probe for all layers and have no cross terms; joint probes cost two, and their cross
   * terms swamp layers of small curvature next to layers of large curvature (on LeNet-5 fc1's estimate
   * came out negative).
   */
  public static final TraceOptions DEFAULT =
      new TraceOptions(256, 100, 8, 1e-3, 0, Probes.OUTPUT, Curvature.JACOBIAN);

  public TraceOptions {
    if (images < 1)
      throw new HawqException("The Hessian needs at least one image, got " + images + ".");
    if (maxIterations < 1 || minIterations < 1 || minIterations > maxIterations) {
      throw new HawqException("Hutchinson's iterations need 1 <= min <= max, got min "
          + minIterations + ", max " + maxIterations + ".");
    }
    if (!(tolerance > 0 && tolerance < 1))
      throw new HawqException("The relative tolerance must be in (0, 1), got " + tolerance + ".");
    if (probes == null) throw new HawqException("Say OUTPUT, PER_LAYER or JOINT probes.");
    if (curvature == null) throw new HawqException("Say JACOBIAN, EXACT or GRADIENTS curvature.");
    if (probes == Probes.OUTPUT && curvature != Curvature.JACOBIAN) {
      throw new HawqException("Output probes use the logits' Jacobian (JACOBIAN curvature); "
          + curvature + " curvature needs weight-space probes.");
    }
    if (probes == Probes.JOINT && curvature == Curvature.JACOBIAN) {
      throw new HawqException(
          "Joint probes need EXACT (or GRADIENTS) curvature: the logits' change along a joint probe mixes every layer's Jacobian.");
    }
  }

  /** Options with the curvature each kind of probe uses by default: EXACT for joint probes, else JACOBIAN. */
  public TraceOptions(
      int images,
      int maxIterations,
      int minIterations,
      double tolerance,
      long seed,
      Probes probes) {
    this(
        images,
        maxIterations,
        minIterations,
        tolerance,
        seed,
        probes,
        probes == Probes.JOINT ? Curvature.EXACT : Curvature.JACOBIAN);
  }

  public TraceOptions withImages(int n) {
    return new TraceOptions(n, maxIterations, minIterations, tolerance, seed, probes, curvature);
  }

  public TraceOptions withIterations(int min, int max) {
    return new TraceOptions(images, max, min, tolerance, seed, probes, curvature);
  }

  public TraceOptions withTolerance(double t) {
    return new TraceOptions(images, maxIterations, minIterations, t, seed, probes, curvature);
  }

  public TraceOptions withSeed(long s) {
    return new TraceOptions(images, maxIterations, minIterations, tolerance, s, probes, curvature);
  }

  /** Other probes, with that kind's default curvature. */
  public TraceOptions withProbes(Probes p) {
    return new TraceOptions(images, maxIterations, minIterations, tolerance, seed, p);
  }

  public TraceOptions withCurvature(Curvature c) {
    return new TraceOptions(images, maxIterations, minIterations, tolerance, seed, probes, c);
  }
}
