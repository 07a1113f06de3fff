package bitlab.dsl.quant;

import static bitlab.dsl.Bitlab.GAUSSIAN;
import static bitlab.dsl.Bitlab.aciq;
import static bitlab.dsl.Bitlab.kl;
import static bitlab.dsl.Bitlab.minmax;
import static bitlab.dsl.Bitlab.mse;
import static bitlab.dsl.Bitlab.percentile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import bitlab.data.Dataset;
import bitlab.data.Datasets;
import bitlab.dsl.Bitlab;
import bitlab.model.Model;
import bitlab.model.Zoo;
import bitlab.quant.Calibration;
import bitlab.quant.PtqConfig;
import bitlab.quant.QuantException;
import bitlab.quant.Rounding;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Options typed as values and the names a user types are one thing: each name reads as the value it names. */
class TypedOptionsTest {
  private final Model net = Zoo.architecture("lenet5", 28, 1.0, 0);
  private final Dataset data = Datasets.digits();
  private final QuantizeBuilder base = Bitlab.quantize(net, 4, 8);

  @Test
  void eachCalibrationNameReadsAsItsTypedForm() {
    List<Object[]> pairs = List.of(
        new Object[] {minmax(), "minmax"},
        new Object[] {percentile(99.9), "percentile:99.9"},
        new Object[] {mse(), "mse"},
        new Object[] {kl(), "kl"},
        new Object[] {aciq(), "aciq"},
        new Object[] {aciq(GAUSSIAN), "aciq-gauss"});
    for (Object[] p : pairs) {
      Calibration typed = (Calibration) p[0];
      String name = (String) p[1];
      assertEquals(
          base.calibrate(data, name).config(), base.calibrate(data, typed).config(), name);
      if (!name.equals("kl"))
        assertEquals(
            base.weights(name).config(),
            base.weights(typed).config(),
            name); // KL is for activations only
      assertEquals(
          typed,
          Calibration.parse(typed.name()),
          "the name a method prints reads back as the method: " + typed.name());
    }
    PtqConfig c = base.calibrate(data, percentile(99.9), 64)
        .weights(mse())
        .rounding(Rounding.HALF_AWAY)
        .config();
    assertEquals(new Calibration.Percentile(99.9), c.activations());
    assertEquals(Calibration.MSE, c.weights());
    assertEquals(
        c,
        base.calibrate(data, "percentile:99.9", 64)
            .weights("mse")
            .rounding("half_away")
            .config());
    assertEquals(PtqConfig.DEFAULT, base.config(), "every setting returned a new builder");
  }

  @Test
  void aMissingOrWrongOptionIsOneSentence() {
    assertEquals(
        "Give a calibration method: minmax(), percentile(99.9), mse(), kl() or aciq().",
        assertThrows(QuantException.class, () -> base.calibrate(data, (Calibration) null))
            .getMessage());
    assertEquals(
        "A calibration percentile must be in (50, 100], got 30.0.",
        assertThrows(QuantException.class, () -> percentile(30)).getMessage());
    assertEquals(
        "Unknown calibration method 'median'; use minmax, percentile[:P], mse, kl, aciq-laplace or aciq-gauss.",
        assertThrows(QuantException.class, () -> base.calibrate(data, "median")).getMessage());
  }
}
