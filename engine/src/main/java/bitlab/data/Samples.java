package bitlab.data;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One split of a data set: normalised float32 images {@code [N, C, H, W]} with their integer
 * labels {@code 0 .. classes-1}. Checked on construction (shapes, label range, no NaN or
 * infinity). The images array is shared, not copied: treat it as read-only ({@code dup()} it
 * before in-place operations).
 *
 * <p>Samples of a large image folder are streamed: their images stay in their files and are
 * decoded when read ({@link #images(int, int)}, {@link #batches}, {@link #batch}); {@link #images()}
 * then loads them all, and refuses above {@link #LOAD_LIMIT} bytes. Subsets and splits of streamed
 * samples are streamed too.
 */
public final class Samples {
  /** The most bytes of float32 pixels {@link #images()} loads from a streamed folder at once. */
  public static final long LOAD_LIMIT = 1L << 30;

  private final String name;
  private final INDArray images;
  private final ImageFiles files;
  private final int[] labels;
  private final int classes;

  /**
   * @param name     what to call this split in messages, e.g. {@code "mnist/train"}
   * @param images   {@code [N, C, H, W]}, already normalised; cast to float32 if needed
   * @param labels   N labels in {@code 0 .. classes-1}
   * @param classes  the number of classes of the data set (not only those present here)
   */
  public Samples(String name, INDArray images, int[] labels, int classes) {
    this.name = name == null || name.isBlank() ? "samples" : name;
    if (images == null || images.rank() != 4) {
      throw new DataException("Samples " + this.name + " need images shaped [N, C, H, W], got "
          + (images == null ? "none" : "shape " + Arrays.toString(images.shape())) + ".");
    }
    if (labels == null || images.size(0) != labels.length) {
      throw new DataException("Samples " + this.name + " have " + images.size(0) + " images but "
          + (labels == null ? "no" : labels.length) + " labels.");
    }
    if (labels.length == 0) throw new DataException("Samples " + this.name + " have no images.");
    if (classes < 1)
      throw new DataException(
          "Samples " + this.name + " need at least one class, got " + classes + ".");
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new DataException("Samples " + this.name + " image " + i + " has label " + labels[i]
            + ", outside 0.." + (classes - 1) + ".");
      }
    }
    INDArray a = images.dataType() == DataType.FLOAT ? images : images.castTo(DataType.FLOAT);
    if (a.ordering() != 'c' || a.isView()) a = a.dup('c');
    int bad = firstNonFinite(a);
    if (bad >= 0) {
      throw new DataException("Data set " + this.name + " has NaN or infinite pixels in image "
          + bad + " (counting from 0); fix or drop that image before using the data.");
    }
    this.images = a;
    this.files = null;
    this.labels = labels.clone();
    this.classes = classes;
  }

  /** Streamed samples: images decoded from {@code files} when read. */
  Samples(String name, ImageFiles files, int classes) {
    this.name = name;
    this.images = null;
    this.files = files;
    this.labels = files.labels();
    this.classes = classes;
    if (labels.length == 0) throw new DataException("Samples " + name + " have no images.");
  }

  /** Private: for parts already checked (same images, new name). */
  private Samples(String name, INDArray images, ImageFiles files, int[] labels, int classes) {
    this.name = name;
    this.images = images;
    this.files = files;
    this.labels = labels;
    this.classes = classes;
  }

  /** True if the images are decoded from their files when read, not held in memory. */
  public boolean streamed() {
    return files != null;
  }

  /**
   * The index of the first image with a NaN or infinite pixel, or -1. The sum (one native pass) is
   * finite when every pixel is; only otherwise are the images scanned, a block at a time.
   */
  private static int firstNonFinite(INDArray a) {
    if (Double.isFinite(a.sumNumber().doubleValue())) return -1;
    long n = a.size(0);
    int per = (int) (a.length() / n);
    long block = Math.max(1, (1 << 20) / per);
    for (long from = 0; from < n; from += block) {
      long to = Math.min(n, from + block);
      float[] v = a.get(
              NDArrayIndex.interval(from, to),
              NDArrayIndex.all(),
              NDArrayIndex.all(),
              NDArrayIndex.all())
          .dup('c')
          .data()
          .asFloat();
      for (int i = 0; i < v.length; i++) {
        if (!Float.isFinite(v[i])) return (int) (from + i / per);
      }
    }
    return -1;
  }

  public String name() {
    return name;
  }

  /**
   * The normalised images, float32 {@code [N, C, H, W]} (shared: do not modify in place). Streamed samples are
   * decoded whole, up to {@link #LOAD_LIMIT} bytes; beyond it use {@link #images(int, int)} or {@link #batches}.
   */
  public INDArray images() {
    if (images != null) return images;
    int[] s = shape();
    long bytes = (long) size() * s[0] * s[1] * s[2] * Float.BYTES;
    if (bytes > LOAD_LIMIT) {
      throw new DataException(String.format(
          "Samples %s are streamed from %,d image files and would take %.1f GB in memory; "
              + "read them in parts with images(from, to) or batches(n), or take(n) first.",
          name, size(), bytes / 1e9));
    }
    return images(0, size());
  }

  /** Images {@code from} (inclusive) to {@code to} (exclusive): a view in memory, decoded from files when streamed. */
  public INDArray images(int from, int to) {
    if (from < 0 || to > size() || from >= to) {
      throw new DataException("Samples " + name + " have " + size() + " images; images(" + from
          + ", " + to + ") needs 0 <= from < to <= " + size() + ".");
    }
    if (images != null) {
      return images.get(
          NDArrayIndex.interval(from, to),
          NDArrayIndex.all(),
          NDArrayIndex.all(),
          NDArrayIndex.all());
    }
    int[] idx = new int[to - from];
    for (int i = 0; i < idx.length; i++) idx[i] = from + i;
    return files.read(idx);
  }

  /** A copy of the labels. */
  public int[] labels() {
    return labels.clone();
  }

  public int label(int index) {
    return labels[index];
  }

  public int classes() {
    return classes;
  }

  public int size() {
    return labels.length;
  }

  /** {@code {C, H, W}}. */
  public int[] shape() {
    if (files != null) return files.shape();
    return new int[] {(int) images.size(1), (int) images.size(2), (int) images.size(3)};
  }

  /** How many images of each class, indexed by label. */
  public int[] classCounts() {
    int[] counts = new int[classes];
    for (int l : labels) counts[l]++;
    return counts;
  }

  /** Images {@code from} (inclusive) to {@code to} (exclusive), copied. */
  public Samples subset(int from, int to) {
    if (from < 0 || to > size() || from >= to) {
      throw new DataException("Samples " + name + " have " + size() + " images; subset(" + from
          + ", " + to + ") needs 0 <= from < to <= " + size() + ".");
    }
    String part = name + "[" + from + ":" + to + "]";
    if (files != null) {
      int[] idx = new int[to - from];
      for (int i = 0; i < idx.length; i++) idx[i] = from + i;
      return new Samples(part, files.select(idx), classes);
    }
    return new Samples(
        part, images(from, to).dup('c'), Arrays.copyOfRange(labels, from, to), classes);
  }

  /** The first {@code min(n, size())} images. */
  public Samples take(int n) {
    if (n < 1) throw new DataException("take(" + n + ") on " + name + " needs n >= 1.");
    return n >= size() ? this : subset(0, n);
  }

  /** The images at the given indices, in that order, copied. */
  public Samples select(int... indices) {
    if (indices.length == 0)
      throw new DataException("select() on " + name + " needs at least one index.");
    int[] l = new int[indices.length];
    for (int k = 0; k < indices.length; k++) {
      if (indices[k] < 0 || indices[k] >= size()) {
        throw new DataException(
            "Index " + indices[k] + " is outside " + name + ", which has " + size() + " images.");
      }
      l[k] = labels[indices[k]];
    }
    if (files != null) return new Samples(name, files.select(indices), classes);
    return new Samples(name, gather(indices), l, classes);
  }

  /**
   * Splits every class in the same proportion: {@code heldOut} gets {@code round(size() * fraction)}
   * images, spread over the classes by largest-remainder quotas and drawn with a seeded shuffle;
   * both parts keep this split's order.
   */
  public Split stratifiedSplit(double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new DataException("stratifiedSplit on " + name
          + " needs a fraction strictly between 0 and 1, got " + fraction + ".");
    }
    int held = (int) Math.round(size() * fraction);
    if (held < 1 || held >= size()) {
      throw new DataException("stratifiedSplit(" + fraction + ") on " + name + " (" + size()
          + " images) would leave one part empty; use a fraction that holds out between 1 and "
          + (size() - 1)
          + " images.");
    }
    int[][] parts = Stratify.split(labels, classes, held, seed);
    Samples rest = select(parts[0]).renamed(name + "/rest");
    Samples out = select(parts[1]).renamed(name + "/held-out");
    return new Split(rest, out);
  }

  /** The number of batches {@link #batches} yields for this batch size. */
  public int batchCount(int batchSize) {
    checkBatchSize(batchSize);
    return (size() + batchSize - 1) / batchSize;
  }

  /** Batches in order, the last one possibly smaller. */
  public Iterable<Batch> batches(int batchSize) {
    return batches(batchSize, -1);
  }

  /**
   * Batches of {@code batchSize} (the last one possibly smaller) in an order shuffled by
   * {@code seed}: the same seed gives the same batches on every run and every iteration;
   * use a different seed per epoch (e.g. {@code seed + epoch}). A negative seed keeps the order.
   */
  public Iterable<Batch> batches(int batchSize, long seed) {
    checkBatchSize(batchSize);
    return () -> new Iterator<>() {
      private final int[] order = order(seed);
      private int next = 0;

      @Override
      public boolean hasNext() {
        return next < order.length;
      }

      @Override
      public Batch next() {
        if (!hasNext()) throw new NoSuchElementException();
        int[] idx = Arrays.copyOfRange(order, next, Math.min(order.length, next + batchSize));
        next += idx.length;
        return batch(idx);
      }
    };
  }

  /** One batch of the images at {@code indices}. */
  public Batch batch(int... indices) {
    int[] l = new int[indices.length];
    float[] hot = new float[indices.length * classes];
    for (int k = 0; k < indices.length; k++) {
      l[k] = labels[indices[k]];
      hot[k * classes + l[k]] = 1f;
    }
    return new Batch(
        gather(indices), Nd4j.create(hot, new long[] {indices.length, classes}, 'c'), l);
  }

  private int[] order(long seed) {
    int[] order = new int[size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    if (seed >= 0) Stratify.shuffle(order, new Random(seed));
    return order;
  }

  private void checkBatchSize(int batchSize) {
    if (batchSize < 1)
      throw new DataException("Batch size must be at least 1, got " + batchSize + ".");
  }

  private INDArray gather(int[] indices) {
    if (files != null) return files.read(indices);
    long[] s = images.shape();
    long per = s[1] * s[2] * s[3];
    INDArray flat = images.reshape('c', s[0], per);
    INDArray rows = Nd4j.pullRows(flat, 1, indices);
    return rows.reshape('c', indices.length, s[1], s[2], s[3]);
  }

  /** The same images and labels under another name (nothing is copied). */
  Samples renamed(String newName) {
    return new Samples(newName, images, files, labels, classes);
  }

  /** The same images normalised by {@code to} instead of {@code from} (streamed samples stay streamed). */
  Samples renormalised(Normalization from, Normalization to) {
    if (files != null) return new Samples(name, files.withNormalization(to), classes);
    return new Samples(name, to.apply(from.invert(images)), labels, classes);
  }

  /** The images of {@code a} followed by those of {@code b} (same shape and classes; copied unless both are streamed). */
  static Samples concat(String name, Samples a, Samples b) {
    if (!Arrays.equals(a.shape(), b.shape()) || a.classes != b.classes) {
      throw new DataException("Samples " + a.name + " and " + b.name
          + " cannot be joined: their shapes or classes differ.");
    }
    if (a.files != null && b.files != null)
      return new Samples(name, ImageFiles.concat(a.files, b.files), a.classes);
    int[] l = Arrays.copyOf(a.labels, a.size() + b.size());
    System.arraycopy(b.labels, 0, l, a.size(), b.size());
    return new Samples(name, Nd4j.concat(0, a.images(), b.images()), null, l, a.classes);
  }

  @Override
  public String toString() {
    int[] s = shape();
    return name + ": " + size() + " images " + s[0] + "x" + s[1] + "x" + s[2] + ", " + classes
        + " classes" + (files != null ? " (streamed from files)" : "");
  }
}
