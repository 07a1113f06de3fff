package bitlab.data;

import static bitlab.data.ArrayReadersTest.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad file gets one sentence that names the file and says what to do. */
class BadDataFilesTest {
  @TempDir
  Path dir;

  private static String message(Runnable r) {
    return assertThrows(DataException.class, r::run).getMessage();
  }

  /** An .npy file written by hand: version 1.0 header with the given dict, then the data bytes. */
  private Path npy(String name, String dict, byte[] data) throws IOException {
    StringBuilder h = new StringBuilder(dict);
    while ((10 + h.length() + 1) % 64 != 0) h.append(' ');
    h.append('\n');
    byte[] header = h.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[10 + header.length + data.length];
    byte[] magic = {
      (byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length, (byte) (header.length >> 8)
    };
    System.arraycopy(magic, 0, out, 0, 10);
    System.arraycopy(header, 0, out, 10, header.length);
    System.arraycopy(data, 0, out, 10 + header.length, data.length);
    return Files.write(dir.resolve(name), out);
  }

  @Test
  void aWrongPathIsNamed() {
    Path missing = dir.resolve("nowhere.npy");
    assertEquals(
        "File " + missing + " does not exist; give the path of an .npy file that numpy.save wrote.",
        message(() -> Datasets.npy(missing, missing)));
    assertTrue(message(() -> Datasets.read(dir.resolve("x.npz")))
        .startsWith(
            "File " + dir.resolve("x.npz") + " does not exist; " + "bitlab reads .npz archives"));
    assertTrue(message(() -> Datasets.csv(dir)).contains("is a folder, not a CSV file."));
  }

  @Test
  void aTruncatedNpyFileSaysHowMuchIsMissing() throws IOException {
    byte[] whole = Files.readAllBytes(fixture("grey_f4.npy"));
    Path cut = Files.write(dir.resolve("cut.npy"), Arrays.copyOf(whole, whole.length - 100));
    assertEquals(
        "File " + cut
            + " is truncated: its header declares float32 values of shape [20, 6, 6] (2,880 bytes) but it "
            + "holds 2,780; save it again with numpy.save.",
        message(() -> Datasets.npy(cut, fixture("labels_i8.npy"))));
    Path header = Files.write(dir.resolve("header.npy"), Arrays.copyOf(whole, 40));
    assertTrue(message(() -> Datasets.npy(header, fixture("labels_i8.npy")))
        .contains("is truncated: it ends inside its .npy header"));
  }

  @Test
  void filesThatAreNotNpyOrHoldOtherTypesAreNamed() throws IOException {
    Path text = Files.writeString(dir.resolve("text.npy"), "1,2,3\n");
    assertTrue(
        message(() -> Datasets.npy(text, text))
            .startsWith(
                "File " + text + " is not an .npy file (it does not start "
                    + "with \\x93NUMPY); save it with numpy.save(path, numpy.asarray(x, dtype=numpy.float32))"));
    Path objects = npy(
        "objects.npy", "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", new byte[16]);
    assertTrue(
        message(() -> Datasets.npy(objects, objects))
            .startsWith(
                "File " + objects + " holds values of type '|O' "
                    + "(Python objects, which need pickle); bitlab reads float32, float64, integers and booleans"));
    Path half =
        npy("half.npy", "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", new byte[4]);
    assertTrue(message(() -> Datasets.npy(half, half)).contains("'<f2' (float16)"));
    Path fields = npy(
        "fields.npy",
        "{'descr': [('x', '<f4'), ('y', '<i8')], 'fortran_order': False, 'shape': (2,), }",
        new byte[24]);
    assertTrue(message(() -> Datasets.npy(fields, fields)).contains("holds a structured array"));
  }

  @Test
  void nanInTheDataNamesTheFileAndTheImage() throws IOException {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(4 * 4 * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 16; i++) b.putFloat(i == 9 ? Float.NaN : 0.5f);
    Path nan =
        npy("nan.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 2, 2), }", b.array());
    Path labels = npy(
        "y.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }", new byte[] {0, 1, 0, 1
        });
    assertEquals(
        "File " + nan
            + " has NaN in image 2 (counting from 0); fix or drop that image before loading, e.g. with "
            + "numpy.nan_to_num.",
        message(() -> Datasets.npy(nan, labels)));
    Path csv = Files.writeString(dir.resolve("nan.csv"), "label,a,b,c,d\n0,1,2,3,4\n1,5,nan,7,8\n");
    assertEquals(
        "File " + csv
            + " has NaN in image 1 (counting from 0); fix or drop that image before loading, e.g. with "
            + "numpy.nan_to_num.",
        message(() -> Datasets.csv(csv)));
  }

  @Test
  void labelsOutOfRangeAreNamed() throws IOException {
    Path images = npy(
        "x.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (4, 2, 2), }", new byte[16]);
    Path negative = npy(
        "neg.npy", "{'descr': '<i8', 'fortran_order': False, 'shape': (4,), }", longs(0, 1, -1, 1));
    assertEquals(
        "File " + negative
            + " has label -1.0 at index 2; labels must be class numbers 0, 1, 2, ... (one per image).",
        message(() -> Datasets.npy(images, negative)));
    Path fromOne = npy(
        "one.npy", "{'descr': '<i8', 'fortran_order': False, 'shape': (4,), }", longs(1, 2, 10, 3));
    assertEquals(
        "The labels of " + images
            + " run up to 10 but none is 0; bitlab counts classes from 0, so labels that count "
            + "from 1 need 1 subtracted (y - 1) before loading.",
        message(() -> Datasets.npy(images, fromOne)));
    Path few =
        npy("few.npy", "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", longs(0, 1, 0));
    assertEquals(
        "File " + images + " has 4 images but " + few + " has 3 labels; give one label per image.",
        message(() -> Datasets.npy(images, few)));
    Path csv = Files.writeString(dir.resolve("half.csv"), "0,1,2,3,4\n1.5,5,6,7,8\n");
    assertEquals(
        "File " + csv
            + " has label 1.5 at index 1; labels must be class numbers 0, 1, 2, ... (one per image).",
        message(() -> Datasets.csv(csv)));
  }

  private static byte[] longs(long... v) {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(8 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (long x : v) b.putLong(x);
    return b.array();
  }

  @Test
  void aRaggedCsvRowIsNamedByLine() throws IOException {
    Path csv =
        Files.writeString(dir.resolve("ragged.csv"), "label,p0,p1,p2,p3\n0,1,2,3,4\n1,5,6,7\n");
    assertEquals(
        "File " + csv
            + " line 3 has 4 values but line 1 has 5; every line needs the label and 4 pixels.",
        message(() -> Datasets.csv(csv)));
    Path word = Files.writeString(dir.resolve("word.csv"), "0,1,2,3,4\n1,5,six,7,8\n");
    assertEquals(
        "File " + word
            + " line 2 column 3 holds 'six', which is not a number; every value after the header must be "
            + "a number.",
        message(() -> Datasets.csv(word)));
    Path unlabelled =
        Files.writeString(dir.resolve("test.csv"), "pixel0,pixel1,pixel2,pixel3\n1,2,3,4\n");
    assertEquals(
        "File " + unlabelled
            + " has a header (pixel0, pixel1, pixel2, ...) but no column named label, class, target or "
            + "y; bitlab needs a label for every image: name the label column 'label'.",
        message(() -> Datasets.csv(unlabelled)));
    Path notSquare = Files.writeString(dir.resolve("five.csv"), "0,1,2,3,4,5\n1,1,2,3,4,5\n");
    assertTrue(message(() -> Datasets.csv(notSquare))
        .contains("holds rows of 5 values, which are not square images"));
    Path empty = Files.writeString(dir.resolve("empty.csv"), "\n");
    assertTrue(message(() -> Datasets.csv(empty)).contains("is empty"));
  }

  @Test
  void npzAndIdxProblemsAreNamed() throws IOException {
    Path npz = dir.resolve("odd.npz");
    try (java.util.zip.ZipOutputStream z =
        new java.util.zip.ZipOutputStream(Files.newOutputStream(npz))) {
      z.putNextEntry(new java.util.zip.ZipEntry("pictures.npy"));
      z.write(Files.readAllBytes(fixture("grey_u1.npy")));
      z.closeEntry();
    }
    assertEquals(
        "File " + npz
            + " has the arrays [pictures] but none bitlab recognises as images and labels; name them x_train, "
            + "y_train (and x_val, y_val, x_test, y_test), or x and y.",
        message(() -> Datasets.npz(npz)));
    byte[] whole = Files.readAllBytes(fixture("parts.npz"));
    Path cut = Files.write(dir.resolve("cut.npz"), Arrays.copyOf(whole, whole.length / 2));
    assertTrue(message(() -> Datasets.npz(cut))
        .startsWith("File " + cut + " is not an .npz archive (a zip of .npy arrays) or it "
            + "is truncated"));

    byte[] idx = Files.readAllBytes(fixture("labels_u1.idx"));
    Path shortIdx = Files.write(dir.resolve("labels.idx"), Arrays.copyOf(idx, idx.length - 5));
    assertEquals(
        "File " + shortIdx
            + " is truncated: its header declares shape [20] (20 bytes of values) but it holds 15; "
            + "download it again.",
        message(() -> Datasets.idx(fixture("grey_f4.idx"), shortIdx)));
    Path notIdx = Files.writeString(dir.resolve("readme.idx"), "hello, world");
    assertTrue(message(() -> Datasets.idx(notIdx, notIdx))
        .startsWith("File " + notIdx + " is not an IDX file (magic number 0x"));
  }

  @Test
  void aFolderOfIdxFilesNeedsItsTrainingPair() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("mnist"));
    Files.copy(
        fixture("idx/train-images-idx3-ubyte.gz"), folder.resolve("train-images-idx3-ubyte.gz"));
    assertEquals(
        "Folder " + folder
            + " has IDX files but no train-labels-idx1-ubyte(.gz); it needs train-images and "
            + "train-labels, and optionally t10k-images and t10k-labels.",
        message(() -> Datasets.read(folder)));
  }

  @Test
  void singleArrayFilesAskForTheirLabels() {
    assertEquals(
        "File " + fixture("grey_u1.npy")
            + " is one array; give its labels too: npy(\"grey_u1.npy\", \"labels.npy\"), "
            + "or save both in one archive with numpy.savez(path, x=images, y=labels).",
        message(() -> Datasets.read(fixture("grey_u1.npy"))));
    assertTrue(message(() -> Datasets.read(fixture("labels_u1.idx")))
        .contains("is one IDX file; give images and labels together"));
  }
}
