package bitlab.dsl.sweep.job;

import java.io.Serializable;
import java.util.List;
import java.util.function.Consumer;

/**
 * What every job of a sweep shares: how long searches run, which images score policies and how
 * HAWQ-V3 takes its traces. Policies are scored by static PTQ on the integer-only executor (or the
 * fake-quantized simulation): calibrated on {@code calibrationImages} training images and scored on
 * {@code validationImages} images of the data set's validation part, or, for a data set without one, of
 * a validation split carved from the training part ({@code validationFraction} of every class, drawn with
 * {@code validationSeed}); never the test part, which scores only each job's final policy.
 *
 * @param warmup HAQ's random warm-up episodes, or -1 for its default (a fifth of the episodes, at most 20)
 */
public record SweepSettings(
    int episodes,
    int warmup,
    int validationImages,
    int calibrationImages,
    double validationFraction,
    long validationSeed,
    List<Integer> hawqBits,
    int hawqImages,
    int hawqProbes,
    boolean integer)
    implements Serializable {

  public static final SweepSettings DEFAULT =
      new SweepSettings(100, -1, 1000, 256, 0.2, 1, List.of(4, 8), 256, 100, true);

  public SweepSettings {
    if (episodes < 1)
      throw new SweepException(
          "A search needs at least 1 episode, got " + episodes + "; e.g. episodes(100).");
    if (warmup < -1 || warmup > episodes) {
      throw new SweepException(
          "Warm-up must be between 0 and the episodes (" + episodes + "), got " + warmup + ".");
    }
    if (validationImages < 1 || calibrationImages < 1) {
      throw new SweepException(
          "Scoring needs at least one validation and one calibration image, got " + validationImages
              + " and " + calibrationImages + ".");
    }
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new SweepException(
          "The validation split is a fraction of the training split in (0, 1), got "
              + validationFraction + ".");
    }
    hawqBits = List.copyOf(hawqBits);
    if (hawqBits.isEmpty())
      throw new SweepException("HAWQ-V3 needs at least one candidate width, e.g. hawqBits(4, 8).");
    for (int b : hawqBits) {
      if (b < 2 || b > 8)
        throw new SweepException("HAWQ-V3 candidate width " + b + " is outside 2..8.");
    }
    if (hawqImages < 1 || hawqProbes < 1)
      throw new SweepException("HAWQ-V3 traces need at least one image and one probe.");
  }

  public SweepSettings withEpisodes(int n) {
    return with(x -> {
      x.episodes = n;
      x.warmup = Math.min(warmup, n);
    });
  }

  public SweepSettings withWarmup(int n) {
    return with(x -> x.warmup = n);
  }

  public SweepSettings withImages(int validation, int calibration) {
    return with(x -> {
      x.validationImages = validation;
      x.calibrationImages = calibration;
    });
  }

  public SweepSettings withValidationSplit(double fraction, long seed) {
    return with(x -> {
      x.validationFraction = fraction;
      x.validationSeed = seed;
    });
  }

  public SweepSettings withHawq(List<Integer> bits, int images, int probes) {
    return with(x -> {
      x.hawqBits = bits;
      x.hawqImages = images;
      x.hawqProbes = probes;
    });
  }

  public SweepSettings withInteger(boolean on) {
    return with(x -> x.integer = on);
  }

  /** A copy with some changes: every wither goes through here, so a new component is added in two places, not seven. */
  private SweepSettings with(Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    return new SweepSettings(
        d.episodes,
        d.warmup,
        d.validationImages,
        d.calibrationImages,
        d.validationFraction,
        d.validationSeed,
        d.hawqBits,
        d.hawqImages,
        d.hawqProbes,
        d.integer);
  }

  /** The components while a copy is made (validated by the record's constructor when it is done). */
  private static final class Draft {
    int episodes;
    int warmup;
    int validationImages;
    int calibrationImages;
    double validationFraction;
    long validationSeed;
    List<Integer> hawqBits;
    int hawqImages;
    int hawqProbes;
    boolean integer;

    Draft(SweepSettings s) {
      episodes = s.episodes;
      warmup = s.warmup;
      validationImages = s.validationImages;
      calibrationImages = s.calibrationImages;
      validationFraction = s.validationFraction;
      validationSeed = s.validationSeed;
      hawqBits = s.hawqBits;
      hawqImages = s.hawqImages;
      hawqProbes = s.hawqProbes;
      integer = s.integer;
    }
  }
}
