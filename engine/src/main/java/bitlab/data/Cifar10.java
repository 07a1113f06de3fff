package bitlab.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Reader for the binary version of CIFAR-10. */
final class Cifar10 {
  private Cifar10() {}

  static final int SIDE = 32;
  static final int PIXELS = 3 * SIDE * SIDE;
  static final int RECORD = 1 + PIXELS;
  static final List<String> TRAIN_FILES = List.of(
      "data_batch_1.bin",
      "data_batch_2.bin",
      "data_batch_3.bin",
      "data_batch_4.bin",
      "data_batch_5.bin");
  static final String TEST_FILE = "test_batch.bin";
  static final List<String> CLASS_NAMES = List.of(
      "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
  private static final String EXPECTED =
      "expected data_batch_1.bin .. data_batch_5.bin and test_batch.bin "
          + "(the binary version of CIFAR-10)";

  static Dataset read(Path dir, Normalization norm) {
    if (dir == null)
      throw new DataException(
          "Reading a CIFAR-10 folder needs its path, got none; " + EXPECTED + ".");
    if (norm.channels() != 3) {
      throw new DataException("CIFAR-10 images have 3 channels; a normalisation for "
          + norm.channels() + " channel(s) does not fit.");
    }
    if (!Files.exists(dir))
      throw new DataException(
          "CIFAR-10 folder " + dir + " does not exist; " + EXPECTED + " there.");
    if (!Files.isDirectory(dir))
      throw new DataException(
          dir + " is a file, not a CIFAR-10 folder; " + EXPECTED + " in a folder.");
    Path base = dir;
    Path inner = dir.resolve("cifar-10-batches-bin");
    if (!Files.exists(dir.resolve(TRAIN_FILES.get(0))) && Files.isDirectory(inner)) base = inner;
    List<Path> trainFiles = new ArrayList<>();
    for (String f : TRAIN_FILES) trainFiles.add(require(base, f));
    Path testFile = require(base, TEST_FILE);

    Samples train = samples("cifar10/train", trainFiles, norm);
    Samples test = samples("cifar10/test", List.of(testFile), norm);
    return new Dataset(
            "cifar10", train, test, norm, classNames(base), "CIFAR-10 binary files in " + base)
        .withDefaultValidation();
  }

  private static Path require(Path base, String file) {
    Path p = base.resolve(file);
    if (!Files.isRegularFile(p)) {
      throw new DataException(
          "CIFAR-10 folder " + base + " has no " + file + "; " + EXPECTED + ".");
    }
    return p;
  }

  private static List<String> classNames(Path base) {
    Path meta = base.resolve("batches.meta.txt");
    if (!Files.isRegularFile(meta)) return CLASS_NAMES;
    try {
      List<String> names = new ArrayList<>();
      for (String line : Files.readAllLines(meta, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) names.add(line.strip());
      }
      return names.size() == CLASS_NAMES.size() ? names : CLASS_NAMES;
    } catch (IOException e) {
      return CLASS_NAMES;
    }
  }

  private static Samples samples(String name, List<Path> files, Normalization norm) {
    long[] counts = new long[files.size()];
    long total = 0;
    for (int f = 0; f < files.size(); f++) {
      counts[f] = recordCount(files.get(f));
      total += counts[f];
    }
    if (total > Integer.MAX_VALUE / PIXELS)
      throw new DataException("CIFAR-10 split " + name + " has too many records (" + total + ").");
    INDArray images = Nd4j.create(DataType.FLOAT, total, 3, SIDE, SIDE);
    int[] labels = new int[(int) total];
    int offset = 0;
    for (int f = 0; f < files.size(); f++) {
      Path file = files.get(f);
      byte[] raw = readAll(file);
      int n = (int) counts[f];
      float[] v = new float[n * PIXELS];
      for (int r = 0; r < n; r++) {
        int at = r * RECORD;
        int label = raw[at] & 0xff;
        if (label >= CLASS_NAMES.size()) {
          throw new DataException("File " + file + " record " + r + " has label " + label
              + "; CIFAR-10 labels are 0..9.");
        }
        labels[offset + r] = label;
        for (int k = 0; k < PIXELS; k++) v[r * PIXELS + k] = (raw[at + 1 + k] & 0xff) / 255f;
      }
      norm.applyInPlace(v, SIDE * SIDE);
      images
          .get(
              NDArrayIndex.interval(offset, offset + n),
              NDArrayIndex.all(),
              NDArrayIndex.all(),
              NDArrayIndex.all())
          .assign(Nd4j.create(v, new long[] {n, 3, SIDE, SIDE}, 'c'));
      offset += n;
    }
    return new Samples(name, images, labels, CLASS_NAMES.size());
  }

  private static long recordCount(Path file) {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new DataException("File " + file + " could not be read: " + e.getMessage(), e);
    }
    if (size == 0) {
      throw new DataException(
          "File " + file + " is empty; a CIFAR-10 batch holds records of 1 label byte and " + PIXELS
              + " pixel bytes.");
    }
    if (size % RECORD != 0) {
      throw new DataException(
          "File " + file + " is truncated or malformed: record " + (size / RECORD)
              + " (counting from 0) has " + (size % RECORD) + " of its " + RECORD + " bytes.");
    }
    return size / RECORD;
  }

  private static byte[] readAll(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new DataException("File " + file + " could not be read: " + e.getMessage(), e);
    }
  }
}
