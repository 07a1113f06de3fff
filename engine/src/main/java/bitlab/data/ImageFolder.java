package bitlab.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.nd4j.linalg.factory.Nd4j;

/** Reader for a folder of class sub-folders of PNG or JPEG images. */
final class ImageFolder {
  private ImageFolder() {}

  static final long SPLIT_SEED = 42;
  static final double TEST_FRACTION = 0.2;
  private static final String EXPECTED = "expected one sub-folder per class with PNG or JPEG images inside";

  /** One decoded image: interleaved R, G, B bytes (or grey bytes when {@code grey}). */
  private record Pixels(Path file, int height, int width, boolean grey, byte[] values) {}

  /** The images of one split root, by class. */
  private record Read(List<String> classes, List<Pixels> images, int[] labels) {}

  static Dataset read(Path dir, int height, int width) {
    if (dir == null) throw new DataException("Reading an image folder needs its path, got none; " + EXPECTED + ".");
    if (!Files.exists(dir)) throw new DataException("Image folder " + dir + " does not exist; " + EXPECTED + ".");
    if (!Files.isDirectory(dir)) throw new DataException(dir + " is a file, not an image folder; " + EXPECTED + ".");
    Path trainDir = dir.resolve("train");
    Path testDir = dir.resolve("test");
    boolean presplit = Files.isDirectory(trainDir) && Files.isDirectory(testDir);
    Read train;
    Read test;
    if (presplit) {
      train = readRoot(trainDir, null, height, width);
      test = readRoot(testDir, train.classes(), height, width);
    } else {
      Read all = readRoot(dir, null, height, width);
      int n = all.images().size();
      int held = (int) Math.max(1, Math.round(n * TEST_FRACTION));
      if (n < 2) {
        throw new DataException("Image folder " + dir + " has only " + n + " image; at least 2 are needed to make "
            + "a train and a test split.");
      }
      int[][] parts = Stratify.split(all.labels(), all.classes().size(), held, SPLIT_SEED);
      train = pick(all, parts[0]);
      test = pick(all, parts[1]);
    }
    List<Pixels> everything = new ArrayList<>(train.images());
    everything.addAll(test.images());
    Pixels first = everything.get(0);
    for (Pixels p : everything) {
      if (p.height() != first.height() || p.width() != first.width()) {
        throw new DataException("Image " + p.file() + " is " + p.width() + "x" + p.height() + " but " + first.file()
            + " is " + first.width() + "x" + first.height() + "; use Datasets.images(dir, height, width) to resize them all.");
      }
    }
    boolean grey = everything.stream().allMatch(Pixels::grey);
    int channels = grey ? 1 : 3;
    float[] trainValues = planar(train.images(), channels);
    Normalization norm = statistics(trainValues, channels, first.height() * first.width());
    String name = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
    Samples tr = samples(name + "/train", train, trainValues, channels, first, norm);
    Samples te = samples(name + "/test", test, planar(test.images(), channels), channels, first, norm);
    String how = presplit ? "train/ and test/ sub-folders" : "20% of each class held out as test, seed " + SPLIT_SEED;
    return new Dataset(name, tr, te, norm, train.classes(), "PNG/JPEG images in " + dir + " (" + how + ")");
  }

  private static Read pick(Read all, int[] indices) {
    List<Pixels> images = new ArrayList<>();
    int[] labels = new int[indices.length];
    for (int k = 0; k < indices.length; k++) {
      images.add(all.images().get(indices[k]));
      labels[k] = all.labels()[indices[k]];
    }
    return new Read(all.classes(), images, labels);
  }

