package bitlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a run must give the same bits every time (inside Net.oneThread), no way is raced: the preferred one runs. */
class FastestTest {
  /** A way that counts its runs and whether it was closed. */
  private static final class Way implements AutoCloseable {
    int runs;
    boolean closed;

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void insideOneThreadThePreferredWayRunsAndNoOtherIsTried() {
    List<Way> ways = List.of(new Way(), new Way(), new Way());
    Fastest f = new Fastest(ways, 2);
    // no stream: without a race nothing waits on one
    Net.oneThread(() -> {
      f.run(null, i -> ways.get(i).runs++);
      f.run(null, i -> ways.get(i).runs++);
      return null;
    });
    assertEquals(0, ways.get(0).runs);
    assertEquals(0, ways.get(1).runs);
    assertEquals(2, ways.get(2).runs);
    assertEquals(List.of(true, true, false), closed(ways));
    assertSame(ways.get(2), f.way());
  }

  @Test
  void beforeItsFirstRunTheWayShownIsThePreferredOne() {
    List<Way> ways = List.of(new Way(), new Way());
    assertSame(ways.get(1), new Fastest(ways, 1).way());
    assertSame(ways.get(0), new Fastest(ways).way());
    assertThrows(IllegalArgumentException.class, () -> new Fastest(ways, 2));
  }

  private static List<Boolean> closed(List<Way> ways) {
    List<Boolean> out = new ArrayList<>();
    for (Way w : ways) out.add(w.closed);
    return out;
  }
}
