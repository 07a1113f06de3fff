package bitlab.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Images and labels as read from array files (NPY, NPZ, IDX, CSV) turned into a {@link Dataset}:
 * the image layout ({@code [N, H, W]}, {@code [N, C, H, W]}, {@code [N, H, W, C]} or flat square rows),
 * the labels (class numbers from 0, or one-hot rows), what the values are (0..255 or 0..1 pixels, or
 * values kept as given when they are neither), the training images' statistics as the normalisation,
 * and the splits: those the files declare, otherwise a stratified, seeded test part and validation part.
 */
final class ArrayData {
  private ArrayData() {}

  /** Images and their labels from one or two files. */
  record Part(RawArray images, RawArray labels) {}

  /** A part checked and laid out: pixels {@code [N, C, H, W]} (still unscaled) and labels. */
  private record Laid(String what, float[] values, int[] shape, int[] labels) {
    int count() {
      return labels.length;
    }
  }

  /**
   * @param validation the declared validation part, or null (carved from train)
   * @param test       the declared test part, or null (20% of every class of train, seed 42)
   */
  static Dataset build(String name, Part train, Part validation, Part test, String source) {
    List<Laid> parts = new ArrayList<>();
    Laid tr = lay(train);
    parts.add(tr);
    Laid va = validation == null ? null : lay(validation);
    Laid te = test == null ? null : lay(test);
    if (va != null) parts.add(va);
    if (te != null) parts.add(te);
    for (Laid p : parts) {
      if (!java.util.Arrays.equals(p.shape(), tr.shape())) {
        throw new DataException(
            "File " + p.what() + " has images " + text(p.shape()) + " but " + tr.what() + " has "
                + text(tr.shape()) + "; every part of a data set needs one image shape.");
      }
    }
    int classes = classes(parts);
    float scale = scale(parts);
    int channels = tr.shape()[0];
    int plane = tr.shape()[1] * tr.shape()[2];
    Normalization norm = scale == 0
        ? Normalization.asGiven(channels)
        : statistics(tr.values(), channels, plane, scale);
    List<String> classNames = new ArrayList<>();
    for (int c = 0; c < classes; c++) classNames.add(Integer.toString(c));
    Samples trainSamples = samples(name + "/train", tr, classes, scale, norm);
    Samples validationSamples =
        va == null ? null : samples(name + "/validation", va, classes, scale, norm);
    String values = scale == 255
        ? "pixels 0..255"
        : scale == 1 ? "pixels 0..1" : "values kept as given (not pixels)";
    String src = source + " (" + values + ")";
    if (te == null) {
      Split split = trainSamples.stratifiedSplit(ImageFolder.TEST_FRACTION, Dataset.SPLIT_SEED);
      trainSamples = split.rest().renamed(name + "/train");
      src += String.format(
          Locale.ROOT,
          "; test: %d%% of every class of the %,d images (%,d), stratified, seed %d",
          Math.round(100 * ImageFolder.TEST_FRACTION),
          split.rest().size() + split.heldOut().size(),
          split.heldOut().size(),
          Dataset.SPLIT_SEED);
      Dataset d = new Dataset(
          name,
          trainSamples,
          validationSamples,
          split.heldOut().renamed(name + "/test"),
          norm,
          classNames,
          src);
      return validationSamples == null ? d.withDefaultValidation() : d;
    }
    Dataset d = new Dataset(
        name,
        trainSamples,
        validationSamples,
        samples(name + "/test", te, classes, scale, norm),
        norm,
        classNames,
        src);
    return validationSamples == null ? d.withDefaultValidation() : d;
  }