  private static Read readRoot(Path root, List<String> knownClasses, int height, int width) {
    List<Path> classDirs;
    try (Stream<Path> s = Files.list(root)) {
      classDirs = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted().toList();
    } catch (IOException e) {
      throw new DataException("Image folder " + root + " could not be listed: " + e.getMessage(), e);
    }
    if (classDirs.isEmpty()) throw new DataException("Folder " + root + " has no class sub-folders; " + EXPECTED + ".");
    List<String> classes = knownClasses != null ? knownClasses
        : classDirs.stream().map(p -> p.getFileName().toString()).toList();
    List<Pixels> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (Path classDir : classDirs) {
      String cls = classDir.getFileName().toString();
      int label = classes.indexOf(cls);
      if (label < 0) {
        throw new DataException("Test class folder " + classDir + " has no matching train class folder; the train "
            + "classes are " + classes + ".");
      }
      List<Path> files;
      try (Stream<Path> s = Files.list(classDir)) {
        files = s.filter(Files::isRegularFile).filter(ImageFolder::isImage).sorted().toList();
      } catch (IOException e) {
        throw new DataException("Class folder " + classDir + " could not be listed: " + e.getMessage(), e);
      }
      if (files.isEmpty()) throw new DataException("Class folder " + classDir + " has no PNG or JPEG images.");
      for (Path f : files) {
        images.add(decode(f, height, width));
        labels.add(label);
      }
    }
    return new Read(classes, images, labels.stream().mapToInt(Integer::intValue).toArray());
  }

  private static boolean isImage(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
  }

  private static Pixels decode(Path file, int height, int width) {
    BufferedImage img;
    try {
      img = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw new DataException("File " + file + " is not a readable PNG or JPEG image: " + e.getMessage(), e);
    }
    if (img == null) throw new DataException("File " + file + " is not a readable PNG or JPEG image.");
    boolean grey = img.getColorModel().getNumColorComponents() == 1;
    int h = height > 0 ? height : img.getHeight();
    int w = width > 0 ? width : img.getWidth();
    if (grey) {
      BufferedImage g = img;
      if (g.getType() != BufferedImage.TYPE_BYTE_GRAY || h != img.getHeight() || w != img.getWidth()) {
        g = redraw(img, h, w, BufferedImage.TYPE_BYTE_GRAY);
      }
      Raster r = g.getRaster();
      byte[] v = new byte[h * w];
      for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) v[y * w + x] = (byte) r.getSample(x, y, 0);
      return new Pixels(file, h, w, true, v);
    }
    BufferedImage c = (h != img.getHeight() || w != img.getWidth()) ? redraw(img, h, w, BufferedImage.TYPE_INT_RGB) : img;
    byte[] v = new byte[h * w * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = c.getRGB(x, y);
        int at = (y * w + x) * 3;
        v[at] = (byte) (rgb >> 16);
        v[at + 1] = (byte) (rgb >> 8);
        v[at + 2] = (byte) rgb;
      }
    }
    return new Pixels(file, h, w, false, v);
  }

  private static BufferedImage redraw(BufferedImage src, int h, int w, int type) {
    BufferedImage out = new BufferedImage(w, h, type);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(src, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /** {@code [N, C, H*W]} values in [0, 1], grey images repeated over three channels when needed. */
  private static float[] planar(List<Pixels> images, int channels) {
    if (images.isEmpty()) return new float[0];
    int plane = images.get(0).height() * images.get(0).width();
    float[] out = new float[images.size() * channels * plane];
    for (int i = 0; i < images.size(); i++) {
      Pixels p = images.get(i);
      int base = i * channels * plane;
      for (int c = 0; c < channels; c++) {
        for (int k = 0; k < plane; k++) {
          int b = p.grey() ? p.values()[k] & 0xff : p.values()[k * 3 + c] & 0xff;
          out[base + c * plane + k] = b / 255f;
        }
      }
    }
    return out;
  }

  /** Per-channel mean and std of {@code [N, C, plane]} values; a constant channel gets std 1. */
  private static Normalization statistics(float[] v, int channels, int plane) {
    double[] sum = new double[channels];
    double[] sq = new double[channels];
    for (int i = 0; i < v.length; i++) {
      int c = (i / plane) % channels;
      sum[c] += v[i];
      sq[c] += (double) v[i] * v[i];
    }
    long per = v.length / channels;
    float[] mean = new float[channels];
    float[] std = new float[channels];
    for (int c = 0; c < channels; c++) {
      double m = sum[c] / per;
      double s = Math.sqrt(Math.max(sq[c] / per - m * m, 0));
      mean[c] = (float) m;
      std[c] = s < 1e-6 ? 1f : (float) s;
    }
    return new Normalization(mean, std);
  }

  private static Samples samples(String name, Read r, float[] values, int channels, Pixels first, Normalization norm) {
    norm.applyInPlace(values, first.height() * first.width());
    return new Samples(name, Nd4j.create(values,
        new long[] {r.images().size(), channels, first.height(), first.width()}, 'c'), r.labels(), r.classes().size());
  }
}
