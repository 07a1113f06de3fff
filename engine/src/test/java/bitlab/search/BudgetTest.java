package bitlab.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import bitlab.hardware.catalogue.Catalogue;
import org.junit.jupiter.api.Test;

/** One budget type: what each constructor's number means, how it renders, how it reads from text, its limits. */
class BudgetTest {
  static final Budget.Reach REACH = new Budget.Reach(100, 30, 160, 0, "every layer at 2 bits");

  @Test
  void eachScaleTurnsIntoItsLimit() {
    assertEquals(60, Budget.latencyOf8Bit(0.6).limit(REACH), 1e-12);
    assertEquals(30 + 0.5 * 130, Budget.latencyBetween(0.5).limit(REACH), 1e-12);
    assertEquals(42, Budget.latencyMs(42e3).limit(REACH), 1e-12);
    // the fixed part (scales, biases) stays out of the fraction
    Budget.Reach size = new Budget.Reach(1100, 400, 1100, 100, "every layer at 2 bits");
    assertEquals(100 + 0.5 * 1000, Budget.sizeOf8Bit(0.5).limit(size), 1e-12);
  }

  @Test
  void aBudgetRendersInWords() {
    var edge = Catalogue.builtIn().target("bismo-edge");
    assertEquals(
        "latency at most 0.6 of the all-8-bit latency",
        Budget.latencyOf8Bit(0.6).toString());
    assertEquals(
        "latency at most 0.6 of the all-8-bit latency on bismo-edge",
        Budget.latencyOf8Bit(0.6).on(edge).toString());
    assertEquals(
        "size at 0.5 of the way from the cheapest policy to the dearest",
        Budget.sizeBetween(0.5).toString());
    assertEquals("size at most 30.72 KB", Budget.sizeKib(30).toString());
    assertEquals("size at most 40 KB", Budget.sizeBytes(40e3).toString());
    assertEquals(
        "latency at most 2.5 ms on bismo-edge", Budget.latencyMs(2.5).on(edge).toString());
    assertEquals("energy at most 1.2 mJ", Budget.energyMj(1.2).toString());
    assertEquals("BOPs at most 1.2e+07 BOPs", Budget.bops(12e6).toString());
    assertEquals("latency@bismo-edge", Budget.latencyBetween(0.3).on(edge).name());
    assertEquals(
        "size", Budget.sizeBytes(10).on(edge).name(), "size needs no target and keeps none");
  }

  @Test
  void textReadsTheThreeScalesAndABareNumberAsTheCallerSays() {
    assertEquals(
        Budget.latencyOf8Bit(0.6),
        Budget.parse(Budget.Metric.LATENCY, "0.6", Budget.Scale.OF_8BIT));
    assertEquals(
        Budget.latencyBetween(0.6),
        Budget.parse(Budget.Metric.LATENCY, "0.6", Budget.Scale.BETWEEN));
    assertEquals(
        Budget.sizeOf8Bit(0.5),
        Budget.parse(Budget.Metric.SIZE, "0.5of8bit", Budget.Scale.BETWEEN));
    assertEquals(
        Budget.sizeBetween(0.3),
        Budget.parse(Budget.Metric.SIZE, "0.3between", Budget.Scale.OF_8BIT));
    assertEquals(
        Budget.sizeBytes(40e3), Budget.parse(Budget.Metric.SIZE, "40KB", Budget.Scale.BETWEEN));
    assertEquals(
        Budget.sizeKib(30), Budget.parse(Budget.Metric.SIZE, "30 KiB", Budget.Scale.BETWEEN));
    assertEquals(
        Budget.latencyMs(2.5), Budget.parse(Budget.Metric.LATENCY, "2.5ms", Budget.Scale.BETWEEN));
    assertEquals(
        Budget.energyMj(1.5), Budget.parse(Budget.Metric.ENERGY, "1.5mJ", Budget.Scale.BETWEEN));
    assertEquals(
        Budget.bops(12e6), Budget.parse(Budget.Metric.BOPS, "12e6BOPs", Budget.Scale.BETWEEN));
    BudgetException e = assertThrows(
        BudgetException.class,
        () -> Budget.parse(Budget.Metric.SIZE, "40XB", Budget.Scale.BETWEEN));
    assertEquals("A size unit 'xb' is not known; use B, KB, MB, GB, KiB or MiB.", e.getMessage());
    e = assertThrows(
        BudgetException.class,
        () -> Budget.parse(Budget.Metric.LATENCY, "fast", Budget.Scale.OF_8BIT));
    assertEquals(
        "A latency budget 'fast' is not understood; write a fraction of the all-8-bit cost (0.5of8bit), "
            + "a point between the cheapest and the dearest policy (0.5between) or an amount with its unit "
            + "(s, ms or us).",
        e.getMessage());
  }

  @Test
  void badNumbersAreSentences() {
    assertEquals(
        "A latency budget as a fraction of the all-8-bit cost must be in (0, 1], got 1.5; e.g. 0.5 is "
            + "half the 8-bit latency, or give an absolute amount.",
        assertThrows(BudgetException.class, () -> Budget.latencyOf8Bit(1.5)).getMessage());
    assertEquals(
        "A size budget given as a fraction must lie between 0 (the cheapest policy) and 1 (the dearest), "
            + "got -0.1.",
        assertThrows(BudgetException.class, () -> Budget.sizeBetween(-0.1)).getMessage());
    assertEquals(
        "A size budget must be a positive finite amount, got 0.0.",
        assertThrows(BudgetException.class, () -> Budget.sizeBytes(0)).getMessage());
  }

  @Test
  void aBudgetNoPolicyMeetsNamesTheCheapestInItsOwnTerms() {
    assertEquals(
        "The budget latency at most 0.2 of the all-8-bit latency cannot be met: the cheapest reachable is "
            + "0.3 of the all-8-bit latency (30000 ms, every layer at 2 bits); raise the budget to at least "
            + "that, or allow fewer bits.",
        assertThrows(BudgetException.class, () -> Budget.latencyOf8Bit(0.2).limit(REACH))
            .getMessage());
    assertEquals(
        "The budget latency at most 20000 ms cannot be met: the cheapest reachable is 30000 ms (every "
            + "layer at 2 bits); raise the budget to at least that, or allow fewer bits.",
        assertThrows(BudgetException.class, () -> Budget.latencySeconds(20).limit(REACH))
            .getMessage());
  }
}
