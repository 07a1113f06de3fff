package bitlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class DatasetTest {
  /** {@code n} 1x1x1 images whose pixel is their index, labels cycling over {@code classes}. */
  private static Samples numbered(String name, int n, int classes, int offset) {
    float[] v = new float[n];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      v[i] = offset + i;
      labels[i] = i % classes;
    }
    return new Samples(name, Nd4j.create(v, new long[] {n, 1, 1, 1}, 'c'), labels, classes);
  }

  private static Set<Integer> ids(Samples s) {
    Set<Integer> out = new HashSet<>();
    for (float f : s.images().data().asFloat()) out.add(Math.round(f));
    return out;
  }

  private static Dataset handMade() {
    return new Dataset(
        "toy",
        numbered("toy/train", 50, 5, 0),
        numbered("toy/test", 10, 5, 1000),
        Normalization.none(1),
        List.of("a", "b", "c", "d", "e"),
        "made by hand");
  }

  @Test
  void aDataSetWithoutValidationSaysHowToMakeOne() {
    Dataset d = handMade();
    assertFalse(d.hasValidation());
    DataException e = assertThrows(DataException.class, d::validation);
    assertEquals(
        "Data set toy has no validation part, and searches rank policies on images the model never trained on: "
            + "make one with data.withValidation(0.2, 42), which holds out 20% of every class of its 50 training images, and "
            + "train the model on the rest.",
        e.getMessage());
    assertThrows(DataException.class, () -> d.validation(10));
  }

  @Test
  void withValidationCarvesAStratifiedSeededPartThatTrainingNeverSees() {
    Dataset d = handMade().withValidation(0.2, 7);
    assertEquals(40, d.train().size());
    assertEquals(10, d.validation().size());
    assertArrayEquals(new int[] {2, 2, 2, 2, 2}, d.validation().classCounts());
    Set<Integer> train = ids(d.train());
    Set<Integer> validation = ids(d.validation());
    assertEquals(10, validation.size());
    for (int id : validation) assertFalse(train.contains(id), "image " + id + " is in both parts");
    assertEquals(50, train.size() + validation.size());
    assertEquals("toy/train", d.train().name());
    assertEquals("toy/validation", d.validation().name());
    // seeded: the same seed gives the same part, another seed another one
    assertEquals(validation, ids(handMade().withValidation(0.2, 7).validation()));
    assertFalse(validation.equals(ids(handMade().withValidation(0.2, 8).validation())));
    // recorded where results look for provenance
    assertEquals(
        "made by hand; validation: 20% of every class of the 50 training images (10), stratified, seed 7",
        d.source());
    assertEquals(
        "toy: 40 train / 10 validation / 10 test images (made by hand; validation: 20% of every class of the 50 "
            + "training images (10), stratified, seed 7)",
        d.provenance());
  }

  @Test
  void carvingAgainStartsFromTrainingAndValidationImagesTogether() {
    Dataset once = handMade().withValidation(0.2, 7);
    Dataset twice = once.withValidation(0.4, 3);
    assertEquals(30, twice.train().size());
    assertEquals(20, twice.validation().size());
    Set<Integer> all = ids(twice.train());
    all.addAll(ids(twice.validation()));
    assertEquals(50, all.size());
    assertEquals(
        "made by hand; validation: 40% of every class of the 50 training images (20), stratified, seed 3",
        twice.source());
  }

  @Test
  void scoringAndCalibrationImagesComeFromTheirParts() {
    Dataset d = handMade().withValidation(0.2, 7);
    assertEquals(ids(d.validation().take(4)), ids(d.validation(4)));
    assertSame(d.validation(), d.validation(1000));
    assertEquals(ids(d.train().take(6)), ids(d.calibration(6)));
    assertSame(d.train(), d.calibration(1000));
    for (int id : ids(d.calibration(40)))
      assertTrue(id < 50, "calibration image " + id + " is a training image");
  }

  @Test
  void everyPartMustMatchTheTrainingImages() {
    Samples train = numbered("t", 10, 2, 0);
    Samples wrongShape = new Samples("v", Nd4j.zeros(4, 1, 2, 2), new int[4], 2);
    DataException e = assertThrows(
        DataException.class,
        () -> new Dataset(
            "d", train, wrongShape, train, Normalization.none(1), List.of("x", "y"), ""));
    assertEquals(
        "Data set d has train images [1, 1, 1] but validation images [1, 2, 2]; every part needs one image shape.",
        e.getMessage());
    Samples threeClasses = numbered("v", 6, 3, 0);
    e = assertThrows(
        DataException.class,
        () -> new Dataset(
            "d", train, threeClasses, train, Normalization.none(1), List.of("x", "y"), ""));
    assertEquals("Data set d has 2 train classes but 3 validation classes.", e.getMessage());
  }

  @Test
  void renormalisingKeepsTheValidationPart() {
    Dataset d = handMade().withValidation(0.2, 7);
    Dataset r = d.withNormalization(Normalization.of(10f, 2f));
    assertEquals(d.validation().size(), r.validation().size());
    assertEquals(
        (d.validation().images().getFloat(0) - 10f) / 2f,
        r.validation().images().getFloat(0),
        1e-6);
    assertSame(d, d.withNormalization(Normalization.none(1)));
  }

  @Test
  void readersHoldOutAValidationPartWhenTheTrainingSplitIsLargeEnough() {
    Dataset small = new Dataset(
            "two",
            numbered("two/train", 2, 2, 0),
            numbered("two/test", 2, 2, 10),
            Normalization.none(1),
            List.of("a", "b"),
            "")
        .withDefaultValidation();
    assertFalse(small.hasValidation());
    Dataset ok = handMade().withDefaultValidation();
    assertEquals(10, ok.validation().size());
    assertTrue(ok.source().endsWith("seed 42"), ok.source());
  }

  @Test
  void withoutValidationJoinsTheValidationImagesBackForAFinalTrainingRun() {
    Dataset d = handMade().withValidation(0.2, 7);
    Dataset all = d.withoutValidation();
    assertFalse(all.hasValidation());
    assertEquals(50, all.train().size());
    assertEquals(50, ids(all.train()).size());
    assertEquals("made by hand; validation part joined back into the training part", all.source());
    assertSame(all, all.withoutValidation());
  }
}
