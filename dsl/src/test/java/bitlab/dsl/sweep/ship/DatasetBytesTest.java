package bitlab.dsl.sweep.ship;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.data.Normalization;
import bitlab.data.Samples;
import org.junit.jupiter.api.Test;

/** A data set sent to another JVM arrives with its three parts and its normalisation whole. */
class DatasetBytesTest {
  @Test
  void theThreePartsAndTheNormalisationSurviveTheTrip() {
    Dataset d = Datasets.digits();
    Dataset back = DatasetBytes.decode(DatasetBytes.encode(d));
    same(d.train(), back.train());
    same(d.validation(), back.validation());
    same(d.test(), back.test());
    assertEquals(d.normalization(), back.normalization());
    assertEquals(d.source(), back.source());
  }

  @Test
  void aDataSetWithoutValidationOrWithValuesAsGivenStaysSo() {
    Dataset d = Datasets.digits().withoutValidation().normalized(Normalization.asGiven(1));
    Dataset back = DatasetBytes.decode(DatasetBytes.encode(d));
    assertFalse(back.hasValidation());
    assertFalse(back.normalization().fromPixels());
    same(d.train(), back.train());
  }

  private static void same(Samples a, Samples b) {
    assertEquals(a.name(), b.name());
    assertArrayEquals(a.labels(), b.labels());
    assertEquals(a.images(), b.images());
  }
}
