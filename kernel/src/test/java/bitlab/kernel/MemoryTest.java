package bitlab.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import bitlab.kernel.eval.Evaluator;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Values of overwritten variables and old expression results can be garbage collected. */
@Tag("slow")
public class MemoryTest {
  static Session session;

  @BeforeAll
  static void start() {
    session = new Session();
  }

  @AfterAll
  static void stop() {
    session.close();
  }

  /** Cells hand objects to the test through this list (weakly). */
  public static final List<WeakReference<Object>> SEEN = new ArrayList<>();

  @Test
  void reRunningACellReleasesWhatItsOldVariablesHeld() {
    assertTrue(
        Evaluator.canRelease(), "the test JVM needs --add-opens jdk.jshell/jdk.jshell=ALL-UNNAMED");
    Recording rec = new Recording();
    for (int i = 0; i < 30; i++) {
      Session.Result r = session.execute(
          "var big = new byte[8 << 20];\n"
              + "bitlab.kernel.MemoryTest.SEEN.add(new java.lang.ref.WeakReference<>(big));\nbig.length",
          rec);
      assertTrue(r.ok(), () -> r.error().plain());
    }
    System.gc();
    long alive = SEEN.stream().filter(w -> w.get() != null).count();
    assertTrue(alive <= 2, "old arrays should be collectable, alive: " + alive);
    Runtime rt = Runtime.getRuntime();
    long used = rt.totalMemory() - rt.freeMemory();
    assertTrue(
        used < 30L * (8 << 20), "30 x 8 MB were allocated; used after GC: " + (used >> 20) + " MB");
  }

  @Test
  void onlyTheRecentExpressionResultsStayReachable() {
    Recording rec = new Recording();
    int before = (int) SEEN.stream().filter(w -> w.get() != null).count();
    for (int i = 0; i < 40; i++) {
      Session.Result r = session.execute("bitlab.kernel.MemoryTest.keep(new byte[1 << 20])", rec);
      assertTrue(r.ok(), () -> r.error().plain());
    }
    System.gc();
    long alive = SEEN.stream().filter(w -> w.get() != null).count() - before;
    assertTrue(
        alive <= 20,
        "expression results beyond the most recent ones are released, alive: " + alive);
  }

  /** Returns its argument after recording it weakly. */
  public static Object keep(Object o) {
    SEEN.add(new WeakReference<>(o));
    return o;
  }
}