  private static Laid lay(Part p) {
    RawArray x = p.images();
    int[] labels = labels(p.labels());
    if (labels.length != x.count()) {
      throw new DataException("File " + x.file() + " has " + x.count() + " images but "
          + p.labels().file() + " has " + labels.length + " labels; give one label per image.");
    }
    int[] shape;
    float[] v = x.values();
    long[] s = x.shape();
    switch (s.length) {
      case 2 -> shape = flat(x);
      case 3 -> shape = new int[] {1, (int) s[1], (int) s[2]};
      case 4 -> {
        if (s[1] == 1 || s[1] == 3) {
          shape = new int[] {(int) s[1], (int) s[2], (int) s[3]};
        } else if (s[3] == 1 || s[3] == 3) {
          shape = new int[] {(int) s[3], (int) s[1], (int) s[2]};
          v = channelsFirst(v, (int) s[0], (int) s[1], (int) s[2], (int) s[3]);
        } else {
          throw new DataException("File " + x.file() + " holds images of shape " + x.shapeText()
              + "; bitlab reads 1 or 3 channels, "
              + "first ([N, C, H, W]) or last ([N, H, W, C]).");
        }
      }
      default ->
        throw new DataException("File " + x.file() + " holds an array of shape " + x.shapeText()
            + "; images need the shape "
            + "[N, H, W], [N, C, H, W], [N, H, W, C] or [N, H*W] (square images, one per row).");
    }
    int per = shape[0] * shape[1] * shape[2];
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        throw new DataException(
            "File " + x.file() + " has " + (Float.isNaN(v[i]) ? "NaN" : "an infinite value")
                + " in image " + i / per
                + " (counting from 0); fix or drop that image before loading, e.g. with numpy.nan_to_num.");
      }
    }
    return new Laid(x.file(), v, shape, labels);
  }

  /** Rows of H*W (square grey) or 3*H*W (square colour, planes R, G, B) values. */
  private static int[] flat(RawArray x) {
    int d = (int) x.shape()[1];
    int side = (int) Math.round(Math.sqrt(d));
    if (side * side == d) return new int[] {1, side, side};
    int colour = (int) Math.round(Math.sqrt(d / 3.0));
    if (d % 3 == 0 && 3 * colour * colour == d) return new int[] {3, colour, colour};
    throw new DataException("File " + x.file() + " holds rows of " + d
        + " values, which are not square images (H*W values, or "
        + "3*H*W for colour); save the images with their shape, [N, H, W] or [N, C, H, W].");
  }

  private static float[] channelsFirst(float[] v, int n, int h, int w, int c) {
    float[] out = new float[v.length];
    int plane = h * w;
    for (int i = 0; i < n; i++) {
      int base = i * plane * c;
      for (int k = 0; k < plane; k++) {
        for (int ch = 0; ch < c; ch++) out[base + ch * plane + k] = v[base + k * c + ch];
      }
    }
    return out;
  }

  /** Class numbers from a vector, an [N, 1] column or one-hot rows. */
  private static int[] labels(RawArray y) {
    long[] s = y.shape();
    float[] v = y.values();
    if (s.length == 2 && s[1] > 1) return oneHot(y);
    if (s.length != 1 && !(s.length == 2 && s[1] == 1)) {
      throw new DataException("File " + y.file() + " holds labels of shape " + y.shapeText()
          + "; labels need the shape [N] " + "(class numbers) or [N, K] (one-hot rows).");
    }
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      if (v[i] != Math.rint(v[i]) || v[i] < 0) {
        throw new DataException("File " + y.file() + " has label " + v[i] + " at index " + i
            + "; labels must be class numbers " + "0, 1, 2, ... (one per image).");
      }
      out[i] = (int) v[i];
    }
    return out;
  }

  private static int[] oneHot(RawArray y) {
    int n = (int) y.shape()[0];
    int k = (int) y.shape()[1];
    int[] out = new int[n];
    float[] v = y.values();
    for (int i = 0; i < n; i++) {
      int hot = -1;
      for (int c = 0; c < k; c++) {
        float x = v[i * k + c];
        if (x == 1f && hot < 0) hot = c;
        else if (x != 0f) hot = -2;
      }
      if (hot < 0) {
        throw new DataException("File " + y.file() + " holds labels of shape " + y.shapeText()
            + " but row " + i + " is not one-hot "
            + "(a single 1 among 0s); give class numbers [N] or one-hot rows [N, K].");
      }
      out[i] = hot;
    }
    return out;
  }

  /** The number of classes: the largest label plus one; labels that never use 0 are named (they count from 1). */
  private static int classes(List<Laid> parts) {
    int max = 0;
    boolean zero = false;
    for (Laid p : parts) {
      for (int l : p.labels()) {
        max = Math.max(max, l);
        zero |= l == 0;
      }
    }
    if (!zero && max > 0) {
      throw new DataException(
          "The labels of " + parts.get(0).what() + " run up to " + max
              + " but none is 0; bitlab counts "
              + "classes from 0, so labels that count from 1 need 1 subtracted (y - 1) before loading.");
    }
    return max + 1;
  }

  /** 255 if the values are 0..255 integers, 1 if they lie in [0, 1], 0 if they are neither (kept as given). */
  private static float scale(List<Laid> parts) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    boolean integral = true;
    for (Laid p : parts) {
      for (float x : p.values()) {
        if (x < min) min = x;
        if (x > max) max = x;
        if (integral && x != Math.rint(x)) integral = false;
      }
    }
    if (min >= 0 && max <= 1) return 1;
    if (min >= 0 && max <= 255 && integral) return 255;
    return 0;
  }

  /** Per-channel mean and std of pixels scaled to [0, 1]; a constant channel gets std 1. */
  private static Normalization statistics(float[] v, int channels, int plane, float scale) {
    double[] sum = new double[channels];
    double[] sq = new double[channels];
    for (int i = 0; i < v.length; i++) {
      int c = (i / plane) % channels;
      double x = v[i] / scale;
      sum[c] += x;
      sq[c] += x * x;
    }
    return Normalization.fromSums(sum, sq, v.length / channels);
  }

  private static Samples samples(
      String name, Laid p, int classes, float scale, Normalization norm) {
    float[] v = p.values(); // scaled in place: each part is built once
    if (scale != 0) {
      for (int i = 0; i < v.length; i++) v[i] /= scale;
      norm.applyInPlace(v, p.shape()[1] * p.shape()[2]);
    }
    int[] s = p.shape();
    return new Samples(
        name, Nd4j.create(v, new long[] {p.count(), s[0], s[1], s[2]}, 'c'), p.labels(), classes);
  }

  private static String text(int[] s) {
    return s[0] + "x" + s[1] + "x" + s[2];
  }
}
