package bitlab.data;

import bitlab.data.ImageFiles.Pixels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reader for a folder of class sub-folders of PNG or JPEG images. A folder whose pixels would take more
 * than {@link #STREAM_ABOVE} bytes as float32 is streamed: its images are decoded batch by batch as
 * they are used ({@link ImageFiles}), and its size, channels and statistics come from a sample of
 * {@link #SAMPLE} images spread over it.
 */
final class ImageFolder {
  private ImageFolder() {}

  static final long SPLIT_SEED = Dataset.SPLIT_SEED;
  static final double TEST_FRACTION = 0.2;
  static final long STREAM_ABOVE = 512L << 20;
  static final int SAMPLE = 1000;
  private static final String EXPECTED =
      "expected one sub-folder per class with PNG or JPEG images inside";
  private static final List<String> VALIDATION_FOLDERS = List.of("val", "valid", "validation");

  /** The files of one part, their labels, and the class names. */
  private record Listing(List<String> classes, List<Path> files, int[] labels) {
    Listing pick(int[] indices) {
      List<Path> f = new ArrayList<>();
      int[] l = new int[indices.length];
      for (int k = 0; k < indices.length; k++) {
        f.add(files.get(indices[k]));
        l[k] = labels[indices[k]];
      }
      return new Listing(classes, f, l);
    }
  }

  static Dataset read(Path dir, int height, int width) {
    return read(dir, height, width, STREAM_ABOVE);
  }

  /** As {@link #read(Path, int, int)}, streaming when the pixels would take more than {@code streamAbove} bytes. */
  static Dataset read(Path dir, int height, int width, long streamAbove) {
    if (dir == null)
      throw new DataException(
          "Reading an image folder needs its path, got none; " + EXPECTED + ".");
    if (!Files.exists(dir))
      throw new DataException("Image folder " + dir + " does not exist; " + EXPECTED + ".");
    if (!Files.isDirectory(dir))
      throw new DataException(dir + " is a file, not an image folder; " + EXPECTED + ".");
    boolean presplit =
        Files.isDirectory(dir.resolve("train")) && Files.isDirectory(dir.resolve("test"));
    Listing train;
    Listing validation = null;
    Listing test;
    String how;
    if (presplit) {
      train = list(dir.resolve("train"), null);
      test = list(dir.resolve("test"), train.classes());
      Path val = VALIDATION_FOLDERS.stream()
          .map(dir::resolve)
          .filter(Files::isDirectory)
          .findFirst()
          .orElse(null);
      if (val != null) validation = list(val, train.classes());
      how =
          "train/" + (val == null ? "" : ", " + val.getFileName() + "/") + " and test/ sub-folders";
    } else {
      Listing all = list(dir, null);
      int n = all.files().size();
      if (n < 2) {
        throw new DataException("Image folder " + dir + " has only " + n
            + " image; at least 2 are needed to make " + "a train and a test split.");
      }
      int held = (int) Math.max(1, Math.round(n * TEST_FRACTION));
      int[][] parts = Stratify.split(all.labels(), all.classes().size(), held, SPLIT_SEED);
      train = all.pick(parts[0]);
      test = all.pick(parts[1]);
      how =
          Math.round(100 * TEST_FRACTION) + "% of each class held out as test, seed " + SPLIT_SEED;
    }
    List<Listing> parts = new ArrayList<>(List.of(train, test));
    if (validation != null) parts.add(validation);
    int total = parts.stream().mapToInt(p -> p.files().size()).sum();
    Pixels first = ImageFiles.decode(train.files().get(0), height, width);
    long bytes =
        (long) total * (first.grey() ? 1 : 3) * first.height() * first.width() * Float.BYTES;
    boolean stream = bytes > streamAbove;
    Pixels[] sample = decodeSample(parts, stream ? SAMPLE : total, height, width);
    checkSizes(sample, height > 0);
    boolean grey = java.util.Arrays.stream(sample).allMatch(Pixels::grey);
    int channels = grey ? 1 : 3;
    Pixels[] trainSample = stream
        ? decodeSample(List.of(train), SAMPLE, height, width)
        : java.util.Arrays.copyOf(sample, train.files().size());
    Normalization norm = statistics(trainSample, channels);
    String name = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
    Samples tr =
        samples(name + "/train", train, channels, first, height > 0, norm, stream, sample, 0);
    Samples te = samples(
        name + "/test",
        test,
        channels,
        first,
        height > 0,
        norm,
        stream,
        sample,
        train.files().size());
    Samples va = validation == null
        ? null
        : samples(
            name + "/validation",
            validation,
            channels,
            first,
            height > 0,
            norm,
            stream,
            sample,
            train.files().size() + test.files().size());
    String source = "PNG/JPEG images in " + dir + " (" + how
        + (stream ? "; streamed from the files" : "") + ")";
    Dataset d = new Dataset(name, tr, va, te, norm, train.classes(), source);
    return va == null ? d.withDefaultValidation() : d;
  }

  /** Decodes {@code count} images spread evenly over the parts, in order (all of them if count is the total). */
  private static Pixels[] decodeSample(List<Listing> parts, int count, int height, int width) {
    List<Path> all = new ArrayList<>();
    for (Listing p : parts) all.addAll(p.files());
    int n = Math.min(count, all.size());
    Pixels[] out = new Pixels[n];
    for (int k = 0; k < n; k++)
      out[k] = ImageFiles.decode(all.get((int) ((long) k * all.size() / n)), height, width);
    return out;
  }

  private static void checkSizes(Pixels[] images, boolean resized) {
    if (resized) return;
    Pixels first = images[0];
    for (Pixels p : images) {
      if (p.height() != first.height() || p.width() != first.width()) {
        throw new DataException("Image " + p.file() + " is " + p.width() + "x" + p.height()
            + " but " + first.file() + " is " + first.width() + "x" + first.height()
            + "; use Datasets.images(dir, height, width) to resize them all.");
      }
    }
  }

  private static Samples samples(
      String name,
      Listing part,
      int channels,
      Pixels first,
      boolean resize,
      Normalization norm,
      boolean stream,
      Pixels[] decoded,
      int offset) {
    Path[] files = part.files().toArray(new Path[0]);
    ImageFiles f =
        new ImageFiles(files, part.labels(), channels, first.height(), first.width(), resize, norm);
    int classes = part.classes().size();
    if (stream) return new Samples(name, f, classes);
    int per = channels * first.height() * first.width();
    float[] v = new float[files.length * per];
    for (int i = 0; i < files.length; i++) decoded[offset + i].planar(channels, v, i * per);
    norm.applyInPlace(v, first.height() * first.width());
    return new Samples(
        name,
        Nd4j.create(v, new long[] {files.length, channels, first.height(), first.width()}, 'c'),
        part.labels(),
        classes);
  }

  private static Listing list(Path root, List<String> knownClasses) {
    List<Path> classDirs;
    try (Stream<Path> s = Files.list(root)) {
      classDirs = s.filter(Files::isDirectory)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new DataException(
          "Image folder " + root + " could not be listed: " + e.getMessage(), e);
    }
    if (classDirs.isEmpty())
      throw new DataException("Folder " + root + " has no class sub-folders; " + EXPECTED + ".");
    List<String> classes = knownClasses != null
        ? knownClasses
        : classDirs.stream().map(p -> p.getFileName().toString()).toList();
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (Path classDir : classDirs) {
      String cls = classDir.getFileName().toString();
      int label = classes.indexOf(cls);
      if (label < 0) {
        throw new DataException("Class folder " + classDir
            + " has no matching train class folder; the train " + "classes are " + classes + ".");
      }
      List<Path> found;
      try (Stream<Path> s = Files.list(classDir)) {
        found =
            s.filter(Files::isRegularFile).filter(ImageFolder::isImage).sorted().toList();
      } catch (IOException e) {
        throw new DataException(
            "Class folder " + classDir + " could not be listed: " + e.getMessage(), e);
      }
      if (found.isEmpty())
        throw new DataException("Class folder " + classDir + " has no PNG or JPEG images.");
      for (Path f : found) {
        files.add(f);
        labels.add(label);
      }
    }
    return new Listing(
        classes, files, labels.stream().mapToInt(Integer::intValue).toArray());
  }

  private static boolean isImage(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
  }

  /** Per-channel mean and std of the images (as {@code channels} planes in [0, 1]); a constant channel gets std 1. */
  private static Normalization statistics(Pixels[] images, int channels) {
    double[] sum = new double[channels];
    double[] sq = new double[channels];
    long per = 0;
    for (Pixels p : images) {
      int plane = p.height() * p.width();
      float[] v = new float[channels * plane];
      p.planar(channels, v, 0);
      for (int i = 0; i < v.length; i++) {
        sum[i / plane] += v[i];
        sq[i / plane] += (double) v[i] * v[i];
      }
      per += plane;
    }
    return Normalization.fromSums(sum, sq, per);
  }
}
