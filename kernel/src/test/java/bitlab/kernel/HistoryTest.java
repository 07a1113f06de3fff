package bitlab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Set;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager.ResultFlag;
import org.junit.jupiter.api.Test;

class HistoryTest {
  final Set<ResultFlag> none = EnumSet.noneOf(ResultFlag.class);

  History filled() {
    History h = new History();
    h.add(1, "var data = mnist();", "");
    h.add(2, "6 * 7", "42");
    h.add(3, "6 * 7", "42");
    h.add(4, "net.evaluate(data)", "98.9%");
    return h;
  }

  @Test
  void tailRangeAndSearch() {
    History h = filled();
    assertEquals(2, h.lookupTail(2, none).size());
    assertEquals(4, h.lookupTail(2, none).get(1).getCellNumber());
    assertEquals(2, h.lookupRange(History.SESSION, 2, 4, none).size());
    assertEquals(2, h.search("6 ?*", 10, none).size());
    assertEquals(1, h.search("6 ?*", 10, EnumSet.of(ResultFlag.UNIQUE)).size());
    assertEquals(1, h.search("*", 1, none).size());
  }

  @Test
  void outputOnlyWhenAsked() {
    History h = filled();
    HistoryEntry with = h.lookupTail(1, EnumSet.of(ResultFlag.INCLUDE_OUTPUT)).get(0);
    assertEquals("98.9%", with.getOutput());
    assertEquals(null, h.lookupTail(1, none).get(0).getOutput());
  }
}
