package bitlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, value);
    Files.createDirectories(file.getParent());
    ImageIO.write(img, "png", file.toFile());
  }

  private static void rgb(Path file, int w, int h, int r, int g, int b) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) img.setRGB(x, y, (r << 16) | (g << 8) | b);
    Files.createDirectories(file.getParent());
    ImageIO.write(img, "png", file.toFile());
  }

  @Test
  void greyClassFoldersAreSplitStratifiedAndNormalised(@TempDir Path dir) throws IOException {
    // class "cat": 10 images of value 10*i, class "dog": 5 images of value 200
    for (int i = 0; i < 10; i++) grey(dir.resolve("cat").resolve("c" + i + ".png"), 6, 4, 10 * i);
    for (int i = 0; i < 5; i++) grey(dir.resolve("dog").resolve("d" + i + ".PNG"), 6, 4, 200);
    Files.writeString(dir.resolve("dog").resolve("notes.txt"), "not an image");
    Dataset d = Datasets.images(dir);
    assertEquals(List.of("cat", "dog"), d.classNames());
    assertArrayEquals(new int[] {1, 4, 6}, d.shape());
    assertEquals(10, d.train().size());
    assertEquals(2, d.validation().size());
    assertEquals(3, d.test().size());
    assertArrayEquals(new int[] {7, 3}, d.train().classCounts());
    assertArrayEquals(new int[] {1, 1}, d.validation().classCounts());
    assertArrayEquals(new int[] {2, 1}, d.test().classCounts());
    // the training split's statistics (validation part included) normalise it to mean 0, std 1
    INDArray all = Samples.concat("all", d.train(), d.validation()).images();
    assertEquals(0.0, all.meanNumber().doubleValue(), 1e-5);
    assertEquals(1.0, all.stdNumber(false).doubleValue(), 1e-4);
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

  @Test
  void trainAndTestFoldersAreUsedAsGivenAndColourGivesThreeChannels(@TempDir Path dir)
      throws IOException {
    rgb(dir.resolve("train/red/a.png"), 3, 3, 255, 0, 0);
    rgb(dir.resolve("train/red/b.png"), 3, 3, 200, 0, 0);
    rgb(dir.resolve("train/blue/a.png"), 3, 3, 0, 0, 255);
    grey(dir.resolve("test/blue/g.png"), 3, 3, 51);
    Dataset d = Datasets.images(dir);
    assertEquals(List.of("blue", "red"), d.classNames());
    assertArrayEquals(new int[] {3, 3, 3}, d.shape());
    assertEquals(2, d.train().size());
    assertEquals(1, d.validation().size());
    assertArrayEquals(new int[] {0}, d.test().labels());
    INDArray raw = d.normalization().invert(d.test().images());
    for (int c = 0; c < 3; c++) assertEquals(0.2f, raw.getFloat(0, c, 1, 1), 1e-5);
    // train and validation together: blue (0, 0, 255), red (255, 0, 0) and red (200, 0, 0)
    Samples all = Samples.concat("all", d.train(), d.validation());
    INDArray tr = d.normalization().invert(all.images());
    List<String> seen = new java.util.ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      seen.add(d.classNames().get(all.label(i)) + " " + Math.round(255 * tr.getFloat(i, 0, 2, 2))
          + "/" + Math.round(255 * tr.getFloat(i, 1, 2, 2)) + "/"
          + Math.round(255 * tr.getFloat(i, 2, 0, 0)));
    }
    assertEquals(
        List.of("blue 0/0/255", "red 200/0/0", "red 255/0/0"),
        seen.stream().sorted().toList());
  }

  @Test
  void jpegImagesAreRead(@TempDir Path dir) throws IOException {
    for (int i = 0; i < 3; i++) {
      BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) img.setRGB(x, y, 0x20A0E0);
      Files.createDirectories(dir.resolve("sky"));
      ImageIO.write(
          img,
          "jpg",
          dir.resolve("sky").resolve(i + (i == 0 ? ".jpeg" : ".JPG")).toFile());
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

  @Test
  void mixedSizesAreRejectedOrResized(@TempDir Path dir) throws IOException {
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

  @Test
  void badFoldersAndFilesGetOneClearSentence(@TempDir Path dir) throws IOException {
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
    assertTrue(
        e.getMessage().contains(noImages.resolve("cls") + " has no PNG or JPEG images"),
        e.getMessage());

    Path broken = dir.resolve("broken");
    grey(broken.resolve("x/ok.png"), 2, 2, 1);
    Files.writeString(broken.resolve("x/bad.png"), "this is not a png");
    e = assertThrows(DataException.class, () -> Datasets.images(broken));
    assertTrue(
        e.getMessage()
            .contains(broken.resolve("x/bad.png") + " is not a readable PNG or JPEG image"),
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

  @Test
  void streamedFoldersGiveTheSameImagesBatchByBatch(@TempDir Path dir) throws IOException {
    for (int i = 0; i < 12; i++)
      rgb(dir.resolve("train/a/" + i + ".png"), 5, 4, 20 * i, 3 * i, 255 - i);
    for (int i = 0; i < 8; i++) rgb(dir.resolve("train/b/" + i + ".png"), 5, 4, 7 * i, 100, 2 * i);
    for (int i = 0; i < 3; i++) rgb(dir.resolve("val/a/" + i + ".png"), 5, 4, 1, 2, 3 + i);
    for (int i = 0; i < 3; i++) rgb(dir.resolve("val/b/" + i + ".png"), 5, 4, 4, 5, 6 + i);
    for (int i = 0; i < 4; i++) rgb(dir.resolve("test/a/" + i + ".png"), 5, 4, 9, 9, 9 * i);
    for (int i = 0; i < 4; i++) grey(dir.resolve("test/b/" + i + ".png"), 5, 4, 30 * i);
    Dataset loaded = Datasets.images(dir);
    Dataset streamed = Datasets.streamedImages(dir, 0, 0);
    assertTrue(streamed.train().streamed()
        && streamed.test().streamed()
        && streamed.validation().streamed());
    assertFalse(loaded.train().streamed());
    // the val/ folder is the validation part, as declared
    assertEquals(6, streamed.validation().size());
    assertEquals(20, streamed.train().size());
    assertTrue(
        streamed.source().contains("train/, val/ and test/ sub-folders; streamed from the files"),
        streamed.source());
    assertEquals(loaded.normalization(), streamed.normalization());
    for (String part : List.of("train", "validation", "test")) {
      Samples a = part.equals("train")
          ? loaded.train()
          : part.equals("test") ? loaded.test() : loaded.validation();
      Samples b = part.equals("train")
          ? streamed.train()
          : part.equals("test") ? streamed.test() : streamed.validation();
      assertArrayEquals(a.labels(), b.labels());
      assertArrayEquals(a.images().data().asFloat(), b.images().data().asFloat(), 0f, part);
      assertArrayEquals(
          a.images(2, 5).dup().data().asFloat(), b.images(2, 5).data().asFloat(), 0f, part);
      List<Batch> la = new java.util.ArrayList<>();
      List<Batch> lb = new java.util.ArrayList<>();
      a.batches(4, 7).forEach(la::add);
      b.batches(4, 7).forEach(lb::add);
      for (int k = 0; k < la.size(); k++) {
        assertArrayEquals(la.get(k).x().data().asFloat(), lb.get(k).x().data().asFloat(), 0f);
        assertArrayEquals(la.get(k).labels(), lb.get(k).labels());
      }
    }
    // splits, subsets and renormalising keep streamed samples streamed
    Split split = streamed.train().stratifiedSplit(0.25, 3);
    assertTrue(split.heldOut().streamed() && split.rest().streamed());
    Dataset renormalised = streamed.withNormalization(Normalization.IMAGENET);
    assertTrue(renormalised.test().streamed());
    assertArrayEquals(
        loaded.withNormalization(Normalization.IMAGENET).test().images().data().asFloat(),
        renormalised.test().images().data().asFloat(),
        1e-6f);
  }

  @Test
  void aStreamedFolderTooLargeToLoadIsReadInParts(@TempDir Path dir) throws IOException {
    Path one = dir.resolve("one.png");
    rgb(one, 32, 32, 10, 20, 30);
    int n = 300_000;
    Path[] files = new Path[n];
    java.util.Arrays.fill(files, one);
    Samples big = new Samples(
        "big/train", new ImageFiles(files, new int[n], 3, 32, 32, false, Normalization.none(3)), 1);
    DataException e = assertThrows(DataException.class, big::images);
    assertEquals(
        "Samples big/train are streamed from 300,000 image files and would take 3.7 GB in memory; read them in parts "
            + "with images(from, to) or batches(n), or take(n) first.",
        e.getMessage());
    assertEquals(20 / 255f, big.images(299_990, 300_000).getFloat(9, 1, 31, 31), 1e-6);
    assertEquals(8, big.take(8).images().size(0));
  }

  @Test
  void aStreamedImageOfAnotherSizeIsNamedWhenRead(@TempDir Path dir) throws IOException {
    for (int i = 0; i < 5; i++) grey(dir.resolve("a/" + i + ".png"), 6, 6, 10 * i);
    for (int i = 0; i < 5; i++) grey(dir.resolve("b/" + i + ".png"), 6, 6, 100 + i);
    Dataset d = Datasets.streamedImages(dir, 0, 0);
    grey(dir.resolve("a/0.png"), 7, 6, 5); // replaced after the folder was read
    DataException e = assertThrows(DataException.class, () -> {
      for (Samples s : List.of(d.train(), d.validation(), d.test())) s.images();
    });
    assertTrue(
        e.getMessage()
            .startsWith("Image " + dir.resolve("a/0.png") + " is 7x6 but the others are 6x6; use "
                + "Datasets.images(dir, height, width)"),
        e.getMessage());
  }
}
