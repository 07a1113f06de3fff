package bitlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SamplesTest {
  /** n images of 2x2x3 where every pixel of image i is i and channel c adds 1000*c; label i % classes. */
  static Samples numbered(int n, int classes) {
    float[] v = new float[n * 12];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 12; k++) v[i * 12 + k] = i + 1000 * (k / 6);
      labels[i] = i % classes;
    }
    return new Samples("numbered", Nd4j.create(v, new long[] {n, 2, 2, 3}, 'c'), labels, classes);
  }

  /** The image numbers in a batch or images array, read from its first pixel. */
  static int[] ids(INDArray x) {
    int[] ids = new int[(int) x.size(0)];
    for (int i = 0; i < ids.length; i++) ids[i] = (int) x.getFloat(i, 0, 0, 0);
    return ids;
  }

  @Test
  void shapeSizeAndSubsets() {
    Samples s = numbered(50, 5);
    assertEquals(50, s.size());
    assertArrayEquals(new int[] {2, 2, 3}, s.shape());
    assertArrayEquals(new int[] {10, 10, 10, 10, 10}, s.classCounts());
    Samples sub = s.subset(10, 20);
    assertArrayEquals(new int[] {10, 11, 12, 13, 14, 15, 16, 17, 18, 19}, ids(sub.images()));
    assertEquals(1012f, sub.images().getFloat(2, 1, 1, 2));
    assertArrayEquals(Arrays.copyOfRange(s.labels(), 10, 20), sub.labels());
    assertEquals(7, s.take(7).size());
    assertEquals(50, s.take(500).size());
    assertArrayEquals(new int[] {4, 0, 9}, ids(s.select(4, 0, 9).images()));
  }

  @Test
  void unshuffledBatchesKeepTheOrderAndEndWithTheRemainder() {
    Samples s = numbered(50, 5);
    List<Batch> batches = new ArrayList<>();
    s.batches(16).forEach(batches::add);
    assertEquals(4, batches.size());
    assertEquals(4, s.batchCount(16));
    assertEquals(2, batches.get(3).size());
    assertArrayEquals(new int[] {48, 49}, ids(batches.get(3).x()));
    assertArrayEquals(new long[] {16, 2, 2, 3}, batches.get(0).x().shape());
    assertEquals(1005f, batches.get(0).x().getFloat(5, 1, 0, 1));
  }

  @Test
  void seededShuffleIsDeterministicAndCoversEveryImageOnce() {
    Samples s = numbered(50, 5);
    int[] a = order(s, 7);
    int[] b = order(s, 7);
    int[] c = order(s, 8);
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
    int[] identity = new int[50];
    for (int i = 0; i < 50; i++) identity[i] = i;
    assertFalse(Arrays.equals(a, identity));
    assertArrayEquals(identity, Arrays.stream(a).sorted().toArray());
    assertArrayEquals(identity, order(s, -1));
    // iterating the same Iterable twice gives the same batches
    Iterable<Batch> it = s.batches(8, 3);
    assertArrayEquals(collect(it), collect(it));
  }

  @Test
  void seededShuffleIsFixedAcrossRunsAndMachines() {
    // java.util.Random's sequence is specified by the JDK, so this order is the same everywhere;
    // the expected order was computed outside Java from the specified generator (48-bit LCG) and
    // Fisher-Yates from the last position down
    assertArrayEquals(new int[] {4, 6, 2, 1, 7, 9, 8, 5, 3, 0}, order(numbered(10, 2), 42));
  }

  private static int[] collect(Iterable<Batch> it) {
    List<Integer> out = new ArrayList<>();
    for (Batch b : it) for (int id : ids(b.x())) out.add(id);
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int[] order(Samples s, long seed) {
    List<Integer> out = new ArrayList<>();
    for (Batch b : s.batches(16, seed)) {
      int[] ids = ids(b.x());
      for (int k = 0; k < ids.length; k++) {
        assertEquals(ids[k] % s.classes(), b.labels()[k], "label follows its image");
        for (int c = 0; c < s.classes(); c++) {
          assertEquals(c == b.labels()[k] ? 1f : 0f, b.oneHot().getFloat(k, c), "one-hot row " + k);
        }
        out.add(ids[k]);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  void stratifiedSplitKeepsClassProportionsAndPartitionsTheImages() {
    // unbalanced classes: 40, 30, 20, 10 images
    int[] labels = new int[100];
    int k = 0;
    int[] sizes = {40, 30, 20, 10};
    for (int c = 0; c < 4; c++) for (int j = 0; j < sizes[c]; j++) labels[k++] = c;
    float[] v = new float[100];
    for (int i = 0; i < 100; i++) v[i] = i;
    Samples s =
        new Samples("unbalanced", Nd4j.create(v, new long[] {100, 1, 1, 1}, 'c'), labels, 4);
    Split split = s.stratifiedSplit(0.25, 11);
    assertEquals(25, split.heldOut().size());
    assertEquals(75, split.rest().size());
    assertArrayEquals(new int[] {10, 8, 5, 2}, split.heldOut().classCounts());
    assertArrayEquals(new int[] {30, 22, 15, 8}, split.rest().classCounts());
    List<Integer> all = new ArrayList<>();
    for (int id : ids(split.rest().images())) all.add(id);
    for (int id : ids(split.heldOut().images())) all.add(id);
    assertEquals(100, all.stream().distinct().count());
    for (int i = 0; i < 25; i++) {
      int id = ids(split.heldOut().images())[i];
      assertEquals(labels[id], split.heldOut().label(i));
    }
    Split again = s.stratifiedSplit(0.25, 11);
    assertArrayEquals(ids(split.heldOut().images()), ids(again.heldOut().images()));
    assertFalse(Arrays.equals(
        ids(split.heldOut().images()), ids(s.stratifiedSplit(0.25, 12).heldOut().images())));
  }

  @Test
  void largestRemainderQuotasAddUp() {
    assertArrayEquals(
        new int[] {200, 225, 198, 206, 196, 173, 203, 214, 189, 196},
        Stratify.quotas(new int[] {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}, 2000));
    assertArrayEquals(new int[] {1, 1, 0}, Stratify.quotas(new int[] {1, 1, 1}, 2));
  }

  @Test
  void nanOrInfinityIsRejectedWithTheDatasetAndImageIndex() {
    float[] v = new float[5 * 4];
    v[3 * 4 + 2] = Float.NaN;
    DataException e = assertThrows(
        DataException.class,
        () ->
            new Samples("toy/train", Nd4j.create(v, new long[] {5, 1, 2, 2}, 'c'), new int[5], 2));
    assertTrue(e.getMessage().contains("toy/train"), e.getMessage());
    assertTrue(e.getMessage().contains("image 3 "), e.getMessage());
    v[3 * 4 + 2] = 0;
    v[1 * 4] = Float.POSITIVE_INFINITY;
    e = assertThrows(
        DataException.class,
        () -> new Samples("toy/test", Nd4j.create(v, new long[] {5, 1, 2, 2}, 'c'), new int[5], 2));
    assertTrue(e.getMessage().contains("image 1 "), e.getMessage());
  }

  @Test
  void nanFarIntoALargeArrayIsFoundExactly() {
    float[] v = new float[3000 * 784];
    v[2500 * 784 + 400] = Float.NEGATIVE_INFINITY;
    v[2700 * 784] = Float.NaN;
    DataException e = assertThrows(
        DataException.class,
        () -> new Samples(
            "big", Nd4j.create(v, new long[] {3000, 1, 28, 28}, 'c'), new int[3000], 10));
    assertTrue(e.getMessage().contains("image 2500 "), e.getMessage());
  }

  @Test
  void datasetRejectsSplitsThatDoNotMatch() {
    Samples a = numbered(4, 2);
    Samples b = new Samples("other", Nd4j.zeros(4, 2, 3, 3), new int[4], 2);
    DataException e = assertThrows(
        DataException.class,
        () -> new Dataset("mixed", a, b, Normalization.none(2), List.of("x", "y"), ""));
    assertTrue(
        e.getMessage().contains("[2, 2, 3]") && e.getMessage().contains("[2, 3, 3]"),
        e.getMessage());
    e = assertThrows(
        DataException.class,
        () -> new Dataset("names", a, a, Normalization.none(2), List.of("x"), ""));
    assertTrue(e.getMessage().contains("2 classes but 1 class names"), e.getMessage());
    e = assertThrows(
        DataException.class,
        () -> new Dataset("norm", a, a, Normalization.none(3), List.of("x", "y"), ""));
    assertTrue(e.getMessage().contains("2-channel images"), e.getMessage());
  }

  @Test
  void badArgumentsGetClearMessages() {
    Samples s = numbered(10, 2);
    assertTrue(assertThrows(DataException.class, () -> s.subset(5, 20))
        .getMessage()
        .contains("0 <= from < to <= 10"));
    assertTrue(
        assertThrows(DataException.class, () -> s.batches(0)).getMessage().contains("at least 1"));
    assertTrue(assertThrows(DataException.class, () -> s.stratifiedSplit(1.5, 1))
        .getMessage()
        .contains("between 0 and 1"));
    assertTrue(assertThrows(DataException.class, () -> s.stratifiedSplit(0.01, 1))
        .getMessage()
        .contains("empty"));
    INDArray x = Nd4j.zeros(3, 1, 2, 2);
    assertTrue(assertThrows(DataException.class, () -> new Samples("l", x, new int[] {0, 1}, 2))
        .getMessage()
        .contains("3 images but 2 labels"));
    assertTrue(assertThrows(DataException.class, () -> new Samples("l", x, new int[] {0, 1, 2}, 2))
        .getMessage()
        .contains("image 2 has label 2"));
    assertTrue(assertThrows(
            DataException.class, () -> new Samples("l", Nd4j.zeros(3, 4), new int[3], 2))
        .getMessage()
        .contains("[N, C, H, W]"));
  }

  @Test
  void normalizationRoundTripsPerChannel() {
    Normalization n = new Normalization(new float[] {0.5f, 0.25f}, new float[] {0.5f, 0.25f});
    INDArray raw = Nd4j.create(new float[] {0f, 1f, 0.25f, 0.5f}, new long[] {1, 2, 1, 2}, 'c');
    INDArray z = n.apply(raw);
    assertArrayEquals(new float[] {-1f, 1f, 0f, 1f}, z.data().asFloat(), 1e-6f);
    assertArrayEquals(raw.data().asFloat(), n.invert(z).data().asFloat(), 1e-6f);
    assertThrows(DataException.class, () -> new Normalization(new float[] {0f}, new float[] {0f}));
  }

  @Test
  void datasetRenormalisesBothSplits() {
    Dataset d = Datasets.digits();
    Dataset plain = d.withNormalization(Normalization.none(1));
    assertEquals(0.0, plain.train().images().minNumber().doubleValue(), 1e-5);
    assertEquals(1.0, plain.test().images().maxNumber().doubleValue(), 1e-5);
    assertArrayEquals(d.test().labels(), plain.test().labels());
  }
}
