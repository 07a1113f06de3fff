package bitlab.data;

import java.util.Arrays;
import java.util.List;

/**
 * A data set: a training, a validation and a test {@link Samples} of one image shape and one set of
 * classes, the {@link Normalization} their images carry, class names and where the data came from.
 *
 * <p>The three parts have three jobs. Models train on {@link #train()} only; searches and scorers rank
 * policies on {@link #validation()}, images the weights never saw; {@link #test()} is for the final
 * accuracy of what a user keeps. Readers carve the validation part out of the training split (a
 * stratified, seeded fraction, said in {@link #source()}); a data set built by hand may have none, and
 * then {@link #validation()} says how to make one.
 */
public record Dataset(
    String name,
    Samples train,
    Samples validation,
    Samples test,
    Normalization normalization,
    List<String> classNames,
    String source) {
  /** The share of every class of a training split that readers hold out for validation unless told otherwise. */
  public static final double VALIDATION_FRACTION = 0.2;

  /** The seed of every split bitlab's readers make unless told otherwise. */
  public static final long SPLIT_SEED = 42;

  public Dataset {
    if (train == null || test == null)
      throw new DataException("Data set " + name + " needs both a train and a test split.");
    check(name, train, test, "test");
    if (validation != null) check(name, train, validation, "validation");
    if (normalization == null || normalization.channels() != train.shape()[0]) {
      throw new DataException("Data set " + name + " has " + train.shape()[0]
          + "-channel images but a normalisation for "
          + (normalization == null ? "no" : normalization.channels()) + " channel(s).");
    }
    if (classNames == null || classNames.size() != train.classes()) {
      throw new DataException("Data set " + name + " has " + train.classes() + " classes but "
          + (classNames == null ? "no" : classNames.size()) + " class names.");
    }
    classNames = List.copyOf(classNames);
    source = source == null ? "" : source;
  }

  /** A data set without a validation part (searches then ask for one: {@link #withValidation}). */
  public Dataset(
      String name,
      Samples train,
      Samples test,
      Normalization normalization,
      List<String> classNames,
      String source) {
    this(name, train, null, test, normalization, classNames, source);
  }

  private static void check(String name, Samples train, Samples other, String part) {
    if (!Arrays.equals(train.shape(), other.shape())) {
      throw new DataException("Data set " + name + " has train images "
          + Arrays.toString(train.shape()) + " but " + part + " images "
          + Arrays.toString(other.shape()) + "; every part needs one image shape.");
    }
    if (train.classes() != other.classes()) {
      throw new DataException("Data set " + name + " has " + train.classes() + " train classes but "
          + other.classes() + " " + part + " classes.");
    }
  }

  /**
   * The validation part: images the model never trained on, for ranking policies. A data set without one
   * throws a sentence saying how to make one.
   */
  @Override
  public Samples validation() {
    if (validation == null) {
      throw new DataException(
          "Data set " + name + " has no validation part, and searches rank policies on images the "
              + "model never trained on: make one with data.withValidation(" + VALIDATION_FRACTION
              + ", " + SPLIT_SEED
              + "), which holds out " + Math.round(100 * VALIDATION_FRACTION)
              + "% of every class of its " + train.size()
              + " training images, and train the model on the rest.");
    }
    return validation;
  }

  public boolean hasValidation() {
    return validation != null;
  }

  /** The first {@code n} validation images (all of them if there are fewer): what a search scores policies on. */
  public Samples validation(int n) {
    Samples v = validation();
    return v.take(Math.min(n, v.size()));
  }

  /** The first {@code n} training images (all of them if there are fewer): what calibrates activation ranges. */
  public Samples calibration(int n) {
    return train.take(Math.min(n, train.size()));
  }

  public int classes() {
    return train.classes();
  }

  /** {@code {C, H, W}}. */
  public int[] shape() {
    return train.shape();
  }

  /**
   * A validation part of {@code fraction} of every class of the training images (with the current
   * validation images, if any, added back first), drawn with {@code seed}; the model must then train on
   * the new {@link #train()} only. The split is recorded in {@link #source()}.
   */
  public Dataset withValidation(double fraction, long seed) {
    Samples pool = validation == null ? train : Samples.concat(name + "/train", train, validation);
    Split split = pool.stratifiedSplit(fraction, seed);
    String how = String.format(
        "validation: %.0f%% of every class of the %,d training images (%,d), stratified, seed %d",
        100 * fraction, pool.size(), split.heldOut().size(), seed);
    return new Dataset(
        name,
        split.rest().renamed(name + "/train"),
        split.heldOut().renamed(name + "/validation"),
        test,
        normalization,
        classNames,
        join(withoutValidationNote(source), how));
  }

  private static String join(String a, String b) {
    return a.isEmpty() ? b : a + "; " + b;
  }

  /**
   * The validation images joined back to the training part (after them), leaving no validation part: for a final
   * training run on every training image once the settings are chosen, or for code that predates the part.
   */
  public Dataset withoutValidation() {
    if (validation == null) return this;
    return new Dataset(
        name,
        Samples.concat(name + "/train", train, validation),
        null,
        test,
        normalization,
        classNames,
        join(withoutValidationNote(source), "validation part joined back into the training part"));
  }

  /**
   * What readers return: the validation part of {@link #VALIDATION_FRACTION} of every class, seed
   * {@link #SPLIT_SEED}, when the training split is large enough to give one (at least 3 images).
   */
  Dataset withDefaultValidation() {
    long held = Math.round(train.size() * VALIDATION_FRACTION);
    if (validation != null || held < 1 || held >= train.size()) return this;
    return withValidation(VALIDATION_FRACTION, SPLIT_SEED);
  }

  /** The source text without an earlier "validation: ..." clause (clauses are separated by "; "). */
  private static String withoutValidationNote(String source) {
    String s = "; " + source;
    int at = s.indexOf("; validation: ");
    if (at < 0) return source;
    int end = s.indexOf("; ", at + 2);
    String kept = s.substring(0, at) + (end < 0 ? "" : s.substring(end));
    return kept.startsWith("; ") ? kept.substring(2) : kept;
  }

  /** The same images under another normalisation (pixels are recovered exactly up to float rounding). */
  public Dataset withNormalization(Normalization other) {
    if (other.channels() != shape()[0]) {
      throw new DataException(
          "Data set " + name + " has " + shape()[0] + "-channel images; a normalisation for "
              + other.channels() + " channel(s) does not fit.");
    }
    if (other.equals(normalization)) return this;
    return new Dataset(
        name,
        renormalise(train, other),
        validation == null ? null : renormalise(validation, other),
        renormalise(test, other),
        other,
        classNames,
        source);
  }

  /**
   * The same values, declared as made by {@code how} from pixels in [0, 1]: for arrays that were normalised
   * before bitlab read them (kept "as given"), so that a model's own preprocessing can be applied instead.
   */
  public Dataset normalized(Normalization how) {
    if (how.channels() != shape()[0]) {
      throw new DataException("Data set " + name + " has " + shape()[0]
          + "-channel images; a normalisation for " + how.channels() + " channel(s) does not fit.");
    }
    return new Dataset(name, train, validation, test, how, classNames, source);
  }

  /** As {@link #normalized(Normalization)} with one mean and std per channel, e.g. {@code normalized(0.1307, 0.3081)}. */
  public Dataset normalized(double mean, double std) {
    float[] m = new float[shape()[0]];
    float[] s = new float[m.length];
    java.util.Arrays.fill(m, (float) mean);
    java.util.Arrays.fill(s, (float) std);
    return normalized(new Normalization(m, s));
  }

  private Samples renormalise(Samples s, Normalization other) {
    return s.renormalised(normalization, other);
  }

  /** One line for results' provenance: the data set, its three parts and how they were made. */
  public String provenance() {
    return String.format(
        "%s: %,d train / %s / %,d test images%s",
        name,
        train.size(),
        validation == null ? "no validation" : String.format("%,d validation", validation.size()),
        test.size(),
        source.isEmpty() ? "" : " (" + source + ")");
  }

  /** A few lines: shape, classes, counts per part and per class, normalisation, source. */
  public String describe() {
    int[] s = shape();
    StringBuilder b = new StringBuilder();
    int total = train.size() + test.size() + (validation == null ? 0 : validation.size());
    b.append(name)
        .append(": ")
        .append(total)
        .append(" images ")
        .append(s[0])
        .append('x')
        .append(s[1])
        .append('x')
        .append(s[2])
        .append(", ")
        .append(classes())
        .append(" classes ")
        .append(classNames)
        .append('\n');
    b.append("  train      ")
        .append(train.size())
        .append(", per class ")
        .append(Arrays.toString(train.classCounts()))
        .append('\n');
    if (validation != null) {
      b.append("  validation ")
          .append(validation.size())
          .append(", per class ")
          .append(Arrays.toString(validation.classCounts()))
          .append('\n');
    } else {
      b.append("  validation none (data.withValidation(fraction, seed) makes one)\n");
    }
    b.append("  test       ")
        .append(test.size())
        .append(", per class ")
        .append(Arrays.toString(test.classCounts()))
        .append('\n');
    if (normalization.fromPixels()) {
      b.append("  normalised per channel from pixels in [0, 1]: ")
          .append(normalization)
          .append('\n');
    } else {
      b.append("  ").append(normalization).append('\n');
    }
    if (!source.isEmpty()) b.append("  source: ").append(source).append('\n');
    return b.toString();
  }

  @Override
  public String toString() {
    int[] s = shape();
    return name + " (" + train.size() + " train / "
        + (validation == null ? "no" : validation.size()) + " validation / " + test.size()
        + " test, " + s[0] + "x" + s[1] + "x" + s[2] + ", " + classes() + " classes)";
  }
}
