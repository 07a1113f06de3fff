package bitlab.dsl.sweep.job;

import java.io.Serializable;
import java.util.List;

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
    return new SweepSettings(
        n,
        Math.min(warmup, n),
        validationImages,
        calibrationImages,
        validationFraction,
        validationSeed,
        hawqBits,
        hawqImages,
        hawqProbes,
        integer);
  }

  public SweepSettings withWarmup(int n) {
    return new SweepSettings(
        episodes,
        n,
        validationImages,
        calibrationImages,
        validationFraction,
        validationSeed,
        hawqBits,
        hawqImages,
        hawqProbes,
        integer);
  }

  public SweepSettings withImages(int validation, int calibration) {
    return new SweepSettings(
        episodes,
        warmup,
        validation,
        calibration,
        validationFraction,
        validationSeed,
        hawqBits,
        hawqImages,
        hawqProbes,
        integer);
  }

  public SweepSettings withValidationSplit(double fraction, long seed) {
    return new SweepSettings(
        episodes,
        warmup,
        validationImages,
        calibrationImages,
        fraction,
        seed,
        hawqBits,
        hawqImages,
        hawqProbes,
        integer);
  }

  public SweepSettings withHawq(List<Integer> bits, int images, int probes) {
    return new SweepSettings(
        episodes,
        warmup,
        validationImages,
        calibrationImages,
        validationFraction,
        validationSeed,
        bits,
        images,
        probes,
        integer);
  }

  public SweepSettings withInteger(boolean on) {
    return new SweepSettings(
        episodes,
        warmup,
        validationImages,
        calibrationImages,
        validationFraction,
        validationSeed,
        hawqBits,
        hawqImages,
        hawqProbes,
        on);
  }
}
