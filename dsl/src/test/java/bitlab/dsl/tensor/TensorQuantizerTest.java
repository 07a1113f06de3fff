package bitlab.dsl.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.quant.QuantException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

class TensorQuantizerTest {

  @Test
  void asymmetricScaleZeroPointAndEachStep() {
    TensorQuantizer q = TensorQuantizer.asymmetric(4, -1.0, 2.0);
    assertEquals(0.2, q.scale(), 1e-6);
    assertEquals(5, q.zeroPoint());
    assertEquals(0, q.qmin());
    assertEquals(15, q.qmax());
    assertEquals(16, q.levels());
    assertEquals(5, q.code(0.0), "zero is exactly representable");
    assertEquals(0.0, q.roundTrip(0.0));
    assertEquals(0, q.code(-5.0), "clamped below");
    assertEquals(15, q.code(9.0), "clamped above");
    assertEquals(0.4, q.roundTrip(0.31), 1e-6);
    assertEquals(-1.0, q.lo(), 1e-6);
    assertEquals(2.0, q.hi(), 1e-6);
    Table t = q.steps(0.31, -5.0);
    assertEquals(2, t.rowCount());
    assertEquals(7, t.intColumn("code (clamped)").get(0));
    assertEquals(0, t.intColumn("code (clamped)").get(1));
    assertEquals(4.0, t.doubleColumn("error x̂ − x").get(1), 1e-5, "-5 is clipped to -1");
    assertTrue(q.toString().contains("codes 0..15 (16 levels)"), q.toString());
  }

  @Test
  void symmetricUsesTheNarrowSignedRange() {
    TensorQuantizer q = TensorQuantizer.symmetric(8, 1.0);
    assertEquals(-127, q.qmin());
    assertEquals(127, q.qmax());
    assertEquals(0, q.zeroPoint());
    assertEquals(1.0 / 127, q.scale(), 1e-7);
    assertEquals(-q.code(0.5), q.code(-0.5), "symmetric codes mirror");
    QuantException e = assertThrows(QuantException.class, () -> TensorQuantizer.symmetric(1, 1.0));
    assertTrue(e.getMessage().contains("binarized()"), e.getMessage());
    assertThrows(QuantException.class, () -> TensorQuantizer.asymmetric(4, 1.0, 1.0));
    assertThrows(QuantException.class, () -> TensorQuantizer.symmetric(17, 1.0));
    assertThrows(QuantException.class, () -> q.value(128));
  }

  @Test
  void chartShowsTheStaircaseAndTheSteSurrogate() {
    XYChart c = TensorQuantizer.symmetric(2, 1.0).chart(-2, 2);
    assertEquals(3, c.getSeriesMap().size());
    double[] ste =
        c.getSeriesMap().get("clamp(x, lo, hi): what the STE differentiates").getYData();
    assertEquals(-1.0, ste[0], 1e-9);
    assertEquals(1.0, ste[ste.length - 1], 1e-9);
    double[] q = c.getSeriesMap().get("x̂ = quantize(x): the forward pass").getYData();
    java.util.Set<Double> levels = new java.util.HashSet<>();
    for (double v : q) levels.add(v);
    assertEquals(3, levels.size(), "2-bit symmetric has three levels: -1, 0, 1");
  }

  @Test
  void roundTripErrorIsAtMostHalfAStepInsideTheRange() {
    Random r = new Random(3);
    for (int bits = 2; bits <= 8; bits++) {
      TensorQuantizer q = TensorQuantizer.asymmetric(bits, -0.7, 1.9);
      for (int i = 0; i < 2000; i++) {
        double x = q.lo() + (q.hi() - q.lo()) * r.nextDouble();
        assertTrue(
            Math.abs(q.roundTrip(x) - x) <= q.scale() / 2 + 1e-6, "bits " + bits + " x " + x);
      }
    }
  }

  /** The grid diagram puts every code under the value it represents and sends each sample to the code the quantizer gives it. */
  @Test
  void theGridShowsWhereEachValueGoes() {
    TensorQuantizer q = TensorQuantizer.asymmetric(4, -1.0, 2.0);
    bitlab.dsl.display.Diagram d = q.grid(0.31, -5.0);
    assertTrue(d.text().contains("x = 0.31 -> code 7 -> x̂ = 0.4"), d.text());
    assertTrue(d.text().contains("x = -5 -> code 0 -> x̂ = -1 (error 4), clipped"), d.text());
    int ticks = 0;
    for (int i = d.svg().indexOf("stroke=\"#1f77b4\"");
        i >= 0;
        i = d.svg().indexOf("stroke=\"#1f77b4\"", i + 1)) ticks++;
    assertEquals(16, ticks, "a tick on the real line at each of the 16 representable values");
    assertEquals(2, d.svg().split("<polygon", -1).length - 1, "one arrow per sample");
    assertThrows(QuantException.class, () -> q.grid(Double.NaN));
  }

  /** The straight-through estimator passes the gradient inside the range and stops it outside. */
  @Test
  void steGradientIsOneInsideTheRangeOnly() {
    TensorQuantizer q = TensorQuantizer.symmetric(4, 1.0);
    assertEquals(1.0, q.steGradient(0.0));
    assertEquals(1.0, q.steGradient(q.hi()));
    assertEquals(0.0, q.steGradient(1.2));
    assertEquals(0.0, q.steGradient(-1.2));
    XYChart c = q.gradientChart(-2, 2);
    double[] ste =
        c.getSeriesMap().get("the STE's: 1 inside [lo, hi], 0 outside").getYData();
    double[] stair = c.getSeriesMap()
        .get("the staircase's derivative: 0, spikes at the jumps")
        .getYData();
    int spikes = 0;
    for (double v : stair) if (v > 0) spikes++;
    assertEquals(14, spikes, "15 codes, 14 jumps between them");
    assertEquals(0.0, ste[0]);
    assertEquals(1.0, ste[ste.length / 2]);
    assertThrows(QuantException.class, () -> q.gradientChart(1, 1));
  }
}
