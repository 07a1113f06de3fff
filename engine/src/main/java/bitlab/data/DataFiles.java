package bitlab.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which reader a path needs: {@link #read(Path)} looks at the file's name (or the folder's contents),
 * and the NPZ and IDX-folder layouts are resolved here.
 */
final class DataFiles {
  private DataFiles() {}

  static final String WHAT_BITLAB_READS =
      "bitlab reads .npz archives, .npy arrays (npy(images, labels)), CSV files of "
          + "pixels (.csv, .csv.gz), IDX files (idx(images, labels), or a folder of them), CIFAR-10's binary folder and folders "
          + "of PNG/JPEG images";

  /** NPZ keys of images and labels per part, in order of preference ({@code P} stands for the part's names). */
  private static final List<String> IMAGE_KEYS =
      List.of("x_P", "P_x", "images_P", "P_images", "data_P", "P_data");

  private static final List<String> LABEL_KEYS = List.of(
      "y_P", "P_y", "labels_P", "P_labels", "targets_P", "P_targets", "target_P", "P_target");
  private static final List<String> TRAIN = List.of("train");
  private static final List<String> VALIDATION = List.of("val", "valid", "validation");
  private static final List<String> TEST = List.of("test");
  private static final List<String> POOL_IMAGES = List.of("x", "images", "data", "inputs");
  private static final List<String> POOL_LABELS = List.of("y", "labels", "targets", "target");

  private static final Pattern IDX_FILE =
      Pattern.compile("(train|t10k|test)-(images|labels)[-.]idx([13])-ubyte(\\.gz)?");

  static Dataset read(Path path) {
    if (path == null)
      throw new DataException("Give the path of a data file or folder; " + WHAT_BITLAB_READS + ".");
    if (!Files.exists(path))
      throw new DataException("File " + path + " does not exist; " + WHAT_BITLAB_READS + ".");
    if (Files.isDirectory(path)) return folder(path);
    String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".npz")) return npz(path);
    if (n.endsWith(".csv") || n.endsWith(".csv.gz")) return csv(path, null);
    if (n.endsWith(".npy")) {
      throw new DataException(
          "File " + path + " is one array; give its labels too: npy(\"" + path.getFileName()
              + "\", \"labels.npy\"), or save both in one archive with numpy.savez(path, x=images, y=labels).");
    }
    if (IDX_FILE.matcher(n).matches() || n.contains("idx")) {
      throw new DataException("File " + path
          + " is one IDX file; give images and labels together: idx(images, labels), or read "
          + "the folder that holds train-images/train-labels and t10k-images/t10k-labels.");
    }
    throw new DataException("File " + path
        + " is not a kind of data file bitlab knows by its name; " + WHAT_BITLAB_READS + ".");
  }

  private static Dataset folder(Path dir) {
    if (Files.exists(dir.resolve("data_batch_1.bin"))
        || Files.isDirectory(dir.resolve("cifar-10-batches-bin"))) {
      return Datasets.cifar10(dir);
    }
    List<Path> idx = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> IDX_FILE
              .matcher(p.getFileName().toString().toLowerCase(Locale.ROOT))
              .matches())
          .sorted()
          .forEach(idx::add);
    } catch (IOException e) {
      throw new DataException("Folder " + dir + " could not be listed: " + e.getMessage(), e);
    }
    if (!idx.isEmpty()) return idxFolder(dir, idx);
    return ImageFolder.read(dir, 0, 0);
  }

  /** MNIST's distribution layout: train-images / train-labels, and t10k- (or test-) images and labels. */
  private static Dataset idxFolder(Path dir, List<Path> files) {
    Path[] found = new Path[4]; // train images, train labels, test images, test labels
    for (Path p : files) {
      Matcher m = IDX_FILE.matcher(p.getFileName().toString().toLowerCase(Locale.ROOT));
      if (!m.matches()) continue;
      int at = (m.group(1).equals("train") ? 0 : 2) + (m.group(2).equals("labels") ? 1 : 0);
      if (found[at] == null) found[at] = p;
    }
    String[] names = {
      "train-images-idx3-ubyte",
      "train-labels-idx1-ubyte",
      "t10k-images-idx3-ubyte",
      "t10k-labels-idx1-ubyte"
    };
    for (int i = 0; i < 2; i++) {
      if (found[i] == null) {
        throw new DataException("Folder " + dir + " has IDX files but no " + names[i]
            + "(.gz); it needs train-images and "
            + "train-labels, and optionally t10k-images and t10k-labels.");
      }
    }
    if ((found[2] == null) != (found[3] == null)) {
      throw new DataException("Folder " + dir + " has " + (found[2] == null ? names[3] : names[2])
          + " but no " + (found[2] == null ? names[2] : names[3])
          + "(.gz); give the test images and labels together.");
    }
    ArrayData.Part test =
        found[2] == null ? null : new ArrayData.Part(Idx.read(found[2]), Idx.read(found[3]));
    return ArrayData.build(
        name(dir),
        new ArrayData.Part(Idx.read(found[0]), Idx.read(found[1])),
        null,
        test,
        "IDX files in " + dir);
  }

  static Dataset idx(Path images, Path labels) {
    return ArrayData.build(
        name(images),
        new ArrayData.Part(Idx.read(images), Idx.read(labels)),
        null,
        null,
        "IDX files " + images + " and " + labels);
  }

  static Dataset npy(Path images, Path labels) {
    return ArrayData.build(
        name(images),
        new ArrayData.Part(Npy.read(images), Npy.read(labels)),
        null,
        null,
        "arrays " + images + " and " + labels);
  }

  static Dataset csv(Path train, Path test) {
    Csv.Table tr = Csv.read(train);
    ArrayData.Part te = null;
    if (test != null) {
      Csv.Table t = Csv.read(test);
      te = new ArrayData.Part(t.pixels(), t.labels());
    }
    return ArrayData.build(
        name(train),
        new ArrayData.Part(tr.pixels(), tr.labels()),
        null,
        te,
        "CSV " + train + (test == null ? "" : " and " + test));
  }

  /**
   * An NPZ archive with a training part ({@code x_train}/{@code y_train}, or {@code train_images}/{@code train_labels},
   * ...), optionally validation ({@code x_val}, {@code x_valid}, {@code x_validation}) and test ({@code x_test}) parts,
   * or one pool of images ({@code x}/{@code y}, {@code images}/{@code labels}, ...) that is split.
   */
  static Dataset npz(Path file) {
    List<String> keys = Npz.keys(file);
    String[] train = pair(keys, TRAIN);
    String[] validation = pair(keys, VALIDATION);
    String[] test = pair(keys, TEST);
    String[] pool = train != null ? train : pool(keys);
    if (pool == null) {
      throw new DataException("File " + file + " has the arrays " + keys
          + " but none bitlab recognises as images and labels; "
          + "name them x_train, y_train (and x_val, y_val, x_test, y_test), or x and y.");
    }
    List<String> wanted = new ArrayList<>(List.of(pool));
    if (validation != null) wanted.addAll(List.of(validation));
    if (test != null) wanted.addAll(List.of(test));
    Map<String, RawArray> a = Npz.read(file, wanted);
    ArrayData.Part tr = new ArrayData.Part(a.get(pool[0]), a.get(pool[1]));
    ArrayData.Part va =
        validation == null ? null : new ArrayData.Part(a.get(validation[0]), a.get(validation[1]));
    ArrayData.Part te = test == null ? null : new ArrayData.Part(a.get(test[0]), a.get(test[1]));
    return ArrayData.build(
        name(file), tr, va, te, "arrays " + String.join(", ", wanted) + " of " + file);
  }

  /** The image and label keys of a part, or null; case does not matter. */
  private static String[] pair(List<String> keys, List<String> partNames) {
    for (String part : partNames) {
      String x = find(keys, IMAGE_KEYS, part);
      String y = find(keys, LABEL_KEYS, part);
      if (x != null && y != null) return new String[] {x, y};
    }
    return null;
  }

  private static String find(List<String> keys, List<String> patterns, String part) {
    for (String p : patterns) {
      String want = p.replace("P", part);
      for (String k : keys) if (k.equalsIgnoreCase(want)) return k;
    }
    return null;
  }

  private static String[] pool(List<String> keys) {
    for (String x : POOL_IMAGES) {
      for (String y : POOL_LABELS) {
        String kx = keys.stream().filter(k -> k.equalsIgnoreCase(x)).findFirst().orElse(null);
        String ky = keys.stream().filter(k -> k.equalsIgnoreCase(y)).findFirst().orElse(null);
        if (kx != null && ky != null) return new String[] {kx, ky};
      }
    }
    return null;
  }

  /** A data set's name from its file: the name without extensions. */
  static String name(Path p) {
    String n = p.getFileName() == null ? p.toString() : p.getFileName().toString();
    int dot = n.indexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }
}
