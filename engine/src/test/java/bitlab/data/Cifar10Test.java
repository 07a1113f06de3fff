package bitlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class Cifar10Test {
  private static final int RECORD = 3073;

  /** Record r of file f: label (f*7 + r) % 10; red plane value (f*40 + r) % 256, green 10, blue 200, pixel 5 of red 255. */
  private static byte[] batch(int file, int records) {
    byte[] b = new byte[records * RECORD];
    for (int r = 0; r < records; r++) {
      int at = r * RECORD;
      b[at] = (byte) ((file * 7 + r) % 10);
      Arrays.fill(b, at + 1, at + 1 + 1024, (byte) ((file * 40 + r) % 256));
      Arrays.fill(b, at + 1 + 1024, at + 1 + 2048, (byte) 10);
      Arrays.fill(b, at + 1 + 2048, at + 1 + 3072, (byte) 200);
      b[at + 1 + 5] = (byte) 255;
    }
    return b;
  }

  /** Writes data_batch_1..5 (3 records each) and test_batch (4 records) into dir. */
  static void writeCifar(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (int f = 1; f <= 5; f++) Files.write(dir.resolve("data_batch_" + f + ".bin"), batch(f, 3));
    Files.write(dir.resolve("test_batch.bin"), batch(0, 4));
  }

  @Test
  void readsRecordsInFileOrderWithPlanarChannelsAndCifarNormalisation(@TempDir Path dir)
      throws IOException {
    writeCifar(dir);
    Dataset d = Datasets.cifar10(dir);
    assertEquals(12, d.train().size());
    assertEquals(3, d.validation().size());
    assertEquals(4, d.test().size());
    assertArrayEquals(new int[] {3, 32, 32}, d.shape());
    assertEquals(
        List.of(
            "airplane",
            "automobile",
            "bird",
            "cat",
            "deer",
            "dog",
            "frog",
            "horse",
            "ship",
            "truck"),
        d.classNames());
    // record r of file f has red value f*40 + r: train and validation together hold each record
    // once, in file order
    // within each part, with its label
    List<Integer> seen = new java.util.ArrayList<>();
    for (Samples part : List.of(d.train(), d.validation())) {
      INDArray raw = d.normalization().invert(part.images());
      int previous = -1;
      for (int i = 0; i < part.size(); i++) {
        int red = Math.round(raw.getFloat(i, 0, 3, 3) * 255);
        int f = red / 40;
        int r = red % 40;
        assertEquals((f * 7 + r) % 10, part.label(i));
        assertTrue(red > previous, "file order");
        previous = red;
        seen.add(red);
      }
    }
    assertEquals(
        List.of(40, 41, 42, 80, 81, 82, 120, 121, 122, 160, 161, 162, 200, 201, 202),
        seen.stream().sorted().toList());
    assertArrayEquals(new int[] {0, 1, 2, 3}, d.test().labels());

    INDArray x = d.test().images();
    // test image 3 is record 3 of test_batch: red 3, green 10, blue 200; red pixel (0,5) is 255
    assertEquals((3 / 255f - 0.4914f) / 0.2470f, x.getFloat(3, 0, 3, 3), 1e-5);
    assertEquals((10 / 255f - 0.4822f) / 0.2435f, x.getFloat(3, 1, 31, 0), 1e-5);
    assertEquals((200 / 255f - 0.4465f) / 0.2616f, x.getFloat(3, 2, 0, 5), 1e-5);
    assertEquals((1f - 0.4914f) / 0.2470f, x.getFloat(3, 0, 0, 5), 1e-5);
    INDArray raw = d.normalization().invert(d.test().images());
    assertEquals(3 / 255f, raw.getFloat(3, 0, 10, 10), 1e-6);
  }

  @Test
  void findsTheArchiveFolderAndClassNamesFile(@TempDir Path dir) throws IOException {
    Path inner = dir.resolve("cifar-10-batches-bin");
    writeCifar(inner);
    Files.writeString(inner.resolve("batches.meta.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n");
    Dataset d = Datasets.cifar10(dir, Normalization.none(3));
    assertEquals("j", d.classNames().get(9));
    assertEquals(200 / 255f, d.train().images().getFloat(0, 2, 0, 0), 1e-6);
  }

  @Test
  void truncatedFileNamesTheFileAndTheRecord(@TempDir Path dir) throws IOException {
    writeCifar(dir);
    Path bad = dir.resolve("data_batch_4.bin");
    byte[] full = batch(4, 3);
    Files.write(bad, Arrays.copyOf(full, 2 * RECORD + 1000));
    DataException e = assertThrows(DataException.class, () -> Datasets.cifar10(dir));
    assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("record 2 "), e.getMessage());
    assertTrue(e.getMessage().contains("1000 of its 3073 bytes"), e.getMessage());
  }

  @Test
  void badLabelAndEmptyFileAreNamed(@TempDir Path dir) throws IOException {
    writeCifar(dir);
    byte[] b = batch(0, 4);
    b[2 * RECORD] = (byte) 12;
    Path test = dir.resolve("test_batch.bin");
    Files.write(test, b);
    DataException e = assertThrows(DataException.class, () -> Datasets.cifar10(dir));
    assertTrue(e.getMessage().contains(test + " record 2 has label 12"), e.getMessage());
    Files.write(test, new byte[0]);
    e = assertThrows(DataException.class, () -> Datasets.cifar10(dir));
    assertTrue(e.getMessage().contains(test + " is empty"), e.getMessage());
  }

  @Test
  void wrongPathsSayWhatWasExpected(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("nowhere");
    DataException e = assertThrows(DataException.class, () -> Datasets.cifar10(missing));
    assertTrue(e.getMessage().contains(missing + " does not exist"), e.getMessage());
    assertTrue(e.getMessage().contains("data_batch_1.bin"), e.getMessage());

    Path file = Files.writeString(dir.resolve("file.bin"), "x");
    e = assertThrows(DataException.class, () -> Datasets.cifar10(file));
    assertTrue(e.getMessage().contains(file + " is a file"), e.getMessage());

    writeCifar(dir.resolve("c"));
    Files.delete(dir.resolve("c").resolve("data_batch_3.bin"));
    e = assertThrows(DataException.class, () -> Datasets.cifar10(dir.resolve("c")));
    assertTrue(e.getMessage().contains("has no data_batch_3.bin"), e.getMessage());
  }
}
