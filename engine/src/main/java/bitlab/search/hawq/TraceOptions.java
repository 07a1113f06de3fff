package bitlab.search.hawq;

/**
 * How Hutchinson's estimator runs.
 *
 * @param images        training images the loss is averaged over (the first ones of the split)
 * @param maxIterations probes per layer at most
 * @param minIterations probes per layer at least (a running mean of one or two probes says little)
 * @param tolerance     stop when every layer's running mean changed by less than this, relatively
 * @param seed          seeds the Rademacher probes
 * @param probes        one probe per layer (exact block traces, cost grows with layers) or one joint
 *                      probe over all layers (unbiased, noisier, two gradients per iteration)
 */
public record TraceOptions(int images, int maxIterations, int minIterations, double tolerance, long seed, Probes probes) {

  /** Where the Rademacher vector lives. */
  public enum Probes { PER_LAYER, JOINT }

  /**
   * 256 images, 8 to 100 probes per layer, relative tolerance 1e-3, seed 0. Per-layer probes by default:
   * joint probes are cheaper but their cross terms swamp layers of small curvature next to layers of
   * large curvature (on LeNet-5 fc1's estimate came out negative).
   */
  public static final TraceOptions DEFAULT = new TraceOptions(256, 100, 8, 1e-3, 0, Probes.PER_LAYER);

  public TraceOptions {
    if (images < 1) throw new HawqException("The Hessian needs at least one image, got " + images + ".");
    if (maxIterations < 1 || minIterations < 1 || minIterations > maxIterations) {
      throw new HawqException("Hutchinson's iterations need 1 <= min <= max, got min " + minIterations + ", max " + maxIterations + ".");
    }
    if (!(tolerance > 0 && tolerance < 1)) throw new HawqException("The relative tolerance must be in (0, 1), got " + tolerance + ".");
    if (probes == null) throw new HawqException("Say PER_LAYER or JOINT probes.");
  }

  public TraceOptions withImages(int n) { return new TraceOptions(n, maxIterations, minIterations, tolerance, seed, probes); }

  public TraceOptions withIterations(int min, int max) { return new TraceOptions(images, max, min, tolerance, seed, probes); }

  public TraceOptions withTolerance(double t) { return new TraceOptions(images, maxIterations, minIterations, t, seed, probes); }

  public TraceOptions withSeed(long s) { return new TraceOptions(images, maxIterations, minIterations, tolerance, s, probes); }

  public TraceOptions withProbes(Probes p) { return new TraceOptions(images, maxIterations, minIterations, tolerance, seed, p); }
}
