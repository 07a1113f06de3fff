package bitlab.dsl;

import bitlab.data.DataException;
import bitlab.data.Dataset;
import bitlab.data.Samples;

/** Smaller copies of a data set for quick experiments: every class keeps its share. */
final class Subsets {
  private Subsets() {}

  /**
   * {@code train} training and {@code test} test images, drawn stratified by class with a fixed seed (1); the
   * validation part, if any, keeps the share of its images that the training part keeps.
   */
  static Dataset of(Dataset data, int train, int test) {
    int validation = !data.hasValidation()
        ? 0
        : (int) Math.max(
            1,
            Math.round((double) data.validation().size()
                * Math.min(train, data.train().size())
                / data.train().size()));
    return of(data, train, validation, test);
  }

  /** {@code train}, {@code validation} and {@code test} images of each part, drawn stratified by class (seed 1). */
  static Dataset of(Dataset data, int train, int validation, int test) {
    Samples tr = pick(data, data.train(), train, "train");
    Samples va =
        data.hasValidation() ? pick(data, data.validation(), validation, "validation") : null;
    Samples te = pick(data, data.test(), test, "test");
    String counts = tr.size() + " train / " + (va == null ? "no" : va.size()) + " validation / "
        + te.size() + " test";
    return new Dataset(
        data.name(),
        tr,
        va,
        te,
        data.normalization(),
        data.classNames(),
        (data.source().isEmpty() ? "" : data.source() + "; ") + "stratified subset: " + counts
            + " (seed 1)");
  }

  private static Samples pick(Dataset data, Samples s, int n, String split) {
    if (n < 1) {
      throw new DataException("subset(" + data.name() + ", ...) needs at least 1 " + split
          + " image, got " + n + "; its " + split + " part has " + s.size() + ".");
    }
    if (n >= s.size()) return s;
    Samples held = s.stratifiedSplit((double) n / s.size(), 1).heldOut();
    return new Samples(s.name(), held.images(), held.labels(), held.classes());
  }
}
