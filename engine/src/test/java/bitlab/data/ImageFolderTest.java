package bitlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class ImageFolderTest {
  private static void grey(Path file, int w, int h, int value) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, value);
    Files.createDirectories(file.getParent());
    ImageIO.write(img, "png", file.toFile());
  }

  private static void rgb(Path file, int w, int h, int r, int g, int b) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, (r << 16) | (g << 8) | b);
    Files.createDirectories(file.getParent());
    ImageIO.write(img, "png", file.toFile());
  }

  @Test void greyClassFoldersAreSplitStratifiedAndNormalised(@TempDir Path dir) throws IOException {
    // class "cat": 10 images of value 10*i, class "dog": 5 images of value 200
    for (int i = 0; i < 10; i++) grey(dir.resolve("cat").resolve("c" + i + ".png"), 6, 4, 10 * i);
    for (int i = 0; i < 5; i++) grey(dir.resolve("dog").resolve("d" + i + ".PNG"), 6, 4, 200);
    Files.writeString(dir.resolve("dog").resolve("notes.txt"), "not an image");
    Dataset d = Datasets.images(dir);
    assertEquals(List.of("cat", "dog"), d.classNames());
    assertArrayEquals(new int[] {1, 4, 6}, d.shape());
    assertEquals(12, d.train().size());
    assertEquals(3, d.test().size());
    assertArrayEquals(new int[] {8, 4}, d.train().classCounts());
    assertArrayEquals(new int[] {2, 1}, d.test().classCounts());
    // train statistics normalise train to mean 0, std 1
    assertEquals(0.0, d.train().images().meanNumber().doubleValue(), 1e-5);
    assertEquals(1.0, d.train().images().stdNumber(false).doubleValue(), 1e-4);
    // inverted pixels are the grey values written, per label
    INDArray raw = d.normalization().invert(d.train().images());
    for (int i = 0; i < d.train().size(); i++) {
      float v = raw.getFloat(i, 0, 2, 3) * 255f;
      if (d.train().label(i) == 1) assertEquals(200f, v, 1e-3);
      else {
        assertEquals(Math.round(v), v, 1e-3);
        assertEquals(0, Math.round(v) % 10, "grey value " + v);
      }
    }
    // the split is fixed
    assertArrayEquals(d.test().labels(), Datasets.images(dir).test().labels());
  }

  @Test void trainAndTestFoldersAreUsedAsGivenAndColourGivesThreeChannels(@TempDir Path dir) throws IOException {
    rgb(dir.resolve("train/red/a.png"), 3, 3, 255, 0, 0);
    rgb(dir.resolve("train/red/b.png"), 3, 3, 200, 0, 0);
    rgb(dir.resolve("train/blue/a.png"), 3, 3, 0, 0, 255);
    grey(dir.resolve("test/blue/g.png"), 3, 3, 51);
    Dataset d = Datasets.images(dir);
    assertEquals(List.of("blue", "red"), d.classNames());
    assertArrayEquals(new int[] {3, 3, 3}, d.shape());
    assertArrayEquals(new int[] {0, 1, 1}, d.train().labels());
    assertArrayEquals(new int[] {0}, d.test().labels());
    INDArray raw = d.normalization().invert(d.test().images());
    for (int c = 0; c < 3; c++) assertEquals(0.2f, raw.getFloat(0, c, 1, 1), 1e-5);
    INDArray tr = d.normalization().invert(d.train().images());
    assertEquals(1f, tr.getFloat(0, 2, 0, 0), 1e-5);
    assertEquals(200 / 255f, tr.getFloat(2, 0, 2, 2), 1e-5);
    assertEquals(0f, tr.getFloat(2, 1, 2, 2), 1e-5);
  }

  @Test void jpegImagesAreRead(@TempDir Path dir) throws IOException {
    for (int i = 0; i < 3; i++) {
      BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) img.setRGB(x, y, 0x20A0E0);
      Files.createDirectories(dir.resolve("sky"));
      ImageIO.write(img, "jpg", dir.resolve("sky").resolve(i + (i == 0 ? ".jpeg" : ".JPG")).toFile());
    }
    Dataset d = Datasets.images(dir);
    assertArrayEquals(new int[] {3, 8, 8}, d.shape());
    assertEquals(3, d.train().size() + d.test().size());
    INDArray raw = d.normalization().invert(d.train().images());
    // JPEG is lossy: a flat colour comes back within a few levels
    assertEquals(0x20 / 255f, raw.getFloat(0, 0, 4, 4), 4 / 255f);
    assertEquals(0xA0 / 255f, raw.getFloat(0, 1, 4, 4), 4 / 255f);
    assertEquals(0xE0 / 255f, raw.getFloat(0, 2, 4, 4), 4 / 255f);
  }

  @Test void mixedSizesAreRejectedOrResized(@TempDir Path dir) throws IOException {
    grey(dir.resolve("a/1.png"), 8, 8, 100);
    grey(dir.resolve("a/2.png"), 8, 8, 100);
    grey(dir.resolve("b/1.png"), 16, 12, 100);
    grey(dir.resolve("b/2.png"), 8, 8, 100);
    DataException e = assertThrows(DataException.class, () -> Datasets.images(dir));
    assertTrue(e.getMessage().contains("16x12"), e.getMessage());
    assertTrue(e.getMessage().contains("1.png"), e.getMessage());
    assertTrue(e.getMessage().contains("Datasets.images(dir, height, width)"), e.getMessage());
    Dataset d = Datasets.images(dir, 4, 5);
    assertArrayEquals(new int[] {1, 4, 5}, d.shape());
    INDArray raw = d.normalization().invert(d.train().images());
    assertEquals(100 / 255f, raw.getFloat(0, 0, 3, 4), 1e-5);
  }

  @Test void badFoldersAndFilesGetOneClearSentence(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("none");
    DataException e = assertThrows(DataException.class, () -> Datasets.images(missing));
    assertTrue(e.getMessage().contains(missing + " does not exist"), e.getMessage());

    Path empty = Files.createDirectory(dir.resolve("empty"));
    e = assertThrows(DataException.class, () -> Datasets.images(empty));
    assertTrue(e.getMessage().contains(empty + " has no class sub-folders"), e.getMessage());

    Path noImages = dir.resolve("noimages");
    Files.createDirectories(noImages.resolve("cls"));
    Files.writeString(noImages.resolve("cls/readme.txt"), "hi");
    e = assertThrows(DataException.class, () -> Datasets.images(noImages));
    assertTrue(e.getMessage().contains(noImages.resolve("cls") + " has no PNG or JPEG images"), e.getMessage());

    Path broken = dir.resolve("broken");
    grey(broken.resolve("x/ok.png"), 2, 2, 1);
    Files.writeString(broken.resolve("x/bad.png"), "this is not a png");
    e = assertThrows(DataException.class, () -> Datasets.images(broken));
    assertTrue(e.getMessage().contains(broken.resolve("x/bad.png") + " is not a readable PNG or JPEG image"),
        e.getMessage());

    Path one = dir.resolve("one");
    grey(one.resolve("x/only.png"), 2, 2, 1);
    e = assertThrows(DataException.class, () -> Datasets.images(one));
    assertTrue(e.getMessage().contains("at least 2"), e.getMessage());

    Path stray = dir.resolve("stray");
    grey(stray.resolve("train/a/1.png"), 2, 2, 1);
    grey(stray.resolve("test/z/1.png"), 2, 2, 1);
    e = assertThrows(DataException.class, () -> Datasets.images(stray));
    assertTrue(e.getMessage().contains("no matching train class folder"), e.getMessage());
  }
}
