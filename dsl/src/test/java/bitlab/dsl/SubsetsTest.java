package bitlab.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.data.DataException;
import bitlab.data.Dataset;
import org.junit.jupiter.api.Test;

class SubsetsTest {
  @Test
  void subsetKeepsEveryClassShareAndTheSplitNames() {
    Dataset d = Bitlab.digits();
    Dataset s = Bitlab.subset(d, 500, 100);
    assertEquals(500, s.train().size());
    assertEquals(100, s.test().size());
    assertEquals(d.test().name(), s.test().name());
    int[] full = d.train().classCounts();
    int[] part = s.train().classCounts();
    for (int c = 0; c < full.length; c++) {
      double expected = 500.0 * full[c] / d.train().size();
      assertTrue(
          Math.abs(part[c] - expected) <= 1, "class " + c + ": " + part[c] + " vs " + expected);
    }
    assertTrue(
        s.source().contains("stratified subset: 500 train / 125 validation / 100 test"),
        s.source());
    assertSame(
        d.test(),
        Bitlab.subset(d, 10, 1_000_000).test(),
        "asking for more than there is keeps the split");
    assertEquals(
        Bitlab.subset(d, 500, 100).train().labels()[7],
        s.train().labels()[7],
        "seeded: the same subset each time");
    DataException e = assertThrows(DataException.class, () -> Bitlab.subset(d, 0, 100));
    assertTrue(e.getMessage().contains("needs at least 1 train image"), e.getMessage());
  }
}
