package bitlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The readers of NPY, NPZ, CSV and IDX files on files numpy wrote (tools/data/make_fixtures.py): image {@code i} has
 * the value {@code (7 i + 3 k) % 256} at position {@code k} and label {@code i % classes}; every reader must give back
 * exactly those images, each once, in its parts.
 */
class ArrayReadersTest {
  static Path fixture(String name) {
    try {
      return Path.of(
          ArrayReadersTest.class.getResource("/bitlab/data/fixtures/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new AssertionError("missing fixture " + name + "; run tools/data/make_fixtures.py", e);
    }
  }

  /**
   * Checks that the parts of {@code d} hold images 0..n-1 of the fixture formula once each, with their labels, and
   * returns the image numbers per part (train, validation, test).
   */
  static List<List<Integer>> checkImages(Dataset d, int n, int classes, int[] chw) {
    assertArrayEquals(chw, d.shape());
    assertEquals(classes, d.classes());
    boolean[] seen = new boolean[n];
    List<List<Integer>> parts = new ArrayList<>();
    for (Samples part : List.of(d.train(), d.validation(), d.test())) {
      INDArray raw = d.normalization().invert(part.images());
      float[] v = raw.dup('c').data().asFloat();
      int per = chw[0] * chw[1] * chw[2];
      List<Integer> ids = new ArrayList<>();
      for (int j = 0; j < part.size(); j++) {
        int i = Math.round(v[j * per] * 255) * 183 % 256; // 183 * 7 = 1 (mod 256)
        assertTrue(i < n && !seen[i], "image " + i + " appears twice or is out of range");
        seen[i] = true;
        ids.add(i);
        assertEquals(i % classes, part.label(j), "label of image " + i);
        for (int k = 0; k < per; k++) {
          assertEquals(
              (7 * i + 3 * k) % 256, v[j * per + k] * 255, 2e-3, "image " + i + " value " + k);
        }
      }
      parts.add(ids);
    }
    for (int i = 0; i < n; i++) assertTrue(seen[i], "image " + i + " is missing");
    return parts;
  }

  @Test
  void npyOfUint8PixelsSplitsTestThenValidation() {
    Dataset d = Datasets.npy(fixture("grey_u1.npy"), fixture("labels_i8.npy"));
    assertEquals("grey_u1", d.name());
    List<List<Integer>> parts = checkImages(d, 20, 4, new int[] {1, 6, 6});
    assertEquals(13, parts.get(0).size());
    assertEquals(3, parts.get(1).size());
    assertEquals(4, parts.get(2).size());
    assertArrayEquals(new int[] {1, 1, 1, 1}, d.test().classCounts());
    assertTrue(
        d.source()
            .contains(
                "(pixels 0..255); test: 20% of every class of the 20 images (4), stratified, seed 42; "
                    + "validation: 20% of every class of the 16 training images (3), stratified, seed 42"),
        d.source());
    // the training images' statistics normalise them
    assertEquals(0.0, d.train().images().meanNumber().doubleValue(), 0.15);
    // the same files give the same parts
    assertEquals(
        parts,
        checkImages(
            Datasets.npy(fixture("grey_u1.npy"), fixture("labels_i8.npy")), 20, 4, new int[] {
              1, 6, 6
            }));
  }

  @Test
  void npyTypesByteOrdersAndLayoutsGiveTheSameImages() {
    Dataset u8 = Datasets.npy(fixture("grey_u1.npy"), fixture("labels_i8.npy"));
    List<List<Integer>> parts = checkImages(u8, 20, 4, new int[] {1, 6, 6});
    // float32 pixels in [0, 1]
    assertEquals(
        parts,
        checkImages(
            Datasets.npy(fixture("grey_f4.npy"), fixture("labels_u1.npy")), 20, 4, new int[] {
              1, 6, 6
            }));
    // Fortran order, rows of H*W int32 values, one-hot labels
    assertEquals(
        parts,
        checkImages(
            Datasets.npy(fixture("grey_fortran_f4.npy"), fixture("labels_i8.npy")),
            20,
            4,
            new int[] {1, 6, 6}));
    assertEquals(
        parts,
        checkImages(
            Datasets.npy(fixture("flat_i4.npy"), fixture("labels_onehot_f4.npy")),
            20,
            4,
            new int[] {1, 6, 6}));
    // colour: big-endian float64 channels first, and uint8 channels last
    Dataset be = Datasets.npy(fixture("colour_f8_be.npy"), fixture("labels_i8.npy"));
    List<List<Integer>> colour = checkImages(be, 20, 4, new int[] {3, 4, 4});
    assertEquals(
        colour,
        checkImages(
            Datasets.npy(fixture("colour_nhwc_u1.npy"), fixture("labels_i8.npy")),
            20,
            4,
            new int[] {3, 4, 4}));
    assertEquals(3, be.normalization().channels());
  }

  @Test
  void npzWithDeclaredPartsKeepsThem() {
    Dataset d = Datasets.npz(fixture("parts.npz"));
    assertEquals(12, d.test().size());
    assertEquals(32, d.train().size());
    assertEquals(8, d.validation().size());
    // x_test holds its own images 0..11 of the formula; the training part images 0..39
    INDArray test = d.normalization().invert(d.test().images());
    assertEquals(3 * 5 % 256, test.getFloat(0, 0, 0, 5) * 255, 2e-3);
    assertEquals(7 * 11 % 256, test.getFloat(11, 0, 0, 0) * 255, 2e-3);
    assertTrue(d.source().startsWith("arrays x_train, y_train, x_test, y_test of "), d.source());

    Dataset c = Datasets.npz(fixture("parts_compressed.npz"));
    assertEquals(40, c.train().size());
    assertEquals(8, c.validation().size());
    assertEquals(12, c.test().size());
    assertEquals("parts_compressed/validation", c.validation().name());
    assertFalse(c.source().contains("validation: 20%"), c.source());
  }

  @Test
  void npzWithOnePoolIsSplit() {
    Dataset d = Datasets.npz(fixture("pool.npz"));
    List<List<Integer>> parts = checkImages(d, 50, 5, new int[] {3, 4, 4});
    assertEquals(List.of(32, 8, 10), parts.stream().map(List::size).toList());
  }

  @Test
  void csvWithAndWithoutHeaderAndCompressedGiveTheSameImages() {
    List<List<Integer>> parts =
        checkImages(Datasets.csv(fixture("pixels.csv")), 20, 4, new int[] {1, 6, 6});
    assertEquals(
        parts,
        checkImages(Datasets.csv(fixture("pixels_noheader.csv")), 20, 4, new int[] {1, 6, 6}));
    assertEquals(
        parts, checkImages(Datasets.csv(fixture("pixels.csv.gz")), 20, 4, new int[] {1, 6, 6}));
    assertEquals(
        parts,
        checkImages(
            Datasets.npy(fixture("grey_u1.npy"), fixture("labels_i8.npy")), 20, 4, new int[] {
              1, 6, 6
            }));
  }

  @Test
  void idxFolderAndFilePairs() {
    Dataset d = Datasets.read(fixture("idx"));
    assertEquals("idx", d.name());
    assertEquals(9, d.test().size());
    assertEquals(24, d.train().size());
    assertEquals(6, d.validation().size());
    assertEquals(3, d.classes());
    INDArray test = d.normalization().invert(d.test().images());
    assertEquals(7 * 8 % 256, test.getFloat(8, 0, 0, 0) * 255, 2e-3);
    assertEquals(8 % 3, d.test().label(8));
    // a float32 IDX pair
    assertEquals(
        checkImages(
            Datasets.npy(fixture("grey_u1.npy"), fixture("labels_i8.npy")), 20, 4, new int[] {
              1, 6, 6
            }),
        checkImages(
            Datasets.idx(fixture("grey_f4.idx"), fixture("labels_u1.idx")), 20, 4, new int[] {
              1, 6, 6
            }));
  }

  @Test
  void readDispatchesOnTheFileType() {
    assertEquals(12, Datasets.read(fixture("parts.npz")).test().size());
    assertEquals(20, sizeOf(Datasets.read(fixture("pixels.csv.gz"))));
    assertEquals(39, sizeOf(Datasets.read(fixture("idx"))));
  }

  private static int sizeOf(Dataset d) {
    return d.train().size() + d.validation().size() + d.test().size();
  }

  @Test
  void valuesThatAreNotPixelsAreKeptAsGiven() {
    Dataset d = Datasets.npy(fixture("normalised_f4.npy"), fixture("labels_i8.npy"));
    assertFalse(d.normalization().fromPixels());
    assertTrue(d.source().contains("values kept as given (not pixels)"), d.source());
    // declared as normalised with mean 0.5 and std 0.25, they are pixels again
    Dataset declared = d.normalized(0.5, 0.25);
    checkImages(declared, 20, 4, new int[] {1, 6, 6});
  }
}
