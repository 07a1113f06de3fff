package bitlab.data;

import java.util.Arrays;
import java.util.List;

/**
 * A data set: a train and a test {@link Samples} of the same image shape and classes, the
 * {@link Normalization} their images carry, class names and where the data came from.
 */
public record Dataset(String name, Samples train, Samples test, Normalization normalization,
                      List<String> classNames, String source) {
  public Dataset {
    if (train == null || test == null) throw new DataException("Data set " + name + " needs both a train and a test split.");
    if (!Arrays.equals(train.shape(), test.shape())) {
      throw new DataException("Data set " + name + " has train images " + Arrays.toString(train.shape())
          + " but test images " + Arrays.toString(test.shape()) + "; both splits need one image shape.");
    }
    if (train.classes() != test.classes()) {
      throw new DataException("Data set " + name + " has " + train.classes() + " train classes but "
          + test.classes() + " test classes.");
    }
    if (normalization == null || normalization.channels() != train.shape()[0]) {
      throw new DataException("Data set " + name + " has " + train.shape()[0] + "-channel images but a normalisation for "
          + (normalization == null ? "no" : normalization.channels()) + " channel(s).");
    }
    if (classNames == null || classNames.size() != train.classes()) {
      throw new DataException("Data set " + name + " has " + train.classes() + " classes but "
          + (classNames == null ? "no" : classNames.size()) + " class names.");
    }
    classNames = List.copyOf(classNames);
    source = source == null ? "" : source;
  }

  public int classes() { return train.classes(); }

  /** {@code {C, H, W}}. */
  public int[] shape() { return train.shape(); }

  /** The same images under another normalisation (pixels are recovered exactly up to float rounding). */
  public Dataset withNormalization(Normalization other) {
    if (other.channels() != shape()[0]) {
      throw new DataException("Data set " + name + " has " + shape()[0] + "-channel images; a normalisation for "
          + other.channels() + " channel(s) does not fit.");
    }
    return new Dataset(name, renormalise(train, other), renormalise(test, other), other, classNames, source);
  }

  private Samples renormalise(Samples s, Normalization other) {
    return new Samples(s.name(), other.apply(normalization.invert(s.images())), s.labels(), s.classes());
  }

  /** A few lines: shape, classes, counts per split and per class, normalisation, source. */
  public String describe() {
    int[] s = shape();
    StringBuilder b = new StringBuilder();
    b.append(name).append(": ").append(train.size() + test.size()).append(" images ")
        .append(s[0]).append('x').append(s[1]).append('x').append(s[2]).append(", ")
        .append(classes()).append(" classes ").append(classNames).append('\n');
    b.append("  train ").append(train.size()).append(", per class ").append(Arrays.toString(train.classCounts())).append('\n');
    b.append("  test  ").append(test.size()).append(", per class ").append(Arrays.toString(test.classCounts())).append('\n');
    b.append("  normalised per channel from pixels in [0, 1]: ").append(normalization).append('\n');
    if (!source.isEmpty()) b.append("  source: ").append(source).append('\n');
    return b.toString();
  }

  @Override public String toString() {
    int[] s = shape();
    return name + " (" + train.size() + " train / " + test.size() + " test, " + s[0] + "x" + s[1] + "x" + s[2]
        + ", " + classes() + " classes)";
  }
}
