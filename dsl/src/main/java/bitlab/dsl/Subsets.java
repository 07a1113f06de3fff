package bitlab.dsl;

import bitlab.data.DataException;
import bitlab.data.Dataset;
import bitlab.data.Samples;

/** Smaller copies of a data set for quick experiments: every class keeps its share. */
final class Subsets {
  private Subsets() {}

  /** {@code train} training and {@code test} test images, drawn stratified by class with a fixed seed (1). */
  static Dataset of(Dataset data, int train, int test) {
    Samples tr = pick(data, data.train(), train, "train");
    Samples te = pick(data, data.test(), test, "test");
    return new Dataset(data.name(), tr, te, data.normalization(), data.classNames(),
        (data.source().isEmpty() ? "" : data.source() + "; ") + "stratified subset: " + tr.size() + " train / " + te.size() + " test (seed 1)");
  }

  private static Samples pick(Dataset data, Samples s, int n, String split) {
    if (n < 1) {
      throw new DataException("subset(" + data.name() + ", ...) needs at least 1 " + split + " image, got " + n
          + "; its " + split + " split has " + s.size() + ".");
    }
    if (n >= s.size()) return s;
    Samples held = s.stratifiedSplit((double) n / s.size(), 1).heldOut();
    return new Samples(s.name(), held.images(), held.labels(), held.classes());
  }
}
