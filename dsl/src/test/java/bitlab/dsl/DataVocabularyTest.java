package bitlab.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.DataException;
import bitlab.data.Dataset;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The data words of a notebook: files people have become data sets that zoo models evaluate as they expect. */
@Tag("slow")
public class DataVocabularyTest {
  @TempDir
  Path dir;

  /** The first {@code n} MNIST-10k test images as 0..255 pixels, and their labels. */
  public static int[][] mnistPixels(int n) {
    Dataset m = Bitlab.mnist();
    INDArray raw = m.normalization().invert(m.test().take(n).images());
    float[] v = raw.data().asFloat();
    int[][] rows = new int[n][785];
    for (int i = 0; i < n; i++) {
      rows[i][0] = m.test().label(i);
      for (int k = 0; k < 784; k++) rows[i][k + 1] = Math.round(v[i * 784 + k] * 255);
    }
    return rows;
  }

  public static Path csv(Path file, int[][] rows) throws IOException {
    StringBuilder b = new StringBuilder("label");
    for (int k = 0; k < 784; k++) b.append(",pixel").append(k);
    b.append('\n');
    for (int[] r : rows) {
      for (int k = 0; k < r.length; k++) b.append(k == 0 ? "" : ",").append(r[k]);
      b.append('\n');
    }
    return Files.writeString(file, b.toString());
  }

  /** An .npy entry: uint8 images [n, 28, 28] or int64 labels [n]. */
  private static byte[] npy(int[][] rows, boolean labels) {
    int n = rows.length;
    String dict = labels
        ? "{'descr': '<i8', 'fortran_order': False, 'shape': (" + n + ",), }"
        : "{'descr': '|u1', 'fortran_order': False, 'shape': (" + n + ", 28, 28), }";
    StringBuilder h = new StringBuilder(dict);
    while ((10 + h.length() + 1) % 64 != 0) h.append(' ');
    h.append('\n');
    ByteBuffer b = ByteBuffer.allocate(10 + h.length() + n * (labels ? 8 : 784))
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length());
    b.put(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    for (int[] r : rows) {
      if (labels) b.putLong(r[0]);
      else for (int k = 1; k < 785; k++) b.put((byte) r[k]);
    }
    return b.array();
  }

  @Test
  void filesOfMnistPixelsEvaluateAsTheZooModelExpects() throws IOException {
    int[][] rows = mnistPixels(300);
    Path train = csv(dir.resolve("digits.csv"), rows);
    Path npz = dir.resolve("digits.npz");
    try (OutputStream out = Files.newOutputStream(npz);
        ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry("x.npy"));
      z.write(npy(rows, false));
      z.putNextEntry(new ZipEntry("y.npy"));
      z.write(npy(rows, true));
    }
    Dataset fromCsv = Bitlab.data(train.toString());
    Dataset fromNpz = Bitlab.data(npz.toString());
    assertEquals(60, fromCsv.test().size());
    assertEquals(48, fromCsv.validation().size());
    assertEquals(192, fromCsv.train().size());
    assertEquals(fromCsv.test().size(), Bitlab.csv(train.toString()).test().size());
    // normalised by their own statistics, brought to MNIST's constants for lenet5: the shipped
    // model reads them right
    var lenet = Bitlab.zoo("lenet5");
    double csvAccuracy = Bitlab.evaluate(lenet, fromCsv).accuracy();
    assertEquals(csvAccuracy, Bitlab.evaluate(lenet, fromNpz).accuracy(), 1e-12);
    assertTrue(csvAccuracy >= 0.95, "lenet5 on MNIST test images read from CSV: " + csvAccuracy);
    // declaring other constants changes what the model sees
    double wrong = Bitlab.evaluate(lenet.normalize(0.9, 0.05), fromCsv).accuracy();
    assertTrue(wrong < csvAccuracy - 0.2, "a wrong normalisation gave " + wrong);
  }

  @Test
  void subsetsKeepAShareOfTheValidationPart() {
    Dataset d = Bitlab.mnist();
    Dataset s = Bitlab.subset(d, 640, 200);
    assertEquals(640, s.train().size());
    assertEquals(160, s.validation().size());
    assertEquals(200, s.test().size());
    Dataset t = Bitlab.subset(d, 640, 100, 200);
    assertEquals(100, t.validation().size());
    assertTrue(
        t.source().contains("stratified subset: 640 train / 100 validation / 200 test (seed 1)"),
        t.source());
  }

  @Test
  void aDataSetWithoutAValidationPartCannotRankPolicies() {
    Dataset d = Bitlab.subset(Bitlab.mnist(), 200, 50);
    Dataset none = new Dataset("mnist", d.train(), d.test(), d.normalization(), d.classNames(), "");
    DataException e = assertThrows(
        DataException.class,
        () -> Bitlab.hawq(Bitlab.zoo("lenet5"), none).images(16).pareto(2, true));
    assertEquals(
        "Data set mnist has no validation part, and searches rank policies on images the model never trained on: make "
            + "one with data.withValidation(0.2, 42), which holds out 20% of every class of its 200 training images, and train the "
            + "model on the rest.",
        e.getMessage());
  }
}
