package bitlab.dsl.sweep.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.model.Zoo;
import org.junit.jupiter.api.Test;

/** A sweep scores on the data set's own validation part, and carves one (saying so) only when there is none. */
class ScorerTest {
  private static final SweepSettings SETTINGS = SweepSettings.DEFAULT.withImages(100, 32);

  @Test
  void aDataSetWithAValidationPartIsScoredOnItAndCalibratedOnTrainingImages() {
    Dataset digits = Datasets.mnist();
    Scorer s = Scorer.of(Zoo.load("lenet5"), digits, SETTINGS);
    assertArrayEquals(digits.validation(100).labels(), s.validation().labels());
    assertArrayEquals(digits.calibration(32).labels(), s.calibration().labels());
    assertEquals(digits.validation(100).images(), s.validation().images());
    assertTrue(
        s.describe().startsWith("validation: 100 of the 1600 images of mnist's validation part"),
        s.describe());
    assertTrue(!s.describe().contains("carved"), s.describe());
  }

  @Test
  void withoutOneTheSweepCarvesASplitOfTheTrainingPartAndWarns() {
    Dataset joined = Datasets.mnist().withoutValidation();
    Scorer s = Scorer.of(Zoo.load("lenet5"), joined, SETTINGS);
    assertEquals(100, s.validation().size());
    assertTrue(
        s.describe().contains("carved by the sweep because the data set has no validation part")
            && s.describe().contains("withValidation(fraction, seed)"),
        s.describe());
  }
}
